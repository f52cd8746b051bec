using System;

namespace Backprop;

/// <summary>
/// Sets the learning rate of each epoch from the optimizer's base rate, as PyTorch's epoch-stepped schedulers do
/// (the closed forms of <c>StepLR</c>, <c>ExponentialLR</c> and <c>CosineAnnealingLR</c>).
/// </summary>
public abstract class LearningRateSchedule
{
    /// <summary>The learning rate for an epoch.</summary>
    /// <param name="epoch">The 0-based epoch index.</param>
    /// <param name="baseLearningRate">The optimizer's base learning rate.</param>
    /// <returns>The learning rate to use for every step of that epoch; positive and finite.</returns>
    public abstract float GetLearningRate(int epoch, float baseLearningRate);

    /// <summary>Multiplies the rate by <paramref name="gamma"/> every <paramref name="stepSize"/> epochs: <c>lr * gamma^floor(epoch / stepSize)</c>.</summary>
    /// <param name="stepSize">Epochs between decays; at least 1.</param>
    /// <param name="gamma">The factor; in <c>(0, 1]</c> for a decay.</param>
    /// <returns>The schedule.</returns>
    public static LearningRateSchedule Step(int stepSize, float gamma = 0.1f) => new StepSchedule(stepSize, gamma);

    /// <summary>Multiplies the rate by <paramref name="gamma"/> every epoch: <c>lr * gamma^epoch</c>.</summary>
    /// <param name="gamma">The factor; positive.</param>
    /// <returns>The schedule.</returns>
    public static LearningRateSchedule Exponential(float gamma) => new ExponentialSchedule(gamma);

    /// <summary>
    /// Cosine annealing from the base rate to <paramref name="minimumLearningRate"/> over <paramref name="epochs"/>
    /// epochs: <c>min + (lr - min) (1 + cos(pi * epoch / epochs)) / 2</c>.
    /// </summary>
    /// <param name="epochs">The period (PyTorch's <c>T_max</c>); at least 1.</param>
    /// <param name="minimumLearningRate">The rate reached at the end (<c>eta_min</c>).</param>
    /// <returns>The schedule.</returns>
    public static LearningRateSchedule Cosine(int epochs, float minimumLearningRate = 0f) => new CosineSchedule(epochs, minimumLearningRate);

    /// <summary>A schedule of your own: <paramref name="schedule"/> maps (0-based epoch, base rate) to the epoch's rate.</summary>
    /// <param name="schedule">The function; it must return a positive, finite rate.</param>
    /// <returns>The schedule.</returns>
    public static LearningRateSchedule FromFunction(Func<int, float, float> schedule) => new FunctionSchedule(schedule);

    private sealed class StepSchedule : LearningRateSchedule
    {
        private readonly int _stepSize;
        private readonly float _gamma;

        public StepSchedule(int stepSize, float gamma)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(stepSize, 1);
            if (!float.IsFinite(gamma) || gamma <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "Must be positive and finite.");
            }

            _stepSize = stepSize;
            _gamma = gamma;
        }

        public override float GetLearningRate(int epoch, float baseLearningRate) =>
            (float)(baseLearningRate * Math.Pow(_gamma, epoch / _stepSize));
    }

    private sealed class ExponentialSchedule : LearningRateSchedule
    {
        private readonly float _gamma;

        public ExponentialSchedule(float gamma)
        {
            if (!float.IsFinite(gamma) || gamma <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "Must be positive and finite.");
            }

            _gamma = gamma;
        }

        public override float GetLearningRate(int epoch, float baseLearningRate) =>
            (float)(baseLearningRate * Math.Pow(_gamma, epoch));
    }

    private sealed class CosineSchedule : LearningRateSchedule
    {
        private readonly int _epochs;
        private readonly float _minimum;

        public CosineSchedule(int epochs, float minimum)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(epochs, 1);
            if (!float.IsFinite(minimum) || minimum < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(minimum), minimum, "Must be finite and not negative.");
            }

            _epochs = epochs;
            _minimum = minimum;
        }

        public override float GetLearningRate(int epoch, float baseLearningRate) =>
            (float)(_minimum + ((baseLearningRate - _minimum) * (1 + Math.Cos(Math.PI * Math.Min(epoch, _epochs) / _epochs)) / 2));
    }

    private sealed class FunctionSchedule : LearningRateSchedule
    {
        private readonly Func<int, float, float> _schedule;

        public FunctionSchedule(Func<int, float, float> schedule)
        {
            ArgumentNullException.ThrowIfNull(schedule);
            _schedule = schedule;
        }

        public override float GetLearningRate(int epoch, float baseLearningRate) => _schedule(epoch, baseLearningRate);
    }
}
