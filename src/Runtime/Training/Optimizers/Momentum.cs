using System;
using System.Numerics;

namespace Backprop;

/// <summary>
/// Gradient descent with momentum in PyTorch's convention: <c>v = momentum * v + g; p -= lr * v</c>, or with Nesterov
/// <c>p -= lr * (g + momentum * v)</c>; the first step sets <c>v = g</c>. Optional L2 weight decay <c>g += weightDecay * p</c>.
/// </summary>
public sealed class Momentum : Optimizer
{
    private readonly float _momentum;
    private readonly float _weightDecay;
    private float[] _velocity = Array.Empty<float>();

    /// <summary>Creates momentum gradient descent.</summary>
    /// <param name="learningRate">The step size; positive and finite.</param>
    /// <param name="momentum">The momentum factor, in <c>[0, 1)</c>; 0.9 is usual.</param>
    /// <param name="nesterov">Whether to use Nesterov momentum.</param>
    /// <param name="weightDecay">The L2 penalty added to the gradient (biases included); 0 for none.</param>
    public Momentum(float learningRate, float momentum = 0.9f, bool nesterov = false, float weightDecay = 0f)
        : base(learningRate)
    {
        RequireFraction(momentum, nameof(momentum));
        RequireNonNegative(weightDecay, nameof(weightDecay));
        MomentumFactor = momentum;
        Nesterov = nesterov;
        WeightDecay = weightDecay;
        _momentum = (float)AsDecimal(momentum);
        _weightDecay = (float)AsDecimal(weightDecay);
    }

    /// <summary>The momentum factor.</summary>
    public float MomentumFactor { get; }

    /// <summary>Whether Nesterov momentum is used.</summary>
    public bool Nesterov { get; }

    /// <summary>The L2 weight decay.</summary>
    public float WeightDecay { get; }

    /// <inheritdoc/>
    protected override void ResetState(int parameterCount) => _velocity = new float[parameterCount];

    /// <inheritdoc/>
    protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradient, float learningRate, int step)
    {
        float negativeRate = -learningRate;
        Span<float> velocity = _velocity;
        int i = 0;
        if (_weightDecay == 0 && step > 1 && Vector.IsHardwareAccelerated)
        {
            // The same operations as below, a vector at a time (see Sgd).
            var rate = new Vector<float>(negativeRate);
            var momentum = new Vector<float>(_momentum);
            for (; i <= parameters.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                Vector<float> g = new(gradient.Slice(i));
                Vector<float> v = (new Vector<float>(velocity.Slice(i)) * momentum) + g;
                v.CopyTo(velocity.Slice(i));
                Vector<float> p = new(parameters.Slice(i));
                (p + (rate * (Nesterov ? g + (momentum * v) : v))).CopyTo(parameters.Slice(i));
            }
        }

        for (; i < parameters.Length; i++)
        {
            float g = _weightDecay == 0 ? gradient[i] : gradient[i] + (_weightDecay * DecayFactor(i) * parameters[i]);
            float v = step == 1 ? g : (velocity[i] * _momentum) + g;
            velocity[i] = v;
            parameters[i] += negativeRate * (Nesterov ? g + (_momentum * v) : v);
        }
    }
}
