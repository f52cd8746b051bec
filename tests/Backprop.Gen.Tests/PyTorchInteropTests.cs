using System;
using System.IO;
using System.Linq;
using System.Numerics;
using System.Security.Cryptography;
using System.Text.Json.Serialization;
using Backprop;
using Backprop.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Backprop.Tests;

/// <summary>
/// Safetensors files crossing between PyTorch and Backprop.Gen, both ways (Fixtures/Interop, written by
/// Fixtures/PyTorch/make_interop.py with torch 1.13, float32):
/// <list type="bullet">
/// <item>a model trained in PyTorch (<c>nn.Sequential(Linear(4, 16), Tanh(), Linear(16, 3))</c>, state dict names
/// <c>0.weight</c> ... <c>2.bias</c>, stored as F32, F64 and F16) loaded here reproduces PyTorch's probabilities;</item>
/// <item>a file saved here (<c>backprop_written.safetensors</c>) loaded into PyTorch gives the outputs our own
/// <c>Predict</c> gives, and saving it again today gives the same bytes.</item>
/// </list>
/// </summary>
/// <remarks>
/// To regenerate <c>backprop_written.safetensors</c> (only when the format changes on purpose), run
/// <see cref="BackpropWrittenFileIsReproducible"/> with <c>BACKPROP_WRITE_FIXTURES=1</c> (never on CI), then rerun
/// make_interop.py so that <c>backprop_written.json</c> holds PyTorch's view of the new file.
/// </remarks>
public sealed class PyTorchInteropTests
{
    // Error measure, for a vector x against the reference ref:
    //
    //     err = max_i |x_i - ref_i| / max_i |ref_i|
    //
    // the normwise (infinity-norm) relative error, Tolerance.RelativeError, as in PyTorchParityTests.
    //
    // Float networks against PyTorch float32: both sides round every operation to float32 but in different orders and
    // with different tanh/exp/sigmoid implementations, so a few float32 ulps (eps = 6e-8) are expected: 1e-6.
    private const double FloatTolerance = 1e-6;

    // Double networks against PyTorch's float32 probabilities: our result is (nearly) exact for the float32 weights
    // and inputs, so the whole difference is PyTorch's own float32 rounding, the same few float32 ulps: also 1e-6
    // (make_interop.py measured 1.1e-7 between its float32 and float64 evaluations).
    private const double DoubleVsFloat32Tolerance = 1e-6;

    // Double networks against PyTorch's float64 evaluation of the same weights and inputs: double rounding only.
    private const double DoubleTolerance = 1e-12;

    private const string WrittenFile = "backprop_written.safetensors";
    private const int WrittenSeed = 3;

    private readonly ITestOutputHelper _output;

    public PyTorchInteropTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void TorchStateDictLoadsInOrder()
    {
        TorchFixture fixture = TorchFixture.Load("torch_sequential.json");
        var net = new InteropTorchFloat();
        Safetensors.Load(net, FixturePath("torch_sequential.safetensors"), SafetensorsNames.InOrder);

        double error = Compare("F32, SafetensorsNames.InOrder, float network", Predict(net, fixture.Inputs), fixture.Probabilities);

        Assert.True(error <= FloatTolerance, $"Probabilities differ from PyTorch's by {error:E3} > {FloatTolerance:E0}.");
    }

    [Fact]
    public void TorchStateDictLoadsFromPrefixes()
    {
        TorchFixture fixture = TorchFixture.Load("torch_sequential.json");
        var byPrefix = new InteropTorchFloat();
        Safetensors.Load(byPrefix, FixturePath("torch_sequential.safetensors"), SafetensorsNames.FromPrefixes("0", "2"));
        var inOrder = new InteropTorchFloat();
        Safetensors.Load(inOrder, FixturePath("torch_sequential.safetensors"), SafetensorsNames.InOrder);

        double error = Compare("F32, SafetensorsNames.FromPrefixes(\"0\", \"2\"), float network", Predict(byPrefix, fixture.Inputs), fixture.Probabilities);

        Assert.True(error <= FloatTolerance, $"Probabilities differ from PyTorch's by {error:E3} > {FloatTolerance:E0}.");
        Assert.Equal(inOrder.Parameters.ToArray(), byPrefix.Parameters.ToArray());
    }

