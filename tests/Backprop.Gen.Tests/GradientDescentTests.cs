using System;
using System.Linq;
using Xunit;

namespace Backprop.Tests;

public sealed class GradientDescentTests
{
    [Fact]
    public void A_step_moves_every_parameter_against_its_gradient()
    {
        var net = new DeepNetDouble();
        net.Initialize(seed: 4);
        var random = new Random(1);
        double[] inputs = Enumerable.Range(0, 6 * DeepNetDouble.InputSize).Select(_ => random.NextDouble()).ToArray();
        double[] targets = Enumerable.Range(0, 6 * DeepNetDouble.OutputSize).Select(_ => random.NextDouble()).ToArray();
        double[] before = net.Parameters.ToArray();
        var gradient = new double[DeepNetDouble.ParameterCount];
        double expectedLoss = net.Gradient(inputs, targets, gradient);

        var descent = new GradientDescent<double>(net, learningRate: 0.25);
        double loss = descent.Step(inputs, targets);

        Assert.Equal(expectedLoss, loss);
        Assert.Equal(gradient, descent.LastGradient.ToArray());
        for (int i = 0; i < before.Length; i++)
        {
            Assert.Equal(before[i] - (0.25 * gradient[i]), net.Parameters[i], 15);
        }
    }

    [Fact]
    public void Training_xor_reaches_every_output_correct()
    {
        float[] inputs = [0, 0, 0, 1, 1, 0, 1, 1];
        float[] targets = [0, 1, 1, 0];
        var net = new XorTestNet();
        net.Initialize(seed: 1);
        var descent = new GradientDescent<float>(net, learningRate: 0.5f);
        float first = descent.Step(inputs, targets);
        for (int step = 0; step < 2000; step++)
        {
            descent.Step(inputs, targets);
        }

        float last = net.Loss(inputs, targets);
        Assert.True(last < first / 50, $"loss went from {first} to {last}");
        var outputs = new float[4];
        net.Predict(inputs, outputs);
        Assert.Equal(targets, outputs.Select(p => p >= 0.5f ? 1f : 0f).ToArray());
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void A_learning_rate_that_is_not_positive_and_finite_is_rejected(double learningRate)
    {
        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => new GradientDescent<double>(new TinyNetDouble(), learningRate));
        Assert.Contains("positive and finite", exception.Message);
    }
}

// Declared here, not in Networks.cs: sized for the XOR truth table of Training_xor_reaches_every_output_correct, and
// used by no other test.
[Network(Layers = new[] { 2, 4, 1 }, Activations = new[] { Activation.Tanh, Activation.Sigmoid }, Loss = LossFunction.BinaryCrossEntropy)]
public partial class XorTestNet { }
