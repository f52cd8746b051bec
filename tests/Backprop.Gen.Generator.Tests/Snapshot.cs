using System;
using System.IO;
using System.Runtime.CompilerServices;
using Xunit;

namespace Backprop.Generator.Tests;

/// <summary>
/// Snapshot assertions in Verify's conventions: the accepted text lives in
/// <c>Snapshots/{Class}.{Method}#{Name}.verified.cs</c>; a mismatch writes the new text beside it as
/// <c>.received.cs</c> (git-ignored) and fails. New text is accepted only when BACKPROP_ACCEPT_SNAPSHOTS=1 is set and
/// never when CI=true.
/// </summary>
internal static class Snapshot
{
    public static void Match(string actual, string className, string name, [CallerMemberName] string method = "", [CallerFilePath] string sourceFile = "")
    {
        string directory = Path.Combine(Path.GetDirectoryName(sourceFile)!, "Snapshots");
        string stem = Path.Combine(directory, $"{className}.{method}#{name}");
        string verifiedPath = stem + ".verified.cs";
        string receivedPath = stem + ".received.cs";
        actual = actual.Replace("\r\n", "\n", StringComparison.Ordinal);
        string? verified = File.Exists(verifiedPath) ? File.ReadAllText(verifiedPath).Replace("\r\n", "\n", StringComparison.Ordinal) : null;
        if (verified == actual)
        {
            File.Delete(receivedPath);
            return;
        }

        bool accept = Environment.GetEnvironmentVariable("BACKPROP_ACCEPT_SNAPSHOTS") == "1" &&
            !string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
        Directory.CreateDirectory(directory);
        if (accept)
        {
            File.WriteAllText(verifiedPath, actual);
            File.Delete(receivedPath);
            return;
        }

        File.WriteAllText(receivedPath, actual);
        Assert.Fail(verified is null
            ? $"No accepted snapshot {Path.GetFileName(verifiedPath)}; the output was written to {receivedPath}. Read it, then accept it with BACKPROP_ACCEPT_SNAPSHOTS=1."
            : $"Generated source differs from {Path.GetFileName(verifiedPath)}; the new output was written to {receivedPath}. Compare them, then fix the generator or accept with BACKPROP_ACCEPT_SNAPSHOTS=1.");
    }
}
