using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using Backprop.Testing;
using Xunit;

namespace Backprop.Tests;

/// <summary>
/// One declared network with its shape written out a second time by hand, so that tests check the generated static
/// members against the declaration instead of trusting them, and can build the independent reference from it.
/// </summary>
public sealed class NetworkCase
{
    private NetworkCase(string name, int[] layers, Activation[] activations, LossFunction loss, bool bias, bool isDouble, Func<object> create, Action checkShape)
    {
        Name = name;
        Layers = layers;
        Activations = activations;
        Loss = loss;
        Bias = bias;
        IsDouble = isDouble;
        Create = create;
        CheckShape = checkShape;
    }

    public string Name { get; }

    public int[] Layers { get; }

    public Activation[] Activations { get; }

    public LossFunction Loss { get; }

    public bool Bias { get; }

    public bool IsDouble { get; }

    public Func<object> Create { get; }

    /// <summary>Asserts that the generated static members describe the declared shape.</summary>
    public Action CheckShape { get; }

    internal ReferenceNetwork Reference => new(Layers, Activations, Loss, Bias);

    public static IReadOnlyList<NetworkCase> All { get; } = new[]
    {
        Of<TinyNet, float>(new[] { 8, 4, 1 }, new[] { Activation.ReLU, Activation.Sigmoid }),
        Of<TinyNetDouble, double>(new[] { 8, 4, 1 }, new[] { Activation.ReLU, Activation.Sigmoid }),
        Of<SoftmaxNet, float>(new[] { 6, 10, 5 }, new[] { Activation.Tanh, Activation.Softmax }, LossFunction.CrossEntropy),
        Of<SoftmaxNetDouble, double>(new[] { 6, 10, 5 }, new[] { Activation.Tanh, Activation.Softmax }, LossFunction.CrossEntropy),
        Of<BinaryNet, float>(new[] { 5, 7, 3 }, new[] { Activation.LeakyReLU, Activation.Sigmoid }, LossFunction.BinaryCrossEntropy),
        Of<BinaryNetDouble, double>(new[] { 5, 7, 3 }, new[] { Activation.LeakyReLU, Activation.Sigmoid }, LossFunction.BinaryCrossEntropy),
        Of<NoBiasNet, float>(new[] { 4, 9, 8, 3 }, new[] { Activation.Sigmoid, Activation.ReLU, Activation.Identity }, bias: false),
        Of<NoBiasNetDouble, double>(new[] { 4, 9, 8, 3 }, new[] { Activation.Sigmoid, Activation.ReLU, Activation.Identity }, bias: false),
        Of<DeepNet, float>(new[] { 7, 12, 11, 10, 9, 2 }, new[] { Activation.ReLU, Activation.LeakyReLU, Activation.Tanh, Activation.Sigmoid, Activation.Identity }),
        Of<DeepNetDouble, double>(new[] { 7, 12, 11, 10, 9, 2 }, new[] { Activation.ReLU, Activation.LeakyReLU, Activation.Tanh, Activation.Sigmoid, Activation.Identity }),
        Of<SoftmaxSquaredErrorNet, float>(new[] { 3, 5, 4 }, new[] { Activation.Identity, Activation.Softmax }),
        Of<SoftmaxSquaredErrorNetDouble, double>(new[] { 3, 5, 4 }, new[] { Activation.Identity, Activation.Softmax }),
        Of<TanhOutputNet, float>(new[] { 2, 3, 1 }, new[] { Activation.Tanh, Activation.Tanh }),
        Of<LeakyOutputNetDouble, double>(new[] { 2, 3, 2 }, new[] { Activation.Sigmoid, Activation.LeakyReLU }),
        Of<ReluOutputNetDouble, double>(new[] { 2, 3, 2 }, new[] { Activation.Sigmoid, Activation.ReLU }),
        Of<WideNet, float>(new[] { 300, 200, 100, 10 }, new[] { Activation.ReLU, Activation.Tanh, Activation.Softmax }, LossFunction.CrossEntropy),
        Of<WideNetDouble, double>(new[] { 300, 200, 100, 10 }, new[] { Activation.ReLU, Activation.Tanh, Activation.Softmax }, LossFunction.CrossEntropy),
        Of<Outer.Middle.NestedNet, float>(new[] { 3, 2 }, new[] { Activation.Identity }),
        Of<GlobalNet, float>(new[] { 2, 2 }, new[] { Activation.Sigmoid }, LossFunction.BinaryCrossEntropy),
    };

    public static IEnumerable<object[]> Names => All.Select(c => new object[] { c.Name });

    public static IEnumerable<object[]> DoubleNames => All.Where(c => c.IsDouble).Select(c => new object[] { c.Name });

    public static NetworkCase Get(string name) => All.Single(c => c.Name == name);

    private static NetworkCase Of<TNetwork, T>(int[] layers, Activation[] activations, LossFunction loss = LossFunction.MeanSquaredError, bool bias = true)
        where TNetwork : INetwork<TNetwork, T>, new()
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        void CheckShape()
        {
            Assert.Equal(layers, TNetwork.LayerSizes.ToArray());
            Assert.Equal(activations, TNetwork.LayerActivations.ToArray());
            Assert.Equal(loss, TNetwork.LossFunction);
            Assert.Equal(bias, TNetwork.HasBias);
            Assert.Equal(layers[0], TNetwork.InputSize);
            Assert.Equal(layers[^1], TNetwork.OutputSize);
            Assert.Equal(new ReferenceNetwork(layers, activations, loss, bias).ParameterCount, TNetwork.ParameterCount);
            Assert.Equal(TNetwork.ParameterCount, new TNetwork().Parameters.Length);
        }

        return new NetworkCase(typeof(TNetwork).Name, layers, activations, loss, bias, typeof(T) == typeof(double), () => new TNetwork(), CheckShape);
    }
}
