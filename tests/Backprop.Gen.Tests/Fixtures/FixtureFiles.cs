using System;
using System.IO;
using System.Linq;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Serialization;
using Backprop;
using Xunit;

namespace Backprop.Tests;

/// <summary>
/// The files under Fixtures/: where they are and how they are read. The project copies every Fixtures/**/*.json and
/// Fixtures/**/*.safetensors next to the test assembly, so the tests read those copies; only a test that rewrites a
/// committed fixture needs the folder in the source tree (<see cref="SourceFolder"/>).
/// </summary>
internal static class FixtureFiles
{
    /// <summary>Fixtures/<paramref name="folder"/> next to the test assembly.</summary>
    public static string Folder(string folder) => Path.Combine(AppContext.BaseDirectory, "Fixtures", folder);

    /// <summary>The path of Fixtures/<paramref name="folder"/>/<paramref name="name"/>; fails the test if the file is missing.</summary>
    public static string PathOf(string folder, string name)
    {
        string path = Path.Combine(Folder(folder), name);
        Assert.True(File.Exists(path), $"Fixture file missing: {path}");
        return path;
    }

    /// <summary>Deserializes the JSON fixture Fixtures/<paramref name="folder"/>/<paramref name="name"/>; fails the test if it is missing or null.</summary>
    public static T ReadJson<T>(string folder, string name)
        where T : class
    {
        string path = PathOf(folder, name);
        T? fixture = JsonSerializer.Deserialize<T>(File.ReadAllText(path));
        Assert.True(fixture is not null, $"Fixture file holds no {typeof(T).Name}: {path}");
        return fixture;
    }

    /// <summary>tests/Backprop.Gen.Tests/Fixtures/<paramref name="folder"/> in the source tree, found above the test assembly.</summary>
    public static string SourceFolder(string folder)
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            string candidate = Path.Combine(directory.FullName, "tests", "Backprop.Gen.Tests", "Fixtures", folder);
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException($"No tests/Backprop.Gen.Tests/Fixtures/{folder} above {AppContext.BaseDirectory}.");
    }
}

/// <summary>
/// What every Fixtures/PyTorch/*.json holds about the network PyTorch ran and its data set: the shape, as written by
/// make_fixtures.py and make_trajectories.py, and the inputs and targets, row after row.
/// </summary>
internal abstract class PyTorchNetworkFixture
{
    [JsonPropertyName("layers")] public int[] Layers { get; set; } = Array.Empty<int>();
    [JsonPropertyName("activations")] public string[] Activations { get; set; } = Array.Empty<string>();
    [JsonPropertyName("loss")] public string Loss { get; set; } = "";
    [JsonPropertyName("bias")] public bool Bias { get; set; }
    [JsonPropertyName("rows")] public int Rows { get; set; }
    [JsonPropertyName("inputs")] public double[] Inputs { get; set; } = Array.Empty<double>();
    [JsonPropertyName("targets")] public double[] Targets { get; set; } = Array.Empty<double>();
    [JsonPropertyName("torch_version")] public string TorchVersion { get; set; } = "";

    /// <summary>Asserts that <typeparamref name="TNet"/> is declared as the network PyTorch ran, and that the data fits it.</summary>
    public void AssertDeclares<TNet, T>(string label)
        where TNet : INetwork<TNet, T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Assert.True(TNet.LayerSizes.ToArray().SequenceEqual(Layers),
            $"{label}: layers [{string.Join(", ", TNet.LayerSizes.ToArray())}] but the fixture has [{string.Join(", ", Layers)}].");
        Activation[] activations = Activations.Select(Enum.Parse<Activation>).ToArray();
        Assert.True(TNet.LayerActivations.ToArray().SequenceEqual(activations),
            $"{label}: activations [{string.Join(", ", TNet.LayerActivations.ToArray())}] but the fixture has [{string.Join(", ", activations)}].");
        Assert.Equal(Enum.Parse<LossFunction>(Loss), TNet.LossFunction);
        Assert.Equal(Bias, TNet.HasBias);
        Assert.Equal(Rows * TNet.InputSize, Inputs.Length);
        Assert.Equal(Rows * TNet.OutputSize, Targets.Length);
    }
}
