using System;

namespace Backprop;

/// <summary>
/// The training examples of one <see cref="Trainer{TNetwork}"/> run, a minibatch at a time: in the order given, or in
/// a new seeded order each epoch, gathered into buffers sized once so that a batch allocates nothing.
/// </summary>
internal sealed class Minibatches
{
    private readonly ReadOnlyMemory<float> _inputs;
    private readonly ReadOnlyMemory<float> _targets;
    private readonly int _inputSize;
    private readonly int _outputSize;
    private readonly bool _shuffle;
    private readonly int[] _order;
    private readonly float[] _batchInputs;
    private readonly float[] _batchTargets;
    private SeededRandom _random;

    /// <summary>Prepares the batches; the examples are not copied.</summary>
    /// <param name="inputs"><c>m * inputSize</c> values, one example per row.</param>
    /// <param name="targets"><c>m * outputSize</c> values.</param>
    /// <param name="inputSize">Values per input row.</param>
    /// <param name="outputSize">Values per target row.</param>
    /// <param name="batchSize">Examples per batch (at most <c>m</c> are used).</param>
    /// <param name="shuffle">Whether each epoch visits the examples in a new order.</param>
    /// <param name="seed">The seed of that order.</param>
    public Minibatches(ReadOnlyMemory<float> inputs, ReadOnlyMemory<float> targets, int inputSize, int outputSize, int batchSize, bool shuffle, int seed)
    {
        _inputs = inputs;
        _targets = targets;
        _inputSize = inputSize;
        _outputSize = outputSize;
        _shuffle = shuffle;
        Rows = inputs.Length / inputSize;
        BatchSize = Math.Min(batchSize, Rows);
        _order = new int[Rows];
        for (int i = 0; i < Rows; i++)
        {
            _order[i] = i;
        }

        _random = new SeededRandom(seed);
        _batchInputs = shuffle ? new float[BatchSize * inputSize] : Array.Empty<float>();
        _batchTargets = shuffle ? new float[BatchSize * outputSize] : Array.Empty<float>();
    }

    /// <summary>The number of training examples.</summary>
    public int Rows { get; }

    /// <summary>Examples per batch; the last batch of an epoch may hold fewer.</summary>
    public int BatchSize { get; }

    /// <summary>Starts an epoch: draws a new order of the examples when shuffling.</summary>
    public void StartEpoch()
    {
        if (_shuffle)
        {
            _random.Shuffle<int>(_order);
        }
    }

    /// <summary>The batch that starts at position <paramref name="start"/> of this epoch's order.</summary>
    /// <param name="start">A multiple of <see cref="BatchSize"/> below <see cref="Rows"/>.</param>
    /// <param name="inputs">The batch's inputs, valid until the next call.</param>
    /// <param name="targets">Its targets.</param>
    /// <returns>The number of examples in the batch.</returns>
    public int Get(int start, out ReadOnlySpan<float> inputs, out ReadOnlySpan<float> targets)
    {
        int count = Math.Min(BatchSize, Rows - start);
        if (_shuffle)
        {
            Gather(_inputs.Span, _order.AsSpan(start, count), _inputSize, _batchInputs);
            Gather(_targets.Span, _order.AsSpan(start, count), _outputSize, _batchTargets);
            inputs = _batchInputs.AsSpan(0, count * _inputSize);
            targets = _batchTargets.AsSpan(0, count * _outputSize);
        }
        else
        {
            inputs = _inputs.Span.Slice(start * _inputSize, count * _inputSize);
            targets = _targets.Span.Slice(start * _outputSize, count * _outputSize);
        }

        return count;
    }

    private static void Gather(ReadOnlySpan<float> source, ReadOnlySpan<int> rows, int width, Span<float> destination)
    {
        for (int i = 0; i < rows.Length; i++)
        {
            source.Slice(rows[i] * width, width).CopyTo(destination.Slice(i * width, width));
        }
    }
}