    [Fact]
    public void TorchStateDictAsF64LoadsIntoFloatAndDoubleNetworks()
    {
        TorchFixture fixture = TorchFixture.Load("torch_sequential.json");
        string path = FixturePath("torch_sequential_f64.safetensors");

        // The F64 file holds float32 values widened exactly, so rounding back to float gives the F32 file's values.
        var fromF64 = new InteropTorchFloat();
        Safetensors.Load(fromF64, path, SafetensorsNames.InOrder);
        var fromF32 = new InteropTorchFloat();
        Safetensors.Load(fromF32, FixturePath("torch_sequential.safetensors"), SafetensorsNames.InOrder);
        Assert.Equal(fromF32.Parameters.ToArray(), fromF64.Parameters.ToArray());
        double floatError = Compare("F64 into a float network", Predict(fromF64, fixture.Inputs), fixture.Probabilities);

        var net = new InteropTorchDouble();
        Safetensors.Load(net, path, SafetensorsNames.InOrder);
        Assert.Equal(fromF32.Parameters.ToArray().Select(value => (double)value), net.Parameters.ToArray());
        double[] probabilities = Predict(net, fixture.Inputs);
        double vsFloat32 = Compare("F64 into a double network, against PyTorch float32", probabilities, fixture.Probabilities);
        double vsFloat64 = Compare("F64 into a double network, against PyTorch float64", probabilities, fixture.ProbabilitiesFloat64);

        Assert.True(floatError <= FloatTolerance, $"Float network: {floatError:E3} > {FloatTolerance:E0}.");
        Assert.True(vsFloat32 <= DoubleVsFloat32Tolerance, $"Double network against PyTorch float32: {vsFloat32:E3} > {DoubleVsFloat32Tolerance:E0}.");
        Assert.True(vsFloat64 <= DoubleTolerance, $"Double network against PyTorch float64: {vsFloat64:E3} > {DoubleTolerance:E0}.");
    }

    [Fact]
    public void TorchStateDictAsF16WidensExactly()
    {
        TorchFixture fixture = TorchFixture.Load("torch_sequential_f16.json");
        string path = FixturePath("torch_sequential_f16.safetensors");
        var fromF32 = new InteropTorchFloat();
        Safetensors.Load(fromF32, FixturePath("torch_sequential.safetensors"), SafetensorsNames.InOrder);

        // PyTorch's .half() rounds to nearest, ties to even, as the (Half) cast does; loading must widen exactly.
        var net = new InteropTorchFloat();
        Safetensors.Load(net, path, SafetensorsNames.InOrder);
        Assert.Equal(fromF32.Parameters.ToArray().Select(value => (float)(Half)value), net.Parameters.ToArray());
        var wide = new InteropTorchDouble();
        Safetensors.Load(wide, path, SafetensorsNames.InOrder);
        Assert.Equal(fromF32.Parameters.ToArray().Select(value => (double)(Half)value), wide.Parameters.ToArray());

        double error = Compare("F16 into a float network, against PyTorch with the F16-rounded weights", Predict(net, fixture.Inputs), fixture.Probabilities);

        Assert.True(error <= FloatTolerance, $"Probabilities differ from PyTorch's by {error:E3} > {FloatTolerance:E0}.");
    }

