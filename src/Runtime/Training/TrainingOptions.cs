using System;

namespace Backprop;

/// <summary>How <see cref="Trainer{TNetwork}.Fit(ReadOnlyMemory{float}, ReadOnlyMemory{float}, System.Threading.CancellationToken)"/> trains.</summary>
public sealed class TrainingOptions
{
    /// <summary>The number of passes over the training data. Default 10.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>
    /// Examples per gradient step. Default 32. A batch size at least the number of training examples trains on the full
    /// batch; the last batch of an epoch may be smaller.
    /// </summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Whether the examples are visited in a new seeded order each epoch. Default <see langword="true"/>.</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>The seed of the shuffling order (independent of the network's initialization seed). Default 0.</summary>
    public int Seed { get; init; }

    /// <summary>
    /// The fraction of the training examples held out for validation when no validation data is passed to Fit: the last
    /// <c>round(fraction * m)</c> examples, in the order given (shuffle data that is sorted, for example by class, before
    /// relying on this; <see cref="TrainTestSplit"/> output is already shuffled). Default 0 (none).
    /// </summary>
    public double ValidationSplit { get; init; }

    /// <summary>
    /// Stop when the validation loss has not improved (by more than <see cref="EarlyStoppingMinDelta"/>) for this many
    /// epochs. Needs validation data. <see langword="null"/> (the default) never stops early.
    /// </summary>
    public int? EarlyStoppingPatience { get; init; }

    /// <summary>The decrease in validation loss that counts as an improvement. Default 0.</summary>
    public float EarlyStoppingMinDelta { get; init; }

    /// <summary>
    /// With early stopping, whether to put back the parameters of the epoch with the best validation loss when training
    /// ends. Default <see langword="true"/>.
    /// </summary>
    public bool RestoreBestWeights { get; init; } = true;

    /// <summary>
    /// Whether an optimizer's weight decay applies to the biases too (PyTorch's default, <see langword="true"/>), or to
    /// the weights only.
    /// </summary>
    public bool DecayBiases { get; init; } = true;

    /// <summary>The learning rate of each epoch; <see langword="null"/> (the default) keeps the optimizer's rate.</summary>
    public LearningRateSchedule? LearningRateSchedule { get; init; }

    /// <summary>
    /// Rescale each gradient so that its global L2 norm is at most this value (PyTorch's <c>clip_grad_norm_</c>:
    /// multiply by <c>max / (norm + 1e-6)</c> when that is below 1). <see langword="null"/> (the default) never clips.
    /// </summary>
    public float? GradientClipNorm { get; init; }

    /// <summary>
    /// The most threads computing one batch's gradient. <see langword="null"/> (the default) uses every core when the
    /// batch holds enough work and one thread otherwise; 1 forces one thread. Results are bit-identical for a given
    /// thread count.
    /// </summary>
    public int? MaxDegreeOfParallelism { get; init; }

    /// <summary>
    /// Receives a report after each epoch, called synchronously on the training thread. Note that
    /// <see cref="System.Progress{T}"/> posts each report to the thread pool (or the captured synchronization context),
    /// so printed lines may come out of order or after Fit returns; implement <see cref="IProgress{T}"/> directly to
    /// handle reports in order.
    /// </summary>
    public IProgress<EpochReport>? Progress { get; init; }

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Epochs, 1, nameof(Epochs));
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchSize, 1, nameof(BatchSize));
        if (!(ValidationSplit >= 0 && ValidationSplit < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(ValidationSplit), ValidationSplit, "Must be at least 0 and less than 1.");
        }

        if (EarlyStoppingPatience is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(EarlyStoppingPatience), EarlyStoppingPatience, "Must be at least 1.");
        }

        if (!float.IsFinite(EarlyStoppingMinDelta) || EarlyStoppingMinDelta < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(EarlyStoppingMinDelta), EarlyStoppingMinDelta, "Must be finite and not negative.");
        }

        if (GradientClipNorm is { } clip && (!float.IsFinite(clip) || clip <= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(GradientClipNorm), clip, "Must be positive and finite.");
        }

        if (MaxDegreeOfParallelism is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxDegreeOfParallelism), MaxDegreeOfParallelism, "Must be at least 1.");
        }
    }
}
