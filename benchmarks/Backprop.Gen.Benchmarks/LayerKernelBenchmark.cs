using System;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;
using Backprop.Kernels;

namespace Backprop.Benchmarks;

/// <summary>
/// The forms the generator can emit for a small layer (8 -> 4, the hidden layer of W1), forward and backward over
/// 4096 rows, written out by hand exactly as emitted: a TensorPrimitives call per input row of W (the general form),
/// and the fully unrolled scalar form used for layers of at most 64 weights. The Ratio column is the decision.
/// </summary>
public class LayerKernelBenchmark
{
    private const int Rows = 4096;
    private const int In = 8;
    private const int Out = 4;
    private readonly float[] _x = new float[Rows * In];
    private readonly float[] _z = new float[Rows * Out];
    private readonly float[] _dz = new float[Rows * Out];
    private readonly float[] _da = new float[Rows * In];
    private readonly float[] _w = new float[In * Out];
    private readonly float[] _b = new float[Out];
    private readonly float[] _gw = new float[In * Out];
    private readonly float[] _gb = new float[Out];

    [GlobalSetup]
    public void Setup()
    {
        var random = new SeededRandom(1);
        foreach (float[] array in new[] { _x, _dz, _w, _b })
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
        ReadOnlySpan<float> w = _w, b = _b;
        Span<float> gw = _gw, gb = _gb;
        for (int row = 0; row < Rows; row++)
        {
            var x = _x.AsSpan(row * In, In);
            var z = _z.AsSpan(row * Out, Out);
            b.CopyTo(z);
            for (int k = 0; k < In; k++)
            {
                TensorPrimitives.MultiplyAdd(w.Slice(k * Out, Out), x[k], z, z);
            }
        }

        for (int row = 0; row < Rows; row++)
        {
            var a = _x.AsSpan(row * In, In);
            var dz = _dz.AsSpan(row * Out, Out);
            for (int k = 0; k < In; k++)
            {
                var gradientRow = gw.Slice(k * Out, Out);
                TensorPrimitives.MultiplyAdd(dz, a[k], gradientRow, gradientRow);
            }

            TensorPrimitives.Add(gb, dz, gb);
            var da = _da.AsSpan(row * In, In);
            for (int k = 0; k < In; k++)
            {
                da[k] = TensorPrimitives.Dot(w.Slice(k * Out, Out), dz);
            }
        }
    }

    [Benchmark(OperationsPerInvoke = Rows)]
    public void UnrolledForm()
    {
        ReadOnlySpan<float> w = _w, b = _b;
        Span<float> gw = _gw, gb = _gb;
        for (int row = 0; row < Rows; row++)
        {
            var x = _x.AsSpan(row * In, In);
            var z = _z.AsSpan(row * Out, Out);
            z[0] = b[0] + (x[0] * w[0]) + (x[1] * w[4]) + (x[2] * w[8]) + (x[3] * w[12]) + (x[4] * w[16]) + (x[5] * w[20]) + (x[6] * w[24]) + (x[7] * w[28]);
            z[1] = b[1] + (x[0] * w[1]) + (x[1] * w[5]) + (x[2] * w[9]) + (x[3] * w[13]) + (x[4] * w[17]) + (x[5] * w[21]) + (x[6] * w[25]) + (x[7] * w[29]);
            z[2] = b[2] + (x[0] * w[2]) + (x[1] * w[6]) + (x[2] * w[10]) + (x[3] * w[14]) + (x[4] * w[18]) + (x[5] * w[22]) + (x[6] * w[26]) + (x[7] * w[30]);
            z[3] = b[3] + (x[0] * w[3]) + (x[1] * w[7]) + (x[2] * w[11]) + (x[3] * w[15]) + (x[4] * w[19]) + (x[5] * w[23]) + (x[6] * w[27]) + (x[7] * w[31]);
        }

        for (int row = 0; row < Rows; row++)
        {
            var a = _x.AsSpan(row * In, In);
            var dz = _dz.AsSpan(row * Out, Out);
            for (int k = 0; k < In; k++)
            {
                // The generator writes these 32 lines out; a loop over k with the inner four unrolled is the same code.
                gw[(k * 4) + 0] += a[k] * dz[0];
                gw[(k * 4) + 1] += a[k] * dz[1];
                gw[(k * 4) + 2] += a[k] * dz[2];
                gw[(k * 4) + 3] += a[k] * dz[3];
            }

            gb[0] += dz[0];
            gb[1] += dz[1];
            gb[2] += dz[2];
            gb[3] += dz[3];
            var da = _da.AsSpan(row * In, In);
            for (int k = 0; k < In; k++)
            {
                da[k] = (w[(k * 4) + 0] * dz[0]) + (w[(k * 4) + 1] * dz[1]) + (w[(k * 4) + 2] * dz[2]) + (w[(k * 4) + 3] * dz[3]);
            }
        }
    }