    [Fact]
    public void TorchStateDictWithDefaultNamesIsRefusedNamingTheMissingTensor()
    {
        string path = FixturePath("torch_sequential.safetensors");
        var net = new InteropTorchFloat();
        net.Initialize(seed: 1);
        float[] before = net.Parameters.ToArray();

        ModelFileException exception = Assert.Throws<ModelFileException>(() => Safetensors.Load(net, path));
        _output.WriteLine(exception.Message);

        Assert.Contains("'layers.0.weight'", exception.Message, StringComparison.Ordinal);
        Assert.Contains("0.weight, 0.bias, 2.weight, 2.bias", exception.Message, StringComparison.Ordinal);
        Assert.Contains("SafetensorsNames.InOrder", exception.Message, StringComparison.Ordinal);
        Assert.Equal(path, exception.FilePath);
        Assert.Equal(before, net.Parameters.ToArray());
    }

    [Fact]
    public void BackpropWrittenFileGivesPyTorchsOutputs()
    {
        WrittenFixture fixture = WrittenFixture.Load();
        string path = FixturePath(WrittenFile);
        Assert.True(fixture.SourceSha256 == Sha256(path),
            $"backprop_written.json was made from another {WrittenFile}: rerun make_interop.py after regenerating the file.");
        Assert.Equal("backprop-gen", fixture.Metadata["format"]);
        Assert.Equal("5,8,2", fixture.Metadata["layers"]);
        Assert.Equal("ReLU,Sigmoid", fixture.Metadata["activations"]);
        Assert.Equal("BinaryCrossEntropy", fixture.Metadata["loss"]);
        Assert.Equal("true", fixture.Metadata["bias"]);
        Assert.Equal("float32", fixture.Metadata["element_type"]);

        var net = new InteropBackpropWritten();
        Safetensors.Load(net, path);
        var initialized = new InteropBackpropWritten();
        initialized.Initialize(WrittenSeed);
        Assert.Equal(initialized.Parameters.ToArray(), net.Parameters.ToArray());

        double error = Compare("our file, our Predict, against PyTorch float32", Predict(net, fixture.Inputs), fixture.Outputs);

        Assert.True(error <= FloatTolerance, $"Outputs differ from PyTorch's by {error:E3} > {FloatTolerance:E0}.");
    }

