using System;
using System.Numerics;

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
    protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradient, float learningRate, int step)
    {
        ApplyDecay(parameters, learningRate);

        // Scalars in double, as PyTorch computes them in Python, then rounded once for the float arithmetic.
        double biasCorrection1 = 1 - Math.Pow(_beta1, step);
        double biasCorrection2 = 1 - Math.Pow(_beta2, step);
        float negativeStepSize = (float)(-(AsDecimal(learningRate) / biasCorrection1));
        float correction2Sqrt = (float)Math.Sqrt(biasCorrection2);
        float beta1 = (float)_beta1;
        float beta2 = (float)_beta2;
        float oneMinusBeta1 = (float)(1 - _beta1);
        float oneMinusBeta2 = (float)(1 - _beta2);

        Span<float> m = _firstMoment;
        Span<float> v = _secondMoment;
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            // The same operations as below, a vector at a time (see Sgd); square root and division are exact either way.
            var vb1 = new Vector<float>(beta1);
            var vb2 = new Vector<float>(beta2);
            var v1 = new Vector<float>(oneMinusBeta1);
            var v2 = new Vector<float>(oneMinusBeta2);
            var c2 = new Vector<float>(correction2Sqrt);
            var epsilon = new Vector<float>(_epsilon);
            var stepSize = new Vector<float>(negativeStepSize);
            for (; i <= parameters.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                Vector<float> g = new(gradient.Slice(i));
                Vector<float> mi = (new Vector<float>(m.Slice(i)) * vb1) + (v1 * g);
                Vector<float> vi = (new Vector<float>(v.Slice(i)) * vb2) + (v2 * g * g);
                mi.CopyTo(m.Slice(i));
                vi.CopyTo(v.Slice(i));
                Vector<float> denominator = (Vector.SquareRoot(vi) / c2) + epsilon;
                Vector<float> p = new(parameters.Slice(i));
                (p + (stepSize * mi / denominator)).CopyTo(parameters.Slice(i));
            }
        }

        for (; i < parameters.Length; i++)
        {
            float g = gradient[i];
            m[i] = (m[i] * beta1) + (oneMinusBeta1 * g);
            v[i] = (v[i] * beta2) + (oneMinusBeta2 * g * g);
            float denominator = (MathF.Sqrt(v[i]) / correction2Sqrt) + _epsilon;
            parameters[i] += negativeStepSize * m[i] / denominator;
        }
    }

    /// <summary>Applies any decay to the parameters before the Adam step (nothing for plain Adam).</summary>
    /// <param name="parameters">The parameters.</param>
    /// <param name="learningRate">This step's learning rate.</param>
    protected virtual void ApplyDecay(Span<float> parameters, float learningRate)
    {
    }
}