    /// <summary>
    /// The examples-in-lanes form: eight rows per 256-bit vector (<see cref="LaneKernels"/>), as emitted for small float
    /// layers; the loops over k and j stand for the lines the generator writes out.
    /// </summary>
    [Benchmark(OperationsPerInvoke = Rows)]
    public void LanesForm()
    {
        Span<Vector256<float>> wLanes = stackalloc Vector256<float>[In * Out];
        Span<Vector256<float>> bLanes = stackalloc Vector256<float>[Out];
        Span<Vector256<float>> xLanes = stackalloc Vector256<float>[In];
        Span<Vector256<float>> zLanes = stackalloc Vector256<float>[Out];
        Span<Vector256<float>> sums = stackalloc Vector256<float>[(In * Out) + Out];
        Span<Vector256<float>> daLanes = stackalloc Vector256<float>[In];
        LaneKernels.Broadcast(_w, wLanes);
        LaneKernels.Broadcast(_b, bLanes);
        for (int row = 0; row < Rows; row += LaneKernels.Lanes)
        {
            LaneKernels.Gather(_x.AsSpan(row * In, 8 * In), In, xLanes);
            for (int j = 0; j < Out; j++)
            {
                zLanes[j] = bLanes[j] + (xLanes[0] * wLanes[j]) + (xLanes[1] * wLanes[4 + j]) + (xLanes[2] * wLanes[8 + j]) + (xLanes[3] * wLanes[12 + j])
                    + (xLanes[4] * wLanes[16 + j]) + (xLanes[5] * wLanes[20 + j]) + (xLanes[6] * wLanes[24 + j]) + (xLanes[7] * wLanes[28 + j]);
            }

            LaneKernels.Scatter(zLanes, Out, _z.AsSpan(row * Out, 8 * Out));
        }

        for (int row = 0; row < Rows; row += LaneKernels.Lanes)
        {
            LaneKernels.Gather(_x.AsSpan(row * In, 8 * In), In, xLanes);
            LaneKernels.Gather(_dz.AsSpan(row * Out, 8 * Out), Out, zLanes);
            for (int k = 0; k < In; k++)
            {
                sums[(k * 4) + 0] += xLanes[k] * zLanes[0];
                sums[(k * 4) + 1] += xLanes[k] * zLanes[1];
                sums[(k * 4) + 2] += xLanes[k] * zLanes[2];
                sums[(k * 4) + 3] += xLanes[k] * zLanes[3];
            }

            for (int j = 0; j < Out; j++)
            {
                sums[(In * Out) + j] += zLanes[j];
            }

            for (int k = 0; k < In; k++)
            {
                daLanes[k] = (wLanes[(k * 4) + 0] * zLanes[0]) + (wLanes[(k * 4) + 1] * zLanes[1]) + (wLanes[(k * 4) + 2] * zLanes[2]) + (wLanes[(k * 4) + 3] * zLanes[3]);
            }

            LaneKernels.Scatter(daLanes, In, _da.AsSpan(row * In, 8 * In));
        }

        LaneKernels.AddLaneSums(sums.Slice(0, In * Out), _gw);
        LaneKernels.AddLaneSums(sums.Slice(In * Out, Out), _gb);
    }
}
