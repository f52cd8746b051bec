using System;
using System.Numerics.Tensors;
using Backprop.Threading;

namespace Backprop.Kernels;

/// <summary>
/// Which thread of a training step with split products owns which parameters: each wide layer's rows of W, in the
/// ranges of rows of dW that the threads' parts of the weight-gradient product write (<see cref="ProductTeam"/>), and
/// every other parameter the calling thread. The gradient's norm and the optimizer's update then run on the owners,
/// the weight gradient's parts write dW by these rows, and the chained forward product reads W by the same rows, so each
/// core reads and writes the rows of W, dW and the optimizer's state in its own cache (a part its worker has not started runs on the caller instead; only the
/// speed changes): done by
/// the calling thread alone, those passes read the rows a worker had just written from the worker's cache, and a W3
/// step on two threads took 270 us instead of 225 (docs/performance.md, "Threads").
/// </summary>
/// <remarks>
/// Where a weight gradient does not split by rows (a packed layer's splits by columns; a product of too few rows does
/// not split), the rows here only share out the passes. Every pass is elementwise except the norm, which is summed per
/// part and then over the parts in order: the same bits for a given thread count, and only its finiteness is used
/// unless the gradient is clipped (the trainer then sums it on one thread, as on one thread).
/// </remarks>
internal sealed unsafe class ParameterOwnership : ITeamJob
{
    // Per part, its sum in a cache line of its own: the parts write them at the same time.
    private const int SumStride = 16;

    // Segment i is parameters [_starts[i], _starts[i + 1]), owned by part _owners[i].
    private readonly int[] _starts;
    private readonly int[] _owners;
    private readonly float[] _sums;
    private readonly WorkerTeam _team;

    private Pass _pass;
    private float* _parameters;
    private float* _gradient;
    private float* _previous;
    private Optimizer? _optimizer;
    private float _learningRate;
    private int _step;

    /// <summary>The ownership of a network's parameters among the threads of <paramref name="team"/>.</summary>
    /// <param name="team">The team whose threads split the products.</param>
    /// <param name="architecture">The network.</param>
    public ParameterOwnership(WorkerTeam team, NetworkArchitecture architecture)
    {
        _team = team;
        ReadOnlySpan<int> sizes = architecture.LayerSizes;
        var starts = new System.Collections.Generic.List<int> { 0 };
        var owners = new System.Collections.Generic.List<int> { 0 };
        for (int layer = 0; layer < architecture.WeightLayerCount; layer++)
        {
            int fanIn = sizes[layer], fanOut = sizes[layer + 1];
            if (!ProductTeam.SplitsLayer(fanIn, fanOut))
            {
                continue;
            }

            int parts = Math.Min(team.Threads, ProductTeam.WeightGradientUnits(fanIn));
            int offset = architecture.WeightOffset(layer);
            for (int part = 1; part < parts; part++)
            {
                starts.Add(offset + (ProductTeam.WeightGradientFirstRow(part, fanIn, parts) * fanOut));
                owners.Add(part);
            }

            // The rest of the vector, from the end of this W on, goes back to the calling thread.
            starts.Add(offset + (fanIn * fanOut));
            owners.Add(0);
        }

        starts.Add(architecture.ParameterCount);
        _starts = starts.ToArray();
        _owners = owners.ToArray();
        _sums = new float[team.Threads * SumStride];
    }

    private enum Pass
    {
        SumOfSquares,
        Update,
    }

    /// <summary>The part that owns parameter <paramref name="index"/>.</summary>
    public int OwnerOf(int index)
    {
        int segment = Array.BinarySearch(_starts, index);
        return _owners[segment >= 0 ? segment : ~segment - 1];
    }

    /// <summary>The sum of squares of <paramref name="gradient"/>: per part, then over the parts in order.</summary>
    public float SumOfSquares(ReadOnlySpan<float> gradient)
    {
        fixed (float* g = gradient)
        {
            Run(Pass.SumOfSquares, null, g, null);
        }

        return Total();
    }

    /// <summary>
    /// Applies step <paramref name="step"/> of <paramref name="optimizer"/> (from
    /// <see cref="Optimizer.TryStartStepInRanges"/>), each part updating what it owns and keeping its values before
    /// the step in <paramref name="previous"/>.
    /// </summary>
    /// <returns>The sum of squares of the updated parameters: per part, then over the parts in order.</returns>
    public float Update(Optimizer optimizer, Span<float> parameters, ReadOnlySpan<float> gradient, float learningRate, int step, Span<float> previous)
    {
        _optimizer = optimizer;
        _learningRate = learningRate;
        _step = step;
        try
        {
            fixed (float* p = parameters, g = gradient, before = previous)
            {
                Run(Pass.Update, p, g, before);
            }
        }
        finally
        {
            _optimizer = null;
        }

        return Total();
    }

    /// <summary>Runs this thread's part of the current pass.</summary>
    public void Run(int part)
    {
        float sum = 0;
        for (int segment = 0; segment < _owners.Length; segment++)
        {
            if (_owners[segment] != part)
            {
                continue;
            }

            int start = _starts[segment];
            int length = _starts[segment + 1] - start;
            var gradient = new Span<float>(_gradient + start, length);
            switch (_pass)
            {
                case Pass.SumOfSquares:
                    sum += TensorPrimitives.SumOfSquares<float>(gradient);
                    break;
                default:
                    sum += _optimizer!.UpdateRange(
                        new Span<float>(_parameters + start, length), gradient, _learningRate, _step, new Span<float>(_previous + start, length), start);
                    break;
            }
        }

        _sums[part * SumStride] = sum;
    }

    private void Run(Pass pass, float* parameters, float* gradient, float* previous)
    {
        _pass = pass;
        _parameters = parameters;
        _gradient = gradient;
        _previous = previous;
        try
        {
            _team.Run(this, _team.Threads);
        }
        finally
        {
            _parameters = _gradient = _previous = null;
        }
    }

    private float Total()
    {
        float total = 0;
        for (int part = 0; part < _team.Threads; part++)
        {
            total += _sums[part * SumStride];
        }

        return total;
    }
}
