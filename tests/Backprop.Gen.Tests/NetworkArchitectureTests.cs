using Xunit;

namespace Backprop.Tests;

/// <summary>
/// The parameter layout, counts and shape text of docs/math.md, against values worked out by hand, as both the runtime
/// (<see cref="NetworkArchitecture"/>) and the generated constants report them.
/// </summary>
public sealed class NetworkArchitectureTests
{
    [Fact]
    public void Tiny_network_layout_by_hand()
    {
        // 8 -> 4 -> 1 with biases: W1 is 8 x 4 (32 values), b1 4, W2 4 x 1, b2 1.
        NetworkArchitecture architecture = new TinyNet().Architecture;
        Assert.Equal(41, architecture.ParameterCount);
        Assert.Equal(41, TinyNet.ParameterCount);
        Assert.Equal(new[] { 0, 36 }, new[] { architecture.WeightOffset(0), architecture.WeightOffset(1) });
        Assert.Equal(new[] { 32, 40 }, new[] { architecture.BiasOffset(0), architecture.BiasOffset(1) });
        // Forward 2 (32 + 4) = 72; training 3 * 72 - 2 * 32 (no input gradient of layer 1) = 152.
        Assert.Equal(72, architecture.ForwardFlops);
        Assert.Equal(152, architecture.TrainingFlops);
        Assert.Equal("8 -> 4 (ReLU) -> 1 (Sigmoid), MeanSquaredError, bias, float", architecture.ToString());
    }

    [Fact]
    public void Network_without_biases_layout_by_hand()
    {
        // 4 -> 9 -> 8 -> 3 without biases: W1 36 values, W2 72, W3 24.
        NetworkArchitecture architecture = new NoBiasNet().Architecture;
        Assert.Equal(132, architecture.ParameterCount);
        Assert.Equal(new[] { 0, 36, 108 }, new[] { architecture.WeightOffset(0), architecture.WeightOffset(1), architecture.WeightOffset(2) });
        Assert.Equal(-1, architecture.BiasOffset(2));
        Assert.Equal(264, architecture.ForwardFlops);
        Assert.Equal(720, architecture.TrainingFlops);
        Assert.Equal("4 -> 9 (Sigmoid) -> 8 (ReLU) -> 3 (Identity), MeanSquaredError, no bias, float", architecture.ToString());
    }

    [Fact]
    public void Layer_index_out_of_range_is_an_error()
    {
        NetworkArchitecture architecture = new TinyNet().Architecture;
        Assert.Throws<System.ArgumentOutOfRangeException>(() => architecture.WeightOffset(2));
        Assert.Throws<System.ArgumentOutOfRangeException>(() => architecture.BiasOffset(-1));
    }
}
