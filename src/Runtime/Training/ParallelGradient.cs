using System;
using System.Numerics.Tensors;
using Backprop.Threading;

namespace Backprop;

/// <summary>
/// Data-parallel gradients: a batch is cut into one contiguous block of rows per thread, each block's gradient is
/// computed into its own buffer with its own workspace, and the blocks are summed in block order, weighted by their
/// share of the rows. The result depends only on the number of blocks, never on which thread ran what, so it is
/// bit-identical for a given thread count.
/// </summary>
/// <remarks>
/// The blocks run on a <see cref="WorkerTeam"/> (block 0 on the calling thread), which returns only when every block is
/// done: that is what makes handing the workers pointers to the caller's pinned spans safe.
/// </remarks>
internal sealed unsafe class ParallelGradient<TNetwork> : ITeamJob, IDisposable
    where TNetwork : class, INetwork<TNetwork, float>
{
    private readonly TNetwork _network;
    private readonly float[][] _gradients;
    private readonly Workspace<float>[] _workspaces;
    private readonly double[] _losses;
    private readonly WorkerTeam _team;

    // The batch being processed, valid while Compute runs.
    private float* _inputs;
    private float* _targets;
    private int _rows;
    private int _blocks;

    public ParallelGradient(TNetwork network, int threads)
    {
        _network = network;
        _gradients = new float[threads][];
        _workspaces = new Workspace<float>[threads];
        _losses = new double[threads];
        for (int i = 0; i < threads; i++)
        {
            _gradients[i] = new float[TNetwork.ParameterCount];
            _workspaces[i] = new Workspace<float>();
        }

        _team = new WorkerTeam(threads, "gradient worker");
    }

    public int Threads => _team.Threads;

    /// <summary>Computes the batch's mean loss and its gradient into <paramref name="gradient"/> with <paramref name="blocks"/> blocks.</summary>
    public float Compute(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, Span<float> gradient, int blocks)
    {
        int rows = inputs.Length / TNetwork.InputSize;
        fixed (float* inputPointer = inputs)
        fixed (float* targetPointer = targets)
        {
            _inputs = inputPointer;
            _targets = targetPointer;
            _rows = rows;
            _blocks = blocks;
            try
            {
                _team.Run(this, blocks);
            }
            finally
            {
                _inputs = null;
                _targets = null;
            }
        }

        // Fixed-order reduction: gradient = sum_b (rows_b / rows) * gradient_b, b = 0, 1, ...
        double loss = 0;
        for (int b = 0; b < blocks; b++)
        {
            (_, int count) = BlockRange(b);
            float weight = (float)count / rows;
            if (b == 0)
            {
                TensorPrimitives.Multiply(_gradients[0], weight, gradient);
            }
            else
            {
                TensorPrimitives.MultiplyAdd(_gradients[b], weight, gradient, gradient);
            }

            loss += _losses[b] * count / rows;
        }

        return (float)loss;
    }

    public void Dispose() => _team.Dispose();

    void ITeamJob.Run(int block)
    {
        (int start, int count) = BlockRange(block);
        var inputs = new ReadOnlySpan<float>(_inputs + ((long)start * TNetwork.InputSize), count * TNetwork.InputSize);
        var targets = new ReadOnlySpan<float>(_targets + ((long)start * TNetwork.OutputSize), count * TNetwork.OutputSize);
        _losses[block] = _network.Gradient(inputs, targets, _gradients[block], _workspaces[block]);
    }

    // Rows are split as evenly as possible; the first (rows % blocks) blocks get one more.
    private (int Start, int Count) BlockRange(int block)
    {
        int baseCount = _rows / _blocks;
        int extra = _rows % _blocks;
        int start = (block * baseCount) + Math.Min(block, extra);
        return (start, baseCount + (block < extra ? 1 : 0));
    }
}
