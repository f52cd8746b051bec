using System;
using System.Collections.Generic;

namespace Backprop;

/// <summary>
/// Training produced a non-finite loss, gradient or parameter. The network's parameters are left at their last finite
/// values (those before the failing step).
/// </summary>
public sealed class TrainingDivergedException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="epoch">The 1-based epoch (0 outside Fit).</param>
    /// <param name="batch">The 1-based batch within the epoch (or the step number outside Fit).</param>
    /// <param name="what">What became non-finite.</param>
    /// <param name="history">The epochs completed before the failure.</param>
    public TrainingDivergedException(int epoch, int batch, string what, IReadOnlyList<EpochReport> history)
        : base($"Training diverged at epoch {epoch}, batch {batch}: {what} is not finite. The parameters were left at their " +
               "last finite values. Lower the learning rate, set TrainingOptions.GradientClipNorm, or standardize the inputs.")
    {
        Epoch = epoch;
        Batch = batch;
        History = history;
    }

    /// <summary>The 1-based epoch in which training diverged (0 outside Fit).</summary>
    public int Epoch { get; }

    /// <summary>The 1-based batch within the epoch (the step number outside Fit).</summary>
    public int Batch { get; }

    /// <summary>The reports of the epochs completed before the failure.</summary>
    public IReadOnlyList<EpochReport> History { get; }
}
