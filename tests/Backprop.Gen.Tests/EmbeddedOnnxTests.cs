using System.Linq;
using Backprop;
using Backprop.Testing;
using Xunit;

namespace Backprop.Tests;

/// <summary>A network whose weights the generator baked in from an ONNX model that torch.onnx.export wrote.</summary>
[Network(Layers = new[] { 5, 7, 6, 4 }, Activations = new[] { Activation.Tanh, Activation.LeakyReLU, Activation.Softmax },
         Loss = LossFunction.CrossEntropy, Weights = "gemm_tanh_leaky_softmax.onnx")]
public partial class EmbeddedOnnxNet { }

/// <summary>
/// Build-time ONNX weights: the generator bakes Fixtures/Onnx/gemm_tanh_leaky_softmax.onnx into
/// <see cref="EmbeddedOnnxNet"/>; a new instance must hold what <c>Onnx.Load</c> reads from the same file, and predict
/// what PyTorch computed.
/// </summary>
public sealed class EmbeddedOnnxTests
{
    [Fact]
    public void A_new_instance_holds_what_Onnx_Load_reads_from_the_same_file()
    {
        var loaded = new OnnxTanhLeakySoftmax();
        Onnx.Load(loaded, OnnxFixture.ModelPath("gemm_tanh_leaky_softmax"));

        Assert.Equal(loaded.Parameters.ToArray(), new EmbeddedOnnxNet().Parameters.ToArray());
    }

    [Fact]
    public void The_baked_in_network_predicts_as_PyTorch_did()
    {
        OnnxFixture fixture = OnnxFixture.Load("gemm_tanh_leaky_softmax");
        var outputs = new float[fixture.Outputs.Length];

        new EmbeddedOnnxNet().Predict(fixture.Inputs.Select(value => (float)value).ToArray(), outputs);

        double error = Tolerance.RelativeError<float, double>(outputs, fixture.Outputs);
        Assert.True(error <= 1e-6, $"Predictions differ from PyTorch's by {error:E3}.");
    }
}
