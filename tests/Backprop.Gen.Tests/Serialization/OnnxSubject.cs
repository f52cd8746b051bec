using System;
using System.IO;
using System.Linq;
using System.Numerics;
using Backprop;

namespace Backprop.Tests;

/// <summary>A float or double network behind one face, so that ONNX tests can run over both element types.</summary>
internal interface IOnnxSubject
{
    NetworkArchitecture Architecture { get; }

    bool Single { get; }

    double[] Parameters { get; }

    void Initialize(int seed);

    void Load(string path);

    void Save(string path);

    double[] Predict(double[] inputs);
}

internal sealed class OnnxSubject<T>(INetwork<T> network) : IOnnxSubject
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public NetworkArchitecture Architecture => network.Architecture;

    public bool Single => typeof(T) == typeof(float);

    public double[] Parameters => network.Parameters.ToArray().Select(double.CreateTruncating).ToArray();

    public void Initialize(int seed) => network.Initialize(seed);

    public void Load(string path)
    {
        if (network is INetwork<float> single)
        {
            Onnx.Load(single, path);
        }
        else
        {
            Onnx.Load((INetwork<double>)network, path);
        }
    }

    public void Save(string path)
    {
        if (network is INetwork<float> single)
        {
            Onnx.Save(single, path);
        }
        else
        {
            Onnx.Save((INetwork<double>)network, path);
        }
    }

    public double[] Predict(double[] inputs)
    {
        int width = Architecture.LayerSizes[0];
        int outputs = Architecture.LayerSizes[^1];
        var results = new T[inputs.Length / width * outputs];
        network.Predict(inputs.Select(T.CreateTruncating).ToArray(), results);
        return results.Select(double.CreateTruncating).ToArray();
    }
}

internal static class OnnxSubjects
{
    public static IOnnxSubject Float(INetwork<float> network) => new OnnxSubject<float>(network);

    public static IOnnxSubject Double(INetwork<double> network) => new OnnxSubject<double>(network);

    /// <summary>The network each Fixtures/Onnx model loads into.</summary>
    public static IOnnxSubject ForFixture(string name) => name switch
    {
        "gemm_relu_sigmoid" => Float(new OnnxReluSigmoid()),
        "gemm_tanh_leaky_softmax" => Float(new OnnxTanhLeakySoftmax()),
        "gemm_logits_as_softmax" => Float(new OnnxLogitsAsSoftmax()),
        "gemm_logits_as_sigmoid" => Float(new OnnxLogitsAsSigmoid()),
        "gemm_nobias" => Float(new OnnxNoBias()),
        "gemm_flatten_dropout" => Float(new OnnxFlattenDropout()),
        "gemm_double" => Double(new OnnxDouble()),
        "matmul_add" => Float(new OnnxMatMulAdd()),
        "matmul_nobias_double" => Double(new OnnxMatMulNoBiasDouble()),
        _ => throw new ArgumentException($"No network is declared for fixture '{name}'.", nameof(name)),
    };
}
