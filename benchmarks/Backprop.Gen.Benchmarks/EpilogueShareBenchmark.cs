using System;
using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using Backprop.Kernels;

namespace Backprop.Benchmarks;

/// <summary>
/// What fusing could save in W3: one 64-row gradient of 784-128-64-10 (the baseline) against the passes that a fused
/// kernel epilogue would absorb, written as the generated code runs them: the bias copies and ReLU of both hidden
/// layers (forward), the ReLU derivatives (backward), and <c>db</c> as a TensorPrimitives add per row for all three
/// layers. The Ratio column is each pass's share of a whole gradient.
/// </summary>
public class EpilogueShareBenchmark
{
    private const int Rows = 64;
    private readonly W3Net _net = new();
    private readonly float[] _x = new float[Rows * 784];
    private readonly float[] _y = new float[Rows * 10];
    private readonly float[] _gradient = new float[W3Net.ParameterCount];
    private readonly float[] _z1 = new float[Rows * 128], _a1 = new float[Rows * 128], _z2 = new float[Rows * 64], _a2 = new float[Rows * 64];
    private readonly float[] _dz3 = new float[Rows * 10];
    private readonly float[] _b1 = new float[128], _b2 = new float[64], _b3 = new float[10];

    [GlobalSetup]
    public void Setup()
    {
        _net.Initialize(seed: 1);
        var random = new SeededRandom(1);
        foreach (float[] array in new[] { _x, _z1, _z2, _dz3 })
        {
            for (int i = 0; i < array.Length; i++)
            {
                array[i] = (float)random.NextDouble() - 0.5f;
            }
        }

        for (int row = 0; row < Rows; row++)
        {
            _y[(row * 10) + (row % 10)] = 1;
        }
    }

    [Benchmark(Baseline = true)]
    public float Gradient() => _net.Gradient(_x, _y, _gradient);

    [Benchmark]
    public void BiasCopiesAndRelu()
    {
        for (int row = 0; row < Rows; row++)
        {
            _b1.CopyTo(_z1.AsSpan(row * 128, 128));
        }

        TensorPrimitives.Max(_z1, 0f, _a1);
        for (int row = 0; row < Rows; row++)
        {
            _b2.CopyTo(_z2.AsSpan(row * 64, 64));
        }

        TensorPrimitives.Max(_z2, 0f, _a2);
    }

    [Benchmark]
    public void ReluDerivatives()
    {
        ActivationKernels.ReluBackward<float>(_z1, _a1, _a1);
        ActivationKernels.ReluBackward<float>(_z2, _a2, _a2);
    }

    [Benchmark]
    public void BiasGradients()
    {
        for (int row = 0; row < Rows; row++)
        {
            TensorPrimitives.Add(_b1, _z1.AsSpan(row * 128, 128), _b1);
            TensorPrimitives.Add(_b2, _z2.AsSpan(row * 64, 64), _b2);
            TensorPrimitives.Add(_b3, _dz3.AsSpan(row * 10, 10), _b3);
        }
    }
}
