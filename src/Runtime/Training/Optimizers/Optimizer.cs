using System;
using Backprop.Kernels;

namespace Backprop;

/// <summary>
/// A gradient-descent update rule with its state (momentum buffers, moment estimates). The rules follow
/// <c>torch.optim</c> with default options (docs/math.md), so a run here and one in PyTorch from the same parameters and
/// batches follow the same path up to rounding.
/// </summary>
/// <remarks>
/// An optimizer belongs to one trainer: <see cref="Reset(int)"/> sizes its state once, and each <see cref="Step"/>
/// then allocates nothing. Hyperparameters given as <see cref="float"/> are read as the shortest decimal they print
/// as (<c>0.999f</c> means 0.999), as PyTorch reads its Python floats.
/// </remarks>
public abstract class Optimizer
{
    private float[]? _decayMask;
    private bool _hasState;

    /// <summary>Creates an optimizer with a base learning rate.</summary>
    /// <param name="learningRate">The base step size; positive and finite.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="learningRate"/> is not positive and finite.</exception>
    protected Optimizer(float learningRate)
    {
        RequirePositive(learningRate, nameof(learningRate));
        LearningRate = learningRate;
    }

    /// <summary>The base learning rate; a schedule scales it per epoch.</summary>
    public float LearningRate { get; }

    /// <summary>The number of steps taken since the last <see cref="Reset(int)"/> (PyTorch's <c>step</c>).</summary>
    public int StepCount { get; private set; }

    /// <summary>The number of parameters the state is sized for.</summary>
    public int ParameterCount { get; private set; }

    /// <summary>
    /// Clears the state and sizes it for <paramref name="parameterCount"/> parameters; every parameter is subject to
    /// weight decay again.
    /// </summary>
    /// <param name="parameterCount">The length of the parameter vector to train.</param>
    public void Reset(int parameterCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(parameterCount);
        ParameterCount = parameterCount;
        _hasState = true;
        StepCount = 0;
        _decayMask = null;
        ResetState(parameterCount);
    }

    /// <summary>
    /// Exempts a range of parameters (typically a bias vector) from weight decay. The trainer calls this for every bias
    /// when <see cref="TrainingOptions.DecayBiases"/> is <see langword="false"/>.
    /// </summary>
    /// <param name="start">The first parameter of the range.</param>
    /// <param name="length">The number of parameters.</param>
    /// <exception cref="ArgumentOutOfRangeException">The range is outside the parameter vector.</exception>
    public void ExcludeFromWeightDecay(int start, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(start + length, ParameterCount, nameof(length));
        if (_decayMask is null)
        {
            _decayMask = new float[ParameterCount];
            _decayMask.AsSpan().Fill(1f);
        }

        _decayMask.AsSpan(start, length).Clear();
    }

    /// <summary>1 for a parameter subject to weight decay, 0 for one exempted by <see cref="ExcludeFromWeightDecay"/>.</summary>
    /// <param name="index">The parameter's index.</param>
    /// <returns>The factor to apply to the decay term.</returns>
    protected float DecayFactor(int index) => _decayMask is null ? 1f : _decayMask[index];

    /// <summary>Moves <paramref name="parameters"/> one step against <paramref name="gradient"/>.</summary>
    /// <param name="parameters">The parameters, updated in place.</param>
    /// <param name="gradient">d loss / d parameters, as long as <paramref name="parameters"/>.</param>
    /// <param name="learningRate">The step size for this step (the base rate, or what a schedule made of it).</param>
    /// <exception cref="InvalidOperationException">The optimizer was never <see cref="Reset(int)"/> for a parameter vector.</exception>
    /// <exception cref="ArgumentException">A span is not <see cref="ParameterCount"/> long.</exception>
    public void Step(Span<float> parameters, ReadOnlySpan<float> gradient, float learningRate)
    {
        StartStep(parameters.Length, gradient.Length);
        Update(parameters, gradient, learningRate, StepCount);
    }

    /// <summary>
    /// Takes a step as <see cref="Step"/> does, if this rule can do it in one pass: writes each parameter's value before
    /// the step to <paramref name="previous"/> and returns the sum of squares of the updated parameters. A trainer keeps
    /// that copy for a rollback and checks that sum, which as separate passes read the parameters twice more.
    /// </summary>
    /// <returns><see langword="false"/> (and nothing done) for a rule derived outside this library.</returns>
    internal bool TryStepKeepingPrevious(Span<float> parameters, ReadOnlySpan<float> gradient, float learningRate, Span<float> previous, out float squaredNorm)
    {
        squaredNorm = 0;
        if (!KeepsPrevious)
        {
            return false;
        }

        BatchArguments.RequireLength(previous.Length, parameters.Length, 0, nameof(previous));
        StartStep(parameters.Length, gradient.Length);
        squaredNorm = UpdateKeepingPrevious(parameters, gradient, learningRate, StepCount, previous, 0);
        return true;
    }

    /// <summary>
    /// Counts a step whose update the caller then applies in ranges, each with <see cref="UpdateRange"/> (possibly on
    /// several threads at once, for disjoint ranges), if this rule can.
    /// </summary>
    /// <param name="parameterCount">The length of the parameter vector.</param>
    /// <param name="gradientCount">The length of the gradient.</param>
    /// <param name="step">The step's 1-based number, for <see cref="UpdateRange"/>.</param>
    /// <returns><see langword="false"/> (and nothing done) for a rule derived outside this library.</returns>
    internal bool TryStartStepInRanges(int parameterCount, int gradientCount, out int step)
    {
        step = 0;
        if (!KeepsPrevious)
        {
            return false;
        }

        StartStep(parameterCount, gradientCount);
        step = StepCount;
        return true;
    }

