using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Microsoft.ML.OnnxRuntime;

namespace Backprop.Benchmarks;

/// <summary>
/// W4a against the engine a .NET user would pick for inference: the same 8-4-1 network (ReLU, sigmoid) exported by
/// <c>torch.onnx.export</c> (<c>benchmarks/peers/export_onnx.py</c>) and run in-process by ONNX Runtime on one thread with
/// its input and output bound once, against our <c>Predict</c> with the same weights, for one example and for 1024.
/// Setup checks that both compute the same outputs. The ratio column is ours / ONNX Runtime.
/// </summary>
[MemoryDiagnoser]
public class OnnxRuntimeBenchmark
{
    private readonly W4SmallNet _network = new();
    private InferenceSession? _session;
    private RunOptions? _runOptions;
    private OrtValue[] _inputValues = Array.Empty<OrtValue>();
    private OrtValue[] _outputValues = Array.Empty<OrtValue>();
    private float[] _inputs = Array.Empty<float>();
    private float[] _ours = Array.Empty<float>();
    private float[] _theirs = Array.Empty<float>();
    private readonly string[] _inputNames = { "input" };
    private readonly string[] _outputNames = { "output" };

    [Params(1, 1024)]
    public int Rows { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        LoadTorchWeights(Peer("w4_8_4_1.weights.json"));
        var random = new SeededRandom(11);
        _inputs = new float[Rows * W4SmallNet.InputSize];
        ParameterInitializer.Uniform<float>(_inputs, 2.0, ref random);
        _ours = new float[Rows];
        _theirs = new float[Rows];

        var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1, ExecutionMode = ExecutionMode.ORT_SEQUENTIAL };
        _session = new InferenceSession(Peer("w4_8_4_1.onnx"), options);
        _runOptions = new RunOptions();
        _inputValues = new[] { OrtValue.CreateTensorValueFromMemory(_inputs, new long[] { Rows, W4SmallNet.InputSize }) };
        _outputValues = new[] { OrtValue.CreateTensorValueFromMemory(_theirs, new long[] { Rows, W4SmallNet.OutputSize }) };

        OnnxRuntime();
        Ours();
        for (int i = 0; i < Rows; i++)
        {
            if (Math.Abs(_ours[i] - _theirs[i]) > 1e-6f)
            {
                throw new InvalidOperationException($"Row {i}: ours {_ours[i]}, ONNX Runtime {_theirs[i]}: not the same network.");
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

    [Benchmark]
    public void Ours() => _network.Predict(_inputs, _ours);

    // PyTorch's state dict: "0.weight" [4][8], "0.bias" [4], "2.weight" [1][4], "2.bias" [1]; W[l] is the transpose.
    private void LoadTorchWeights(string path)
    {
        var state = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(File.ReadAllText(path))!;
        NetworkArchitecture architecture = _network.Architecture;
        Span<float> parameters = _network.Parameters;
        string[] modules = { "0", "2" };
        for (int layer = 0; layer < architecture.WeightLayerCount; layer++)
        {
            int fanIn = architecture.LayerSizes[layer];
            int fanOut = architecture.LayerSizes[layer + 1];
            JsonElement weight = state[modules[layer] + ".weight"];
            JsonElement bias = state[modules[layer] + ".bias"];
            for (int j = 0; j < fanOut; j++)
            {
                for (int k = 0; k < fanIn; k++)
                {
                    parameters[architecture.WeightOffset(layer) + (k * fanOut) + j] = weight[j][k].GetSingle();
                }

                parameters[architecture.BiasOffset(layer) + j] = bias[j].GetSingle();
            }
        }
    }

    // The peer files are copied next to the benchmark assembly (the csproj), wherever BenchmarkDotNet builds it.
    private static string Peer(string name) => Path.Combine(AppContext.BaseDirectory, "peers", "onnx", name);
}
