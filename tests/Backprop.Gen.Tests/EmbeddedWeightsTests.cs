using System;
using Xunit;

namespace Backprop.Tests;

/// <summary>
/// Build-time weights: the generator bakes Fixtures/Weights/embedded.safetensors into EmbeddedNet, and the result must
/// equal what the runtime loader reads from the same file (two independent readers of one file).
/// </summary>
public sealed class EmbeddedWeightsTests
{
    private static string WeightsPath => FixtureFiles.PathOf("Weights", "embedded.safetensors");

    [Fact]
    public void A_new_instance_starts_with_the_weights_of_the_file()
    {
        var loaded = new EmbeddedTwinNet();
        Safetensors.Load(loaded, WeightsPath);
        Assert.Equal(loaded.Parameters.ToArray(), new EmbeddedNet().Parameters.ToArray());
    }

    [Fact]
    public void Values_land_in_the_math_md_layout()
    {
        // The file holds sin(i + 1) in order: layers.0.weight [5, 3] first, so W1[k, j] = weight[j, k] = sin(3j + k + 1).
        var net = new EmbeddedNet();
        for (int j = 0; j < 5; j++)
        {
            for (int k = 0; k < 3; k++)
            {
                Assert.Equal(MathF.Sin((3 * j) + k + 1), net.Parameters[(k * 5) + j], 6);
            }
        }

        Assert.Equal(MathF.Sin(15 + 1), net.Parameters[15], 6);                   // b1[0] follows the 15 weights
        Assert.Equal(MathF.Sin(32), net.Parameters[^1], 6);                       // b2[1], the 32nd and last value of the file
    }

    [Fact]
    public void Double_networks_embed_the_same_values_and_instances_do_not_share_them()
    {
        var dual = new EmbeddedDoubleNet();
        var single = new EmbeddedNet();
        for (int i = 0; i < EmbeddedNet.ParameterCount; i++)
        {
            Assert.Equal(single.Parameters[i], (float)dual.Parameters[i]);
        }

        dual.Parameters[0] = 42;
        Assert.NotEqual(42, new EmbeddedDoubleNet().Parameters[0]);
    }

    [Fact]
    public void The_embedded_network_predicts_like_the_loaded_one()
    {
        float[] inputs = { 0.5f, -1f, 2f, 0.1f, 0.2f, 0.3f };
        var loaded = new EmbeddedTwinNet();
        Safetensors.Load(loaded, WeightsPath);
        var expected = new float[4];
        loaded.Predict(inputs, expected);
        var actual = new float[4];
        new EmbeddedNet().Predict(inputs, actual);
        Assert.Equal(expected, actual);
    }
}

// Declared here, not in Networks.cs: the first two bake in Fixtures/Weights/embedded.safetensors (the AdditionalFiles
// item of the project file), and EmbeddedTwinNet is deliberately the same shape without weights, to load that file into.

[Network(Layers = new[] { 3, 5, 2 }, Activations = new[] { Activation.Tanh, Activation.Identity }, Weights = "embedded.safetensors")]
public partial class EmbeddedNet { }

[Network(Layers = new[] { 3, 5, 2 }, Activations = new[] { Activation.Tanh, Activation.Identity }, Weights = "embedded.safetensors", ElementType = typeof(double))]
public partial class EmbeddedDoubleNet { }

[Network(Layers = new[] { 3, 5, 2 }, Activations = new[] { Activation.Tanh, Activation.Identity })]
public partial class EmbeddedTwinNet { }
