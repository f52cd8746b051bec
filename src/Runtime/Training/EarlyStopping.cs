using System;

namespace Backprop;

/// <summary>
/// The validation side of a <see cref="Trainer{TNetwork}"/> run: the best validation loss so far and its epoch, the
/// epochs since it last improved, and (with <see cref="TrainingOptions.RestoreBestWeights"/> under early stopping) a copy
/// of the parameters of that epoch.
/// </summary>
internal sealed class EarlyStopping
{
    private readonly float _minDelta;
    private readonly int? _patience;
    private readonly float[]? _bestParameters;
    private float _bestLoss = float.PositiveInfinity;
    private int _epochsWithoutImprovement;

    /// <summary>Starts with no epoch seen.</summary>
    /// <param name="options">Patience, minimum improvement and whether to keep the best parameters.</param>
    /// <param name="parameterCount">The network's parameter count.</param>
    public EarlyStopping(TrainingOptions options, int parameterCount)
    {
        _minDelta = options.EarlyStoppingMinDelta;
        _patience = options.EarlyStoppingPatience;
        _bestParameters = _patience is not null && options.RestoreBestWeights ? new float[parameterCount] : null;
    }

    /// <summary>The 1-based epoch whose validation loss was the last to improve on the best by more than the minimum; 0 before any.</summary>
    public int BestEpoch { get; private set; }

    /// <summary>Takes in an epoch's validation loss, keeping the parameters if it is the new best.</summary>
    /// <param name="epoch">The 1-based epoch.</param>
    /// <param name="validationLoss">Its validation loss.</param>
    /// <param name="parameters">The parameters after the epoch.</param>
    /// <returns>Whether training should stop: the loss has not improved for the patience's number of epochs.</returns>
    public bool ShouldStop(int epoch, float validationLoss, ReadOnlySpan<float> parameters)
    {
        if (validationLoss < _bestLoss - _minDelta)
        {
            _bestLoss = validationLoss;
            BestEpoch = epoch;
            _epochsWithoutImprovement = 0;
            if (_bestParameters is not null)
            {
                parameters.CopyTo(_bestParameters);
            }

            return false;
        }

        return _patience is { } patience && ++_epochsWithoutImprovement >= patience;
    }

    /// <summary>Puts back the parameters of <see cref="BestEpoch"/>, if they were kept and there is one.</summary>
    /// <param name="parameters">The network's parameters.</param>
    public void RestoreBest(Span<float> parameters)
    {
        if (_bestParameters is not null && BestEpoch > 0)
        {
            _bestParameters.CopyTo(parameters);
        }
    }
}
