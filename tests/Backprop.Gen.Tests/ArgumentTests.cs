using System;
using Xunit;

namespace Backprop.Tests;

/// <summary>Wrong span lengths are rejected up front with the parameter's name and the length it needs.</summary>
public sealed class ArgumentTests
{
    private readonly TinyNet _net = CreateNet();

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(17)]
    public void Inputs_that_are_not_whole_rows_are_rejected(int length)
    {
        var exception = Assert.Throws<ArgumentException>(() => _net.Predict(new float[length], new float[1]));
        Assert.Equal("inputs", exception.ParamName);
        Assert.Contains("rows of 8 values", exception.Message);
        Assert.Contains($"has {length} values", exception.Message);
    }

    [Fact]
    public void Outputs_of_the_wrong_length_are_rejected_with_the_expected_length()
    {
        var exception = Assert.Throws<ArgumentException>(() => _net.Predict(new float[24], new float[2]));
        Assert.Equal("outputs", exception.ParamName);
        Assert.Contains("Expected 3 values", exception.Message);
        Assert.Contains("has 2", exception.Message);
    }

    [Fact]
    public void Targets_of_the_wrong_length_are_rejected_by_loss_and_gradient()
    {
        var lossException = Assert.Throws<ArgumentException>(() => _net.Loss(new float[16], new float[3]));
        Assert.Equal("targets", lossException.ParamName);
        Assert.Contains("Expected 2 values", lossException.Message);

        var gradientException = Assert.Throws<ArgumentException>(() => _net.Gradient(new float[16], new float[3], new float[TinyNet.ParameterCount]));
        Assert.Equal("targets", gradientException.ParamName);
    }

    [Fact]
    public void A_gradient_of_the_wrong_length_is_rejected_with_the_parameter_count()
    {
        var exception = Assert.Throws<ArgumentException>(() => _net.Gradient(new float[8], new float[1], new float[40]));
        Assert.Equal("gradient", exception.ParamName);
        Assert.Contains($"Expected {TinyNet.ParameterCount} values", exception.Message);
    }

    [Fact]
    public void Outputs_overlapping_inputs_are_rejected()
    {
        var shared = new float[16];
        var exception = Assert.Throws<ArgumentException>(() => _net.Predict(shared, shared.AsSpan(0, 2)));
        Assert.Equal("outputs", exception.ParamName);
    }

    [Fact]
    public void A_gradient_that_is_the_parameter_vector_is_rejected_and_leaves_the_parameters_intact()
    {
        float[] before = _net.Parameters.ToArray();
        var exception = Assert.Throws<ArgumentException>(() => _net.Gradient(new float[8], new float[1], _net.Parameters));
        Assert.Equal("gradient", exception.ParamName);
        Assert.Equal(before, _net.Parameters.ToArray());
    }

    [Fact]
    public void A_rejected_call_writes_nothing()
    {
        var gradient = new float[TinyNet.ParameterCount];
        gradient.AsSpan().Fill(42);
        Assert.Throws<ArgumentException>(() => _net.Gradient(new float[9], new float[1], gradient));
        Assert.All(gradient, value => Assert.Equal(42, value));
    }

    [Fact]
    public void A_null_workspace_is_rejected()
    {
        var exception = Assert.Throws<ArgumentNullException>(() => _net.Predict(new float[8], new float[1], null!));
        Assert.Equal("workspace", exception.ParamName);
    }

    private static TinyNet CreateNet()
    {
        var net = new TinyNet();
        net.Initialize(seed: 1);
        return net;
    }
}
