using System;
using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;

namespace Backprop.Benchmarks;

/// <summary>
/// The forward product of a wide layer (784 -> 128, the first layer of W3) over a block of 64 rows, in the two forms
/// the generator can emit: a TensorPrimitives multiply-add per input row of W (the general form), and the
/// register-blocked <see cref="DenseKernels.MultiplyAdd"/>. Mean is per row; the Ratio column is the decision.
/// </summary>
public class WideLayerKernelBenchmark
{
    private const int Rows = 64;

    private float[] _x = Array.Empty<float>(), _w = Array.Empty<float>(), _b = Array.Empty<float>(), _z = Array.Empty<float>();

    [Params(784)]
    public int In { get; set; }

    [Params(128, 64, 16)]
    public int Out { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new SeededRandom(1);
        _x = new float[Rows * In];
        _w = new float[In * Out];
        _b = new float[Out];
        _z = new float[Rows * Out];
        foreach (float[] array in new[] { _x, _w, _b })
        {
            for (int i = 0; i < array.Length; i++)
            {
                array[i] = (float)random.NextDouble();
            }
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Rows)]
    public void TensorPrimitivesForm()
    {
        for (int row = 0; row < Rows; row++)
        {
            var x = _x.AsSpan(row * In, In);
            var z = _z.AsSpan(row * Out, Out);
            _b.CopyTo(z);
            for (int k = 0; k < In; k++)
            {
                TensorPrimitives.MultiplyAdd(_w.AsSpan(k * Out, Out), x[k], z, z);
            }
        }
    }

    [Benchmark(OperationsPerInvoke = Rows)]
    public void BlockedForm()
    {
        for (int row = 0; row < Rows; row++)
        {
            _b.CopyTo(_z.AsSpan(row * Out, Out));
        }

        DenseKernels.MultiplyAdd(_x, Rows, In, _w, Out, _z);
    }
}