    /// <summary>
    /// Applies step <paramref name="step"/> (from <see cref="TryStartStepInRanges"/>) to the parameters from
    /// <paramref name="offset"/> on, writing their values before the step to <paramref name="previous"/>: the same bits
    /// as a whole <see cref="Step"/> gives those parameters.
    /// </summary>
    /// <param name="parameters">The range's parameters, updated in place.</param>
    /// <param name="gradient">The range's gradient.</param>
    /// <param name="learningRate">The step size.</param>
    /// <param name="step">The step's number.</param>
    /// <param name="previous">Receives the range's parameters before the step.</param>
    /// <param name="offset">The index of the range's first parameter in the whole vector (for the state and the decay mask).</param>
    /// <returns>The sum of squares of the range's updated parameters.</returns>
    internal float UpdateRange(Span<float> parameters, ReadOnlySpan<float> gradient, float learningRate, int step, Span<float> previous, int offset) =>
        UpdateKeepingPrevious(parameters, gradient, learningRate, step, previous, offset);

    /// <summary>
    /// Whether the rule keeps no state between steps (plain SGD): a step on a non-finite gradient then harms nothing that
    /// restoring the parameters does not undo, so a trainer need not check the gradient before the step.
    /// </summary>
    internal virtual bool IsStateless => false;

    /// <summary>Whether <see cref="UpdateKeepingPrevious"/> is implemented (the built-in rules).</summary>
    private protected virtual bool KeepsPrevious => false;

    /// <summary>1 for each parameter subject to weight decay, 0 for each exempted: the mask of <paramref name="length"/> parameters from <paramref name="offset"/> on; empty when none is exempted.</summary>
    private protected ReadOnlySpan<float> DecayMaskOf(int offset, int length) =>
        _decayMask is null ? default : _decayMask.AsSpan(offset, length);

    /// <summary>
    /// Applies the update rule as <see cref="Update"/> does to the parameters from <paramref name="offset"/> on (the
    /// whole vector when it is 0 and the spans are whole), also writing each parameter's value before the step to
    /// <paramref name="previous"/> unless it is empty. The rule is elementwise, so a range gets the same bits as inside
    /// a whole update.
    /// </summary>
    /// <returns>The sum of squares of the updated parameters.</returns>
    private protected virtual float UpdateKeepingPrevious(Span<float> parameters, ReadOnlySpan<float> gradient, float learningRate, int step, Span<float> previous, int offset) =>
        throw new NotSupportedException();

    private void StartStep(int parameterCount, int gradientCount)
    {
        if (!_hasState)
        {
            throw new InvalidOperationException(
                $"The {GetType().Name} optimizer has no state yet: call Reset({parameterCount}) with the length of the parameter vector before the first Step (a Trainer does this itself).");
        }

        BatchArguments.RequireLength(parameterCount, ParameterCount, 0, "parameters");
        BatchArguments.RequireLength(gradientCount, ParameterCount, 0, "gradient");
        StepCount++;
    }

    /// <summary>Allocates and clears the state for <paramref name="parameterCount"/> parameters.</summary>
    /// <param name="parameterCount">The number of parameters.</param>
    protected abstract void ResetState(int parameterCount);

    /// <summary>Applies the update rule.</summary>
    /// <param name="parameters">The parameters, updated in place.</param>
    /// <param name="gradient">The gradient.</param>
    /// <param name="learningRate">The step size.</param>
    /// <param name="step">The 1-based step number.</param>
    protected abstract void Update(Span<float> parameters, ReadOnlySpan<float> gradient, float learningRate, int step);

    /// <summary>
    /// The decimal value a <see cref="float"/> hyperparameter was most likely written as: 0.999f becomes 0.999 rather
    /// than 0.99900001287, by way of <see cref="decimal"/>'s 7-significant-digit conversion. Allocation-free.
    /// </summary>
    /// <param name="value">The hyperparameter.</param>
    /// <returns>The value as a <see cref="double"/>.</returns>
    protected static double AsDecimal(float value)
    {
        float magnitude = Math.Abs(value);
        return magnitude is >= 1e-20f and <= 1e20f ? (double)(decimal)value : value;
    }

    /// <summary>Throws unless <paramref name="value"/> is positive and finite.</summary>
    /// <param name="value">The value.</param>
    /// <param name="parameterName">The parameter's name.</param>
    protected static void RequirePositive(float value, string parameterName)
    {
        if (!float.IsFinite(value) || value <= 0)
        {
            throw new ArgumentOutOfRangeException(parameterName, value, "Must be positive and finite.");
        }
    }

    /// <summary>Throws unless <paramref name="value"/> is in <c>[0, 1)</c>.</summary>
    /// <param name="value">The value.</param>
    /// <param name="parameterName">The parameter's name.</param>
    protected static void RequireFraction(float value, string parameterName)
    {
        if (!(value >= 0 && value < 1))
        {
            throw new ArgumentOutOfRangeException(parameterName, value, "Must be at least 0 and less than 1.");
        }
    }

    /// <summary>Throws unless <paramref name="value"/> is finite and not negative.</summary>
    /// <param name="value">The value.</param>
    /// <param name="parameterName">The parameter's name.</param>
    protected static void RequireNonNegative(float value, string parameterName)
    {
        if (!float.IsFinite(value) || value < 0)
        {
            throw new ArgumentOutOfRangeException(parameterName, value, "Must be finite and not negative.");
        }
    }
}
