using System.Collections.Generic;

namespace Backprop;

/// <summary>Why training stopped.</summary>
public enum StopReason
{
    /// <summary>All requested epochs ran.</summary>
    Completed,

    /// <summary>The validation loss stopped improving for <see cref="TrainingOptions.EarlyStoppingPatience"/> epochs.</summary>
    EarlyStopped,

    /// <summary>The cancellation token was signalled; the parameters are those after the last completed step.</summary>
    Cancelled,
}

/// <summary>The outcome of <see cref="Trainer{TNetwork}.Fit(System.ReadOnlyMemory{float}, System.ReadOnlyMemory{float}, System.Threading.CancellationToken)"/>.</summary>
/// <param name="History">One report per completed epoch.</param>
/// <param name="StopReason">Why training stopped.</param>
/// <param name="BestEpoch">
/// The 1-based epoch whose validation loss was the last to improve on the best so far by more than
/// <see cref="TrainingOptions.EarlyStoppingMinDelta"/> (with the default 0: the epoch with the lowest validation loss);
/// its weights are the ones restored. 0 without validation data.
/// </param>
public sealed record TrainingResult(IReadOnlyList<EpochReport> History, StopReason StopReason, int BestEpoch)
{
    /// <summary>The number of epochs completed.</summary>
    public int EpochsRun => History.Count;
}
