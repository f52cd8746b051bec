using System;
using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using Backprop.Kernels;

namespace Backprop.Benchmarks;

/// <summary>
/// The forward product of a wide layer (784 -> 128, the first layer of W3) over a block of 64 rows, in the two forms
/// the generator can emit: a TensorPrimitives multiply-add per input row of W (the general form), and the
/// register-blocked <see cref="DenseKernels.MultiplyAdd"/>; and the weight gradient in the same two forms. Mean is per
/// row; compare each pair (the Ratio column is against the forward call form).
/// </summary>
public class WideLayerKernelBenchmark
{
    private const int Rows = 64;

    private float[] _x = Array.Empty<float>(), _w = Array.Empty<float>(), _b = Array.Empty<float>(), _z = Array.Empty<float>(), _gw = Array.Empty<float>();

    [Params(784)]
    public int In { get; set; }

    [Params(128, 64, 16, 10)]
    public int Out { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new SeededRandom(1);
        _x = new float[Rows * In];
        _w = new float[In * Out];
        _b = new float[Out];
        _z = new float[Rows * Out];
        _gw = new float[In * Out];
        foreach (float[] array in new[] { _x, _w, _b, _z })
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

    /// <summary>The weight gradient dW += A^T dZ over the block, as a rank-1 update per row (the general form).</summary>
    [Benchmark(OperationsPerInvoke = Rows)]
    public void WeightGradientTensorPrimitivesForm()
    {
        for (int row = 0; row < Rows; row++)
        {
            var a = _x.AsSpan(row * In, In);
            var dz = _z.AsSpan(row * Out, Out);
            for (int k = 0; k < In; k++)
            {
                var gradientRow = _gw.AsSpan(k * Out, Out);
                TensorPrimitives.MultiplyAdd(dz, a[k], gradientRow, gradientRow);
            }
        }
    }

    /// <summary>The weight gradient with the register-blocked <see cref="DenseKernels.MultiplyAddTransposed"/>.</summary>
    [Benchmark(OperationsPerInvoke = Rows)]
    public void WeightGradientBlockedForm() => DenseKernels.MultiplyAddTransposed(_x, Rows, In, _z, Out, _gw);
}
