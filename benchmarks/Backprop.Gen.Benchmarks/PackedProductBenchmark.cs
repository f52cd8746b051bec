using System;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using Backprop.Kernels;

namespace Backprop.Benchmarks;

/// <summary>
/// A wide layer's three products over one block of rows, each in place (the register-blocked
/// <see cref="DenseKernels.MultiplyAdd"/> and <see cref="DenseKernels.MultiplyAddTransposed"/>) and packed
/// (<see cref="DenseKernels.PackedMultiplyAdd"/>, <see cref="DenseKernels.PackedMultiplyAddTransposed"/>, packing
/// timed too): the evidence for <c>KernelRules.MinPackedWeights</c>. Shapes are rows x inputs x outputs: W3's first
/// layer, two layers of 2^18 weights, one of 2^20 and W6's hidden layer. Mean is per call; compare each pair.
/// </summary>
public class PackedProductBenchmark
{
    private float[] _a = Array.Empty<float>(), _w = Array.Empty<float>(), _z = Array.Empty<float>(), _d = Array.Empty<float>(), _g = Array.Empty<float>();
    private float[] _pack = new float[(256 * 512) + (120 * 256)]; // KernelGeometry.PackLength, at most
    private int _rows, _in, _out;

    [Params("64x784x128", "64x512x512", "64x1024x256", "64x1024x1024", "256x2048x2048")]
    public string Shape { get; set; } = "64x784x128";

    [GlobalSetup]
    public void Setup()
    {
        int[] sizes = Array.ConvertAll(Shape.Split('x'), size => int.Parse(size, CultureInfo.InvariantCulture));
        (_rows, _in, _out) = (sizes[0], sizes[1], sizes[2]);
        var random = new SeededRandom(1);
        _a = Fill(random, _rows * _in);
        _w = Fill(random, _in * _out);
        _d = Fill(random, _rows * _out);
        _z = new float[_rows * _out];
        _g = new float[_in * _out];
    }

    [Benchmark(Baseline = true)]
    public void ForwardInPlace() => DenseKernels.MultiplyAdd(_a, _rows, _in, _w, _out, _z);

    [Benchmark]
    public void ForwardPacked() => DenseKernels.PackedMultiplyAdd(_a, _rows, _in, _w, _out, _z, _pack);

    [Benchmark]
    public void WeightGradientInPlace() => DenseKernels.MultiplyAddTransposed(_a, _rows, _in, _d, _out, _g);

    [Benchmark]
    public void WeightGradientPacked() => DenseKernels.PackedMultiplyAddTransposed(_a, _rows, _in, _d, _out, _g, _pack);

    private static float[] Fill(SeededRandom random, int length)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = (float)random.NextDouble() - 0.5f;
        }

        return values;
    }
}
