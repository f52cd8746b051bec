using System;
using System.IO;
using BenchmarkDotNet.Attributes;
using Microsoft.ML.OnnxRuntime;

namespace Backprop.Benchmarks;

/// <summary>
/// W4 against the engine a .NET user would pick for inference: the same networks exported by <c>torch.onnx.export</c>
/// (<c>benchmarks/peers/export_onnx.py</c>), 8-4-1 (ReLU, sigmoid; W4a) and 784-128-64-10 (ReLU, ReLU, identity;
/// W4b), run in-process by ONNX Runtime on one intra-op thread with input and output bound once, against our
/// <c>Predict</c> with the same model file read by <c>Onnx.Load</c>. Setup checks that the file holds the
/// <see cref="PeerWeights"/> (which the C loop uses too) and that both compute the same outputs. The ratio column is
/// ours / ONNX Runtime.
/// </summary>
[MemoryDiagnoser]
public class OnnxRuntimeBenchmark
{
    private readonly W4SmallNet _small = new();
    private readonly W3Net _large = new();
    private bool _isSmall;
    private InferenceSession? _session;
    private RunOptions? _runOptions;
    private OrtValue[] _inputValues = Array.Empty<OrtValue>();
    private OrtValue[] _outputValues = Array.Empty<OrtValue>();
    private float[] _inputs = Array.Empty<float>();
    private float[] _ours = Array.Empty<float>();
    private float[] _theirs = Array.Empty<float>();
    private readonly string[] _inputNames = { "input" };
    private readonly string[] _outputNames = { "output" };

    /// <summary>The network and the rows per call: W4a for one row and 1024, W4b for one row and 64.</summary>
    [Params("8-4-1 x1", "8-4-1 x1024", "784-128-64-10 x1", "784-128-64-10 x64")]
    public string Case { get; set; } = "8-4-1 x1";

    [GlobalSetup]
    public void Setup()
    {
        string[] parts = Case.Split(" x");
        int rows = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
        _isSmall = parts[0] == "8-4-1";
        INetwork<float> network = _isSmall ? _small : _large;
        string model = Peer("w4_" + parts[0].Replace('-', '_') + ".onnx");
        Onnx.Load(network, model);
        float[] loaded = network.Parameters.ToArray();
        PeerWeights.Apply(network);
        if (!network.Parameters.SequenceEqual(loaded))
        {
            throw new InvalidOperationException($"{model} does not hold the peers' weights: rerun benchmarks/peers/export_onnx.py.");
        }

        NetworkArchitecture architecture = network.Architecture;
        int inputs = architecture.LayerSizes[0];
        int outputs = architecture.LayerSizes[^1];
        var random = new SeededRandom(11);
        _inputs = new float[rows * inputs];
        ParameterInitializer.Uniform<float>(_inputs, 2.0, ref random);
        _ours = new float[rows * outputs];
        _theirs = new float[rows * outputs];

        var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1, ExecutionMode = ExecutionMode.ORT_SEQUENTIAL };
        _session = new InferenceSession(model, options);
        _runOptions = new RunOptions();
        _inputValues = new[] { OrtValue.CreateTensorValueFromMemory(_inputs, new long[] { rows, inputs }) };
        _outputValues = new[] { OrtValue.CreateTensorValueFromMemory(_theirs, new long[] { rows, outputs }) };

        OnnxRuntime();
        Ours();
        for (int i = 0; i < _ours.Length; i++)
        {
            // Both sum in float; the order of the sums differs, so allow a few roundings of the largest values.
            if (Math.Abs(_ours[i] - _theirs[i]) > 1e-5f * (1 + Math.Abs(_theirs[i])))
            {
                throw new InvalidOperationException($"Output {i}: ours {_ours[i]}, ONNX Runtime {_theirs[i]}: not the same network.");
            }
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Array.ForEach(_inputValues, value => value.Dispose());
        Array.ForEach(_outputValues, value => value.Dispose());
        _runOptions?.Dispose();
        _session?.Dispose();
    }

    [Benchmark(Baseline = true)]
    public void OnnxRuntime() =>
        _session!.Run(_runOptions!, _inputNames, _inputValues, _outputNames, _outputValues);

    // A direct call on the generated type, as an application makes it (the interface would add a dispatch).
    [Benchmark]
    public void Ours()
    {
        if (_isSmall)
        {
            _small.Predict(_inputs, _ours);
        }
        else
        {
            _large.Predict(_inputs, _ours);
        }
    }

    // The peer files are copied next to the benchmark assembly (the csproj), wherever BenchmarkDotNet builds it.
    private static string Peer(string name) => Path.Combine(AppContext.BaseDirectory, "peers", "onnx", name);
}
