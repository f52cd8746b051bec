using System;
using System.Numerics;
using System.Numerics.Tensors;

namespace Backprop;

/// <summary>
/// Plain full-batch gradient descent, <c>p &lt;- p - learningRate * dLoss/dp</c>, over any generated network.
/// It owns one gradient buffer, sized once, so each <see cref="Step"/> allocates nothing.
/// </summary>
/// <typeparam name="T">The network's element type.</typeparam>
/// <example>
/// <code>
/// var net = new XorNet();
/// net.Initialize(seed: 1);
/// var descent = new GradientDescent&lt;float&gt;(net, learningRate: 0.5f);
/// for (int step = 0; step &lt; 2000; step++)
/// {
///     float loss = descent.Step(inputs, targets);
/// }
/// </code>
/// </example>
public sealed class GradientDescent<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly INetwork<T> _network;
    private readonly T[] _gradient;

    /// <summary>Creates a gradient-descent loop over <paramref name="network"/>.</summary>
    /// <param name="network">The network whose parameters are trained in place.</param>
    /// <param name="learningRate">The step size; must be positive and finite.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="learningRate"/> is not positive and finite.</exception>
    public GradientDescent(INetwork<T> network, T learningRate)
    {
        ArgumentNullException.ThrowIfNull(network);
        _network = network;
        _gradient = new T[network.Parameters.Length];
        LearningRate = learningRate;
    }

    /// <summary>The step size. Must be positive and finite.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive and finite.</exception>
    public T LearningRate
    {
        get;
        set
        {
            if (!T.IsFinite(value) || value <= T.Zero)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "The learning rate must be positive and finite.");
            }

            field = value;
        }
    }

    /// <summary>The gradient computed by the last <see cref="Step"/>, in the layout of the parameters.</summary>
    public ReadOnlySpan<T> LastGradient => _gradient;

    /// <summary>
    /// Computes the loss and gradient over the whole batch, then moves every parameter against its gradient.
    /// </summary>
    /// <param name="inputs"><c>k * InputSize</c> values, one example per row.</param>
    /// <param name="targets"><c>k * OutputSize</c> values, one example per row.</param>
    /// <returns>The loss before the update.</returns>
    /// <exception cref="ArgumentException">A span length does not fit the network.</exception>
    public T Step(ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets)
    {
        T loss = _network.Gradient(inputs, targets, _gradient);
        Span<T> parameters = _network.Parameters;
        TensorPrimitives.MultiplyAdd<T>(_gradient, -LearningRate, parameters, parameters);
        return loss;
    }
}
