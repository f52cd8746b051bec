using System;
using System.Numerics;
using System.Text.Json.Serialization;
using Backprop;
using Backprop.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Backprop.Tests;

/// <summary>
/// Compares generated networks against reference values computed by PyTorch autograd in float64
/// (Fixtures/PyTorch/*.json, written by Fixtures/PyTorch/make_fixtures.py). Each fixture holds the parameters in our
/// layout, a batch of inputs and targets, and the predictions, loss and gradient PyTorch computed for them.
/// </summary>
public sealed class PyTorchParityTests
{
    // Error measure, for a vector x against the reference ref (a scalar is a vector of one):
    //
    //     err = max_i |x_i - ref_i| / max(max_i |ref_i|, 1e-300)
    //
    // i.e. the normwise (infinity-norm) relative error, Tolerance.RelativeError. Double networks must reach
    // DoubleTolerance, float networks (parameters, inputs and targets rounded to float, compared with the float64
    // reference) FloatTolerance.
    private const double DoubleTolerance = 1e-12;
    private const double FloatTolerance = 1e-5;

    private readonly ITestOutputHelper _output;

    public PyTorchParityTests(ITestOutputHelper output) => _output = output;

    public static TheoryData<string> FixtureNames => new()
    {
        "tanh_identity_mse",
        "relu_softmax_ce",
        "leaky_sigmoid_bce",
        "sigmoid_softmax_mse_nobias",
        "deep_tanh_relu",
    };

    [Theory]
    [MemberData(nameof(FixtureNames))]
    public void DoubleNetworkMatchesPyTorch(string name)
    {
        PyTorchFixture fixture = PyTorchFixture.Load(name);
        switch (name)
        {
            case "tanh_identity_mse": Check<PtTanhIdentityMseDouble, double>(fixture, DoubleTolerance); break;
            case "relu_softmax_ce": Check<PtReluSoftmaxCeDouble, double>(fixture, DoubleTolerance); break;
            case "leaky_sigmoid_bce": Check<PtLeakySigmoidBceDouble, double>(fixture, DoubleTolerance); break;
            case "sigmoid_softmax_mse_nobias": Check<PtSigmoidSoftmaxMseNoBiasDouble, double>(fixture, DoubleTolerance); break;
            case "deep_tanh_relu": Check<PtDeepTanhReluDouble, double>(fixture, DoubleTolerance); break;
            default: throw new ArgumentException($"No double network declared for fixture '{name}'.", nameof(name));
        }
    }

    [Theory]
    [MemberData(nameof(FixtureNames))]
    public void FloatNetworkMatchesPyTorch(string name)
    {
        PyTorchFixture fixture = PyTorchFixture.Load(name);
        switch (name)
        {
            case "tanh_identity_mse": Check<PtTanhIdentityMseFloat, float>(fixture, FloatTolerance); break;
            case "relu_softmax_ce": Check<PtReluSoftmaxCeFloat, float>(fixture, FloatTolerance); break;
            case "leaky_sigmoid_bce": Check<PtLeakySigmoidBceFloat, float>(fixture, FloatTolerance); break;
            case "sigmoid_softmax_mse_nobias": Check<PtSigmoidSoftmaxMseNoBiasFloat, float>(fixture, FloatTolerance); break;
            case "deep_tanh_relu": Check<PtDeepTanhReluFloat, float>(fixture, FloatTolerance); break;
            default: throw new ArgumentException($"No float network declared for fixture '{name}'.", nameof(name));
        }
    }

    private void Check<TNet, T>(PyTorchFixture fixture, double tolerance)
        where TNet : INetwork<TNet, T>, new()
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        string label = $"{fixture.Name} ({typeof(TNet).Name}, {typeof(T).Name})";

        // The declared shape must be the one PyTorch evaluated.
        fixture.AssertDeclares<TNet, T>(label);
        Assert.Equal(fixture.Parameters.Length, TNet.ParameterCount);
        Assert.Equal(fixture.Gradient.Length, TNet.ParameterCount);
        Assert.Equal(fixture.Rows * TNet.OutputSize, fixture.Predictions.Length);

        INetwork<T> network = new TNet();
        Oracle.Round<T>(fixture.Parameters).CopyTo(network.Parameters);
        T[] inputs = Oracle.Round<T>(fixture.Inputs);
        T[] targets = Oracle.Round<T>(fixture.Targets);

        var predictions = new T[fixture.Predictions.Length];
        network.Predict(inputs, predictions);
        double predictionError = Tolerance.RelativeError<T, double>(predictions, fixture.Predictions);

        double lossError = Tolerance.RelativeError(double.CreateChecked(network.Loss(inputs, targets)), fixture.LossValue);

