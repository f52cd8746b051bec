using System;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Backprop;

/// <summary>
/// Adam (Kingma and Ba): <c>m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
/// p -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)</c>, evaluated in the order of PyTorch's <c>Adam</c>.
/// </summary>
public class Adam : Optimizer
{
    private readonly double _beta1;
    private readonly double _beta2;
    private readonly float _epsilon;
    private float[] _firstMoment = Array.Empty<float>();
    private float[] _secondMoment = Array.Empty<float>();

    /// <summary>Creates Adam with PyTorch's defaults.</summary>
    /// <param name="learningRate">The step size; positive and finite.</param>
    /// <param name="beta1">The decay of the first-moment estimate, in <c>[0, 1)</c>.</param>
    /// <param name="beta2">The decay of the second-moment estimate, in <c>[0, 1)</c>.</param>
    /// <param name="epsilon">Added to the denominator for stability; positive.</param>
    public Adam(float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f)
        : base(learningRate)
    {
        RequireFraction(beta1, nameof(beta1));
        RequireFraction(beta2, nameof(beta2));
        RequirePositive(epsilon, nameof(epsilon));
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        _beta1 = AsDecimal(beta1);
        _beta2 = AsDecimal(beta2);
        _epsilon = (float)AsDecimal(epsilon);
    }

    /// <summary>The first-moment decay.</summary>
    public float Beta1 { get; }

    /// <summary>The second-moment decay.</summary>
    public float Beta2 { get; }

    /// <summary>The denominator's stabilizer.</summary>
    public float Epsilon { get; }

    /// <inheritdoc/>
    protected override void ResetState(int parameterCount)
    {
        _firstMoment = new float[parameterCount];
        _secondMoment = new float[parameterCount];
    }

    /// <inheritdoc/>
    /// <remarks>Only for Adam and AdamW themselves: a derived rule's <see cref="ApplyDecay"/> runs as a pass of its own.</remarks>
    private protected override bool KeepsPrevious => GetType() == typeof(Adam) || GetType() == typeof(AdamW);

    /// <inheritdoc/>
    protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradient, float learningRate, int step)
    {
        if (KeepsPrevious)
        {
            UpdateKeepingPrevious(parameters, gradient, learningRate, step, default, 0);
            return;
        }

        ApplyDecay(parameters, learningRate);
        Moments(parameters, gradient, learningRate, step, default, 0, 1f);
    }

    /// <inheritdoc/>
    private protected override float UpdateKeepingPrevious(Span<float> parameters, ReadOnlySpan<float> gradient, float learningRate, int step, Span<float> previous, int offset) =>
        Moments(parameters, gradient, learningRate, step, previous, offset, DecayKeep(learningRate));

    /// <summary>Applies any decay to the parameters before the Adam step (nothing for plain Adam).</summary>
    /// <param name="parameters">The parameters.</param>
    /// <param name="learningRate">This step's learning rate.</param>
    protected virtual void ApplyDecay(Span<float> parameters, float learningRate)
    {
    }

    /// <summary>What AdamW multiplies each decayed parameter by before the step (1 for plain Adam).</summary>
    private protected virtual float DecayKeep(float learningRate) => 1f;

    // The decay by `decayKeep` (for the parameters the mask does not exempt), the moments and the step, writing each
    // parameter's value before all of it to `previous` unless that is empty; returns the updated parameters' sum of squares.
    private float Moments(Span<float> parameters, ReadOnlySpan<float> gradient, float learningRate, int step, Span<float> previous, int offset, float decayKeep)
    {
        // Scalars in double, as PyTorch computes them in Python, then rounded once for the float arithmetic.
        double biasCorrection1 = 1 - Math.Pow(_beta1, step);
        double biasCorrection2 = 1 - Math.Pow(_beta2, step);
        float negativeStepSize = (float)(-(AsDecimal(learningRate) / biasCorrection1));
        float correction2Sqrt = (float)Math.Sqrt(biasCorrection2);
        float beta1 = (float)_beta1;
        float beta2 = (float)_beta2;
        float oneMinusBeta1 = (float)(1 - _beta1);
        float oneMinusBeta2 = (float)(1 - _beta2);

        Span<float> m = _firstMoment.AsSpan(offset, parameters.Length);
        Span<float> v = _secondMoment.AsSpan(offset, parameters.Length);
        ReadOnlySpan<float> mask = DecayMaskOf(offset, parameters.Length);
        bool keep = !previous.IsEmpty;
        bool decays = decayKeep != 1f;
        float squares = 0;
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            // The same operations as below, a vector at a time (see Sgd); square root and division are exact either way.
            ref float p = ref MemoryMarshal.GetReference(parameters);
            ref float gradients = ref MemoryMarshal.GetReference(gradient);
            ref float first = ref MemoryMarshal.GetReference(m);
            ref float second = ref MemoryMarshal.GetReference(v);
            ref float exempt = ref MemoryMarshal.GetReference(mask);
            ref float before = ref MemoryMarshal.GetReference(previous);
            var vb1 = new Vector<float>(beta1);
            var vb2 = new Vector<float>(beta2);
            var v1 = new Vector<float>(oneMinusBeta1);
            var v2 = new Vector<float>(oneMinusBeta2);
            var c2 = new Vector<float>(correction2Sqrt);
            var epsilon = new Vector<float>(_epsilon);
            var stepSize = new Vector<float>(negativeStepSize);
            var decay = new Vector<float>(decayKeep);
            Vector<float> sum = Vector<float>.Zero;
            for (; i <= parameters.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                Vector<float> old = Vector.LoadUnsafe(ref p, (nuint)i);
                if (keep)
                {
                    old.StoreUnsafe(ref before, (nuint)i);
                }

                Vector<float> decayed = !decays ? old
                    : mask.IsEmpty ? old * decay
                    : old * Vector.ConditionalSelect(Vector.Equals(Vector.LoadUnsafe(ref exempt, (nuint)i), Vector<float>.Zero), Vector<float>.One, decay);
                Vector<float> g = Vector.LoadUnsafe(ref gradients, (nuint)i);
                Vector<float> mi = (Vector.LoadUnsafe(ref first, (nuint)i) * vb1) + (v1 * g);
                Vector<float> vi = (Vector.LoadUnsafe(ref second, (nuint)i) * vb2) + (v2 * g * g);
                mi.StoreUnsafe(ref first, (nuint)i);
                vi.StoreUnsafe(ref second, (nuint)i);
                Vector<float> denominator = (Vector.SquareRoot(vi) / c2) + epsilon;
                Vector<float> updated = decayed + (stepSize * mi / denominator);
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

            float decayed = decays ? old * (DecayFactor(offset + i) == 0 ? 1f : decayKeep) : old;
            float g = gradient[i];
            m[i] = (m[i] * beta1) + (oneMinusBeta1 * g);
            v[i] = (v[i] * beta2) + (oneMinusBeta2 * g * g);
            float denominator = (MathF.Sqrt(v[i]) / correction2Sqrt) + _epsilon;
            float updated = decayed + (negativeStepSize * m[i] / denominator);
            parameters[i] = updated;
            squares += updated * updated;
        }

        return squares;
    }
}