    /// <summary>
    /// Saving the seed-3 network today gives the committed file byte for byte: the format is deterministic (header
    /// order, number formatting, padding, data layout). With <c>BACKPROP_WRITE_FIXTURES=1</c> (and not on CI) this test
    /// instead (re)writes the committed file; rerun make_interop.py afterwards.
    /// </summary>
    [Fact]
    public void BackpropWrittenFileIsReproducible()
    {
        var net = new InteropBackpropWritten();
        net.Initialize(WrittenSeed);
        string committed = Path.Combine(FixtureFiles.SourceFolder("Interop"), WrittenFile);

        bool write = Environment.GetEnvironmentVariable("BACKPROP_WRITE_FIXTURES") == "1"
            && !string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
        if (write)
        {
            Safetensors.Save(net, committed);
            _output.WriteLine($"Wrote {committed} ({new FileInfo(committed).Length} bytes, SHA-256 {Sha256(committed)}). Now run make_interop.py.");
            return;
        }

        string folder = Path.Combine(Path.GetTempPath(), "backprop-interop-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            string fresh = Path.Combine(folder, WrittenFile);
            Safetensors.Save(net, fresh);
            byte[] expected = File.ReadAllBytes(FixturePath(WrittenFile));
            byte[] actual = File.ReadAllBytes(fresh);
            int firstDifference = Enumerable.Range(0, Math.Min(expected.Length, actual.Length)).FirstOrDefault(i => expected[i] != actual[i], -1);
            _output.WriteLine($"{WrittenFile}: {expected.Length} bytes committed, {actual.Length} bytes saved today, first difference at {firstDifference}");
            Assert.True(expected.AsSpan().SequenceEqual(actual),
                $"Save no longer reproduces the committed {WrittenFile}: {expected.Length} vs {actual.Length} bytes, first difference at byte {firstDifference}. " +
                "If the format changed on purpose, regenerate it (BACKPROP_WRITE_FIXTURES=1) and rerun make_interop.py.");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private double Compare(string label, double[] actual, double[] expected)
    {
        double error = Tolerance.RelativeError<double, double>(actual, expected);
        _output.WriteLine($"{label}: max|a-b|/max|b| = {error:E2}");
        return error;
    }

    private static double[] Predict<T>(INetwork<T> network, double[] inputs)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int inputSize = network.Architecture.LayerSizes[0];
        int outputSize = network.Architecture.LayerSizes[network.Architecture.WeightLayerCount];
        Assert.Equal(0, inputs.Length % inputSize);
        var outputs = new T[inputs.Length / inputSize * outputSize];
        network.Predict(Oracle.Round<T>(inputs), outputs);
        return Oracle.Widen(outputs);
    }

    private static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    private static string FixturePath(string name) => FixtureFiles.PathOf("Interop", name);

    private sealed class TorchFixture
    {
        [JsonPropertyName("layers")] public int[] Layers { get; set; } = Array.Empty<int>();
        [JsonPropertyName("rows")] public int Rows { get; set; }
        [JsonPropertyName("inputs")] public double[] Inputs { get; set; } = Array.Empty<double>();
        [JsonPropertyName("probabilities")] public double[] Probabilities { get; set; } = Array.Empty<double>();
        [JsonPropertyName("probabilities_float64")] public double[] ProbabilitiesFloat64 { get; set; } = Array.Empty<double>();
        [JsonPropertyName("torch_version")] public string TorchVersion { get; set; } = "";

        public static TorchFixture Load(string name)
        {
            TorchFixture fixture = FixtureFiles.ReadJson<TorchFixture>("Interop", name);
            Assert.Equal(new[] { 4, 16, 3 }, fixture.Layers);
            Assert.Equal(fixture.Rows * 4, fixture.Inputs.Length);
            Assert.Equal(fixture.Rows * 3, fixture.Probabilities.Length);
            return fixture;
        }
    }

    private sealed class WrittenFixture
    {
        [JsonPropertyName("layers")] public int[] Layers { get; set; } = Array.Empty<int>();
        [JsonPropertyName("rows")] public int Rows { get; set; }
        [JsonPropertyName("source_sha256")] public string SourceSha256 { get; set; } = "";
        [JsonPropertyName("metadata")] public System.Collections.Generic.Dictionary<string, string> Metadata { get; set; } = new();
        [JsonPropertyName("inputs")] public double[] Inputs { get; set; } = Array.Empty<double>();
        [JsonPropertyName("outputs")] public double[] Outputs { get; set; } = Array.Empty<double>();
        [JsonPropertyName("torch_version")] public string TorchVersion { get; set; } = "";

        public static WrittenFixture Load()
        {
            WrittenFixture fixture = FixtureFiles.ReadJson<WrittenFixture>("Interop", "backprop_written.json");
            Assert.Equal(new[] { 5, 8, 2 }, fixture.Layers);
            Assert.Equal(fixture.Rows * 5, fixture.Inputs.Length);
            Assert.Equal(fixture.Rows * 2, fixture.Outputs.Length);
            return fixture;
        }
    }
}

// The networks of the interop fixtures. Shapes must match make_interop.py. Declared here, not in Networks.cs, because
// they belong to these fixture files and only this test uses them.

[Network(Layers = new[] { 4, 16, 3 }, Activations = new[] { Activation.Tanh, Activation.Softmax }, Loss = LossFunction.CrossEntropy)]
public partial class InteropTorchFloat { }

[Network(Layers = new[] { 4, 16, 3 }, Activations = new[] { Activation.Tanh, Activation.Softmax }, Loss = LossFunction.CrossEntropy, ElementType = typeof(double))]
public partial class InteropTorchDouble { }

[Network(Layers = new[] { 5, 8, 2 }, Activations = new[] { Activation.ReLU, Activation.Sigmoid }, Loss = LossFunction.BinaryCrossEntropy)]
public partial class InteropBackpropWritten { }
