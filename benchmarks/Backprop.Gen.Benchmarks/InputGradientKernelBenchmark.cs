using System;
using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using Backprop.Kernels;

namespace Backprop.Benchmarks;

/// <summary>
/// The input gradient <c>dA = dZ W^T</c> of a hidden layer over a block of 64 rows, in the two forms the generator can
/// emit: a TensorPrimitives dot product per input per row (the general form), and the packed product
/// <see cref="DenseKernels.PackedMultiplyAddByTransposed"/>, which packs W^T as it copies it (timed too). The shapes
/// are W3's two hidden layers (128 -> 64, 64 -> 10) and its first layer's shape. Mean is per row.
/// </summary>
public class InputGradientKernelBenchmark
{
    private const int Rows = 64;

    private float[] _dz = Array.Empty<float>(), _w = Array.Empty<float>(), _pack = Array.Empty<float>(), _da = Array.Empty<float>();

    [Params("128x64", "64x10", "784x128")]
    public string Shape { get; set; } = "128x64";

    private int In => int.Parse(Shape.Split('x')[0], System.Globalization.CultureInfo.InvariantCulture);

    private int Out => int.Parse(Shape.Split('x')[1], System.Globalization.CultureInfo.InvariantCulture);

    private int _in, _out;

    [GlobalSetup]
    public void Setup()
    {
        _in = In;
        _out = Out;
        var random = new SeededRandom(1);
        _dz = new float[Rows * _out];
        _w = new float[_in * _out];
        _pack = new float[(256 * 512) + (120 * 256)]; // KernelGeometry.PackLength, at most
        _da = new float[Rows * _in];
        foreach (float[] array in new[] { _dz, _w })
        {
            for (int i = 0; i < array.Length; i++)
            {
                array[i] = (float)random.NextDouble();
            }
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Rows)]
    public void DotPerInputForm()
    {
        for (int row = 0; row < Rows; row++)
        {
            var dz = _dz.AsSpan(row * _out, _out);
            var da = _da.AsSpan(row * _in, _in);
            for (int k = 0; k < _in; k++)
            {
                da[k] = TensorPrimitives.Dot(_w.AsSpan(k * _out, _out), dz);
            }
        }
    }

    [Benchmark(OperationsPerInvoke = Rows)]
    public void PackedForm()
    {
        _da.AsSpan().Clear();
        DenseKernels.PackedMultiplyAddByTransposed(_dz, Rows, _out, _w, _in, _da, _pack);
    }
}
