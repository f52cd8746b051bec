using System;
using System.Text;

namespace Backprop;

/// <summary>
/// The declared shape of a network: layer sizes, activations, loss, biases and element type, with the parameter layout
/// of docs/math.md (<c>[W1, b1, W2, b2, ...]</c>, <c>W[l]</c> of <c>n(l-1) x n(l)</c> values). Every generated network
/// exposes its own through <see cref="INetwork{T}.Architecture"/>, so serializers and tools need no reflection.
/// </summary>
public sealed class NetworkArchitecture
{
    private readonly int[] _layerSizes;
    private readonly Activation[] _activations;

    /// <summary>Describes a network.</summary>
    /// <param name="layerSizes">The layer sizes <c>[n0, ..., nL]</c>, at least two, each at least 1.</param>
    /// <param name="activations">One activation per weight layer.</param>
    /// <param name="loss">The loss function.</param>
    /// <param name="hasBias">Whether every layer has a bias vector.</param>
    /// <param name="elementType"><c>typeof(float)</c> or <c>typeof(double)</c>.</param>
    /// <exception cref="ArgumentException">The description is inconsistent.</exception>
    public NetworkArchitecture(int[] layerSizes, Activation[] activations, LossFunction loss, bool hasBias, Type elementType)
    {
        ArgumentNullException.ThrowIfNull(layerSizes);
        ArgumentNullException.ThrowIfNull(activations);
        ArgumentNullException.ThrowIfNull(elementType);
        if (layerSizes.Length < 2 || Array.Exists(layerSizes, size => size < 1))
        {
            throw new ArgumentException("A network needs at least two layer sizes, each at least 1.", nameof(layerSizes));
        }

        if (activations.Length != layerSizes.Length - 1)
        {
            throw new ArgumentException($"Expected {layerSizes.Length - 1} activations, one per weight layer, but got {activations.Length}.", nameof(activations));
        }

        if (elementType != typeof(float) && elementType != typeof(double))
        {
            throw new ArgumentException($"The element type must be float or double, not {elementType}.", nameof(elementType));
        }

        _layerSizes = (int[])layerSizes.Clone();
        _activations = (Activation[])activations.Clone();
        Loss = loss;
        HasBias = hasBias;
        ElementType = elementType;
        ParameterCount = checked((int)ParameterLayout.ParameterCount(layerSizes, hasBias));
    }

    /// <summary>The layer sizes <c>[n0, n1, ..., nL]</c>.</summary>
    public ReadOnlySpan<int> LayerSizes => _layerSizes;

    /// <summary>The activation of each weight layer.</summary>
    public ReadOnlySpan<Activation> Activations => _activations;

    /// <summary>The number of weight layers, <c>L</c>.</summary>
    public int WeightLayerCount => _activations.Length;

    /// <summary>The loss function.</summary>
    public LossFunction Loss { get; }

    /// <summary>Whether every layer has a bias vector.</summary>
    public bool HasBias { get; }

    /// <summary><c>typeof(float)</c> or <c>typeof(double)</c>.</summary>
    public Type ElementType { get; }

    /// <summary>The length of the parameter vector.</summary>
    public int ParameterCount { get; }

    /// <summary>
    /// The floating-point operations of one example's forward pass, <c>2 * sum(n(l-1) * n(l))</c>: the multiply-adds of
    /// the layer products (activations and biases are not counted).
    /// </summary>
    public long ForwardFlops => ParameterLayout.ForwardFlops(_layerSizes);

    /// <summary>
    /// The floating-point operations of one example's training step: the forward product, <c>dW = A^T dZ</c> and
    /// <c>dA = dZ W^T</c> of every layer but the first layer's <c>dA</c>, <c>3 F - 2 n0 n1</c>.
    /// </summary>
    public long TrainingFlops => ParameterLayout.TrainingFlops(_layerSizes);

    /// <summary>Where the weights of weight layer <paramref name="layer"/> (0-based) start in the parameter vector.</summary>
    /// <param name="layer">The 0-based weight layer.</param>
    /// <returns>The offset of <c>W[layer + 1]</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="layer"/> is not a weight layer of this network.</exception>
    public int WeightOffset(int layer)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(layer);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(layer, WeightLayerCount);
        return ParameterLayout.WeightOffset(_layerSizes, HasBias, layer);
    }

    /// <summary>Where the biases of weight layer <paramref name="layer"/> (0-based) start; -1 without biases.</summary>
    /// <param name="layer">The 0-based weight layer.</param>
    /// <returns>The offset of <c>b[layer + 1]</c>, or -1.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="layer"/> is not a weight layer of this network.</exception>
    public int BiasOffset(int layer)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(layer);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(layer, WeightLayerCount);
        return HasBias ? ParameterLayout.BiasOffset(_layerSizes, HasBias, layer) : -1;
    }

    /// <summary>Whether two descriptions are of the same network.</summary>
    /// <param name="other">The other description.</param>
    /// <returns><see langword="true"/> when every part is equal.</returns>
    public bool Matches(NetworkArchitecture other) =>
        other is not null && LayerSizes.SequenceEqual(other.LayerSizes) && Activations.SequenceEqual(other.Activations) &&
        Loss == other.Loss && HasBias == other.HasBias && ElementType == other.ElementType;

    /// <summary>The shape as text, for example <c>8 -> 4 (ReLU) -> 1 (Sigmoid), MeanSquaredError, bias, float</c>.</summary>
    /// <returns>The description.</returns>
    public override string ToString()
    {
        return new StringBuilder(ParameterLayout.DescribeShape(_layerSizes, _activations)).Append(", ").Append(Loss).Append(HasBias ? ", bias, " : ", no bias, ").Append(ElementType == typeof(float) ? "float" : "double").ToString();
    }
}
