using System;
using System.Diagnostics;
using System.IO;

namespace Backprop.Samples.Digits;

/// <summary>
/// The deployment check: the trained model is saved with Safetensors.Save, and this program is started again with
/// "--evaluate &lt;file&gt;"; that second process knows nothing but the file, loads it into a fresh DigitsNet and
/// predicts the same held-out images. Both processes print a fingerprint of the raw prediction bits.
/// </summary>
internal static class SecondProcess
{
    public const string Flag = "--evaluate";

    /// <summary>FNV-1a over the bits of every prediction: equal only if the two processes predict identically.</summary>
    public static ulong Fingerprint(ReadOnlySpan<float> predictions)
    {
        ulong hash = 14695981039346656037UL;
        foreach (float value in predictions)
        {
            hash = unchecked((hash ^ (uint)BitConverter.SingleToInt32Bits(value)) * 1099511628211UL);
        }

        return hash;
    }

    /// <summary>Runs this program with <see cref="Flag"/> and returns the fingerprint the child printed, or null.</summary>
    public static ulong? Evaluate(string modelPath)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath ?? "dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(start.FileName).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            start.ArgumentList.Add(typeof(SecondProcess).Assembly.Location);   // started as "dotnet Digits.dll"
        }

        start.ArgumentList.Add(Flag);
        start.ArgumentList.Add(modelPath);
        using Process child = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {start.FileName}.");
        string output = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        ulong? fingerprint = null;
        foreach (string line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            Console.WriteLine($"  [second process] {line}");
            if (line.StartsWith("fingerprint ", StringComparison.Ordinal))
            {
                fingerprint = ulong.Parse(line["fingerprint ".Length..], System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return child.ExitCode == 0 ? fingerprint : null;
    }
}