        var gradient = new T[TNet.ParameterCount];
        T lossFromGradient = network.Gradient(inputs, targets, gradient);
        double gradientLossError = Tolerance.RelativeError(double.CreateChecked(lossFromGradient), fixture.LossValue);
        double gradientError = Tolerance.RelativeError<T, double>(gradient, fixture.Gradient);

        _output.WriteLine(
            $"{label} vs torch {fixture.TorchVersion}: predictions {predictionError:E2}, loss {lossError:E2}, " +
            $"loss from Gradient {gradientLossError:E2}, gradient {gradientError:E2} (tolerance {tolerance:E0})");

        Assert.True(predictionError <= tolerance, $"{label}: prediction error {predictionError:E3} > {tolerance:E0}.");
        Assert.True(lossError <= tolerance, $"{label}: Loss error {lossError:E3} > {tolerance:E0}.");
        Assert.True(gradientLossError <= tolerance, $"{label}: error of the loss Gradient returns {gradientLossError:E3} > {tolerance:E0}.");
        Assert.True(gradientError <= tolerance, $"{label}: gradient error {gradientError:E3} > {tolerance:E0}.");
    }

    private sealed class PyTorchFixture : PyTorchNetworkFixture
    {
        [JsonPropertyName("name")] public string Name { get; set; } = "";
        [JsonPropertyName("parameters")] public double[] Parameters { get; set; } = Array.Empty<double>();
        [JsonPropertyName("predictions")] public double[] Predictions { get; set; } = Array.Empty<double>();
        [JsonPropertyName("loss_value")] public double LossValue { get; set; }
        [JsonPropertyName("gradient")] public double[] Gradient { get; set; } = Array.Empty<double>();

        public static PyTorchFixture Load(string name)
        {
            PyTorchFixture fixture = FixtureFiles.ReadJson<PyTorchFixture>("PyTorch", name + ".json");
            Assert.Equal(name, fixture.Name);
            Assert.True(fixture.Rows > 0, $"{name}: no rows.");
            return fixture;
        }
    }
}

// The fixture networks, each declared once per element type. Shapes must match make_fixtures.py. Declared here, not in
// Networks.cs, because they belong to these fixtures: only this test uses them, and it checks them against the files.

[Network(Layers = new[] { 4, 6, 3 }, Activations = new[] { Activation.Tanh, Activation.Identity }, ElementType = typeof(double))]
public partial class PtTanhIdentityMseDouble { }

[Network(Layers = new[] { 4, 6, 3 }, Activations = new[] { Activation.Tanh, Activation.Identity }, ElementType = typeof(float))]
public partial class PtTanhIdentityMseFloat { }

[Network(Layers = new[] { 5, 8, 4 }, Activations = new[] { Activation.ReLU, Activation.Softmax }, Loss = LossFunction.CrossEntropy, ElementType = typeof(double))]
public partial class PtReluSoftmaxCeDouble { }

[Network(Layers = new[] { 5, 8, 4 }, Activations = new[] { Activation.ReLU, Activation.Softmax }, Loss = LossFunction.CrossEntropy, ElementType = typeof(float))]
public partial class PtReluSoftmaxCeFloat { }

[Network(Layers = new[] { 3, 4, 1 }, Activations = new[] { Activation.LeakyReLU, Activation.Sigmoid }, Loss = LossFunction.BinaryCrossEntropy, ElementType = typeof(double))]
public partial class PtLeakySigmoidBceDouble { }

[Network(Layers = new[] { 3, 4, 1 }, Activations = new[] { Activation.LeakyReLU, Activation.Sigmoid }, Loss = LossFunction.BinaryCrossEntropy, ElementType = typeof(float))]
public partial class PtLeakySigmoidBceFloat { }

[Network(Layers = new[] { 4, 3, 2 }, Activations = new[] { Activation.Sigmoid, Activation.Softmax }, Loss = LossFunction.MeanSquaredError, Bias = false, ElementType = typeof(double))]
public partial class PtSigmoidSoftmaxMseNoBiasDouble { }

[Network(Layers = new[] { 4, 3, 2 }, Activations = new[] { Activation.Sigmoid, Activation.Softmax }, Loss = LossFunction.MeanSquaredError, Bias = false, ElementType = typeof(float))]
public partial class PtSigmoidSoftmaxMseNoBiasFloat { }

[Network(Layers = new[] { 6, 5, 5, 4, 2 }, Activations = new[] { Activation.Tanh, Activation.ReLU, Activation.LeakyReLU, Activation.Identity }, ElementType = typeof(double))]
public partial class PtDeepTanhReluDouble { }

[Network(Layers = new[] { 6, 5, 5, 4, 2 }, Activations = new[] { Activation.Tanh, Activation.ReLU, Activation.LeakyReLU, Activation.Identity }, ElementType = typeof(float))]
public partial class PtDeepTanhReluFloat { }
