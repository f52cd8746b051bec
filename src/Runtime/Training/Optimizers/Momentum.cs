using System;
using System.Numerics;
using System.Runtime.InteropServices;

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
    private protected override bool KeepsPrevious => true;

    /// <inheritdoc/>
    protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradient, float learningRate, int step) =>
        UpdateKeepingPrevious(parameters, gradient, learningRate, step, default, 0);

    /// <inheritdoc/>
    private protected override float UpdateKeepingPrevious(Span<float> parameters, ReadOnlySpan<float> gradient, float learningRate, int step, Span<float> previous, int offset)
    {
        float negativeRate = -learningRate;
        bool keep = !previous.IsEmpty;
        Span<float> velocity = _velocity.AsSpan(offset, parameters.Length);
        float squares = 0;
        int i = 0;
        if (_weightDecay == 0 && step > 1 && Vector.IsHardwareAccelerated)
        {
            // The same operations as below, a vector at a time (see Sgd).
            ref float p = ref MemoryMarshal.GetReference(parameters);
            ref float gradients = ref MemoryMarshal.GetReference(gradient);
            ref float velocities = ref MemoryMarshal.GetReference(velocity);
            ref float before = ref MemoryMarshal.GetReference(previous);
            var rate = new Vector<float>(negativeRate);
            var momentum = new Vector<float>(_momentum);
            Vector<float> sum = Vector<float>.Zero;
            for (; i <= parameters.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                Vector<float> g = Vector.LoadUnsafe(ref gradients, (nuint)i);
                Vector<float> v = (Vector.LoadUnsafe(ref velocities, (nuint)i) * momentum) + g;
                v.StoreUnsafe(ref velocities, (nuint)i);
                Vector<float> old = Vector.LoadUnsafe(ref p, (nuint)i);
                if (keep)
                {
                    old.StoreUnsafe(ref before, (nuint)i);
                }

                Vector<float> updated = old + (rate * (Nesterov ? g + (momentum * v) : v));
                updated.StoreUnsafe(ref p, (nuint)i);
                sum += updated * updated;
            }

            squares = Vector.Sum(sum);
        }

        for (; i < parameters.Length; i++)
        {
            float old = parameters[i];
            if (keep)
            {
                previous[i] = old;
            }

            float g = _weightDecay == 0 ? gradient[i] : gradient[i] + (_weightDecay * DecayFactor(offset + i) * old);
            float v = step == 1 ? g : (velocity[i] * _momentum) + g;
            velocity[i] = v;
            float updated = old + (negativeRate * (Nesterov ? g + (_momentum * v) : v));
            parameters[i] = updated;
            squares += updated * updated;
        }

        return squares;
    }
}
