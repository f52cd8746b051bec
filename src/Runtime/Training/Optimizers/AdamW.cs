using System;

namespace Backprop;

/// <summary>
/// AdamW (Loshchilov and Hutter): Adam with decoupled weight decay, <c>p -= lr * weightDecay * p</c> before each Adam
/// step (PyTorch's <c>AdamW</c>), applied to every parameter, biases included.
/// </summary>
public sealed class AdamW : Adam
{
    private readonly double _weightDecay;

    /// <summary>Creates AdamW with PyTorch's defaults.</summary>
    /// <param name="learningRate">The step size; positive and finite.</param>
    /// <param name="beta1">The decay of the first-moment estimate, in <c>[0, 1)</c>.</param>
    /// <param name="beta2">The decay of the second-moment estimate, in <c>[0, 1)</c>.</param>
    /// <param name="epsilon">Added to the denominator for stability; positive.</param>
    /// <param name="weightDecay">The decoupled decay rate; finite and not negative.</param>
    public AdamW(float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f, float weightDecay = 1e-2f)
        : base(learningRate, beta1, beta2, epsilon)
    {
        RequireNonNegative(weightDecay, nameof(weightDecay));
        WeightDecay = weightDecay;
        _weightDecay = AsDecimal(weightDecay);
    }

    /// <summary>The decoupled weight decay.</summary>
    public float WeightDecay { get; }

    /// <inheritdoc/>
    private protected override float DecayKeep(float learningRate) => (float)(1 - (AsDecimal(learningRate) * _weightDecay));
}
