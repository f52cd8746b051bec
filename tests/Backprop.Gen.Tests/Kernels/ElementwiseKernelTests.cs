using System;
using System.Linq;
using System.Numerics.Tensors;
using Backprop.Kernels;
using Xunit;

namespace Backprop.Tests.Kernels;

/// <summary>
/// The element-wise kernels that generated passes call in place of TensorPrimitives: the same bits as the
/// TensorPrimitives calls they replace, special values included, in the vector bodies and the scalar tails.
/// </summary>
public sealed class ElementwiseKernelTests
{
    // Lengths around one and two vectors of every width, and a long span.
    private static readonly int[] Lengths = { 0, 1, 3, 7, 8, 9, 15, 16, 17, 31, 33, 64, 67, 1000 };

    private static readonly double[] Specials =
    {
        double.NaN, 0.0, -0.0, double.PositiveInfinity, double.NegativeInfinity, 1e-40, -1e-40, 1e-310, -1e-310,
        float.MaxValue, -float.MaxValue, double.MaxValue, 1, -1, 0.5, -2.5,
    };

    [Fact]
    public void Relu_gives_the_bits_of_TensorPrimitives_Max_with_zero()
    {
        foreach (int length in Lengths)
        {
            float[] z = Values(length, seed: length).Select(v => (float)v).ToArray();
            float[] expected = new float[length], actual = new float[length];
            TensorPrimitives.Max(z, 0f, expected);
            ActivationKernels.Relu<float>(z, actual);
            BitAssert.Equal(expected, actual, $"float, length {length}");

            double[] zd = Values(length, seed: length + 1);
            double[] expectedD = new double[length], actualD = new double[length];
            TensorPrimitives.Max(zd, 0.0, expectedD);
            ActivationKernels.Relu<double>(zd, actualD);
            BitAssert.Equal(expectedD, actualD, $"double, length {length}");

            ActivationKernels.Relu<float>(z, z); // in place, as the generated code may call it
            BitAssert.Equal(expected, z, $"float in place, length {length}");
        }
    }

    [Fact]
    public void OutputGradient_gives_the_bits_of_a_subtraction_then_a_scaling()
    {
        foreach (int length in Lengths)
        {
            float[] outputs = Values(length, seed: 3 * length).Select(v => (float)v).ToArray();
            float[] targets = Values(length, seed: (3 * length) + 1).Select(v => (float)v).ToArray();
            float[] expected = new float[length], actual = new float[length];
            TensorPrimitives.Subtract(outputs, targets, expected);
            TensorPrimitives.Multiply(expected, 1f / 3, expected);
            LossKernels.OutputGradient<float>(outputs, targets, 1f / 3, actual);
            BitAssert.Equal(expected, actual, $"float, length {length}");

            LossKernels.OutputGradient<float>(outputs, targets, 1f / 3, outputs); // the gradient over the outputs
            BitAssert.Equal(expected, outputs, $"float in place, length {length}");

            double[] outputsD = Values(length, seed: 5 * length), targetsD = Values(length, seed: (5 * length) + 1);
            double[] expectedD = new double[length], actualD = new double[length];
            TensorPrimitives.Subtract(outputsD, targetsD, expectedD);
            TensorPrimitives.Multiply(expectedD, 2.0 / 7, expectedD);
            LossKernels.OutputGradient<double>(outputsD, targetsD, 2.0 / 7, actualD);
            BitAssert.Equal(expectedD, actualD, $"double, length {length}");
        }
    }

    [Fact]
    public void Spans_of_the_wrong_length_are_refused_by_name()
    {
        Assert.Equal("a", Assert.Throws<ArgumentException>(() => ActivationKernels.Relu<float>(new float[4], new float[3])).ParamName);
        Assert.Equal("targets", Assert.Throws<ArgumentException>(() => LossKernels.OutputGradient<float>(new float[4], new float[3], 1f, new float[4])).ParamName);
        var gradient = Assert.Throws<ArgumentException>(() => LossKernels.OutputGradient<float>(new float[4], new float[4], 1f, new float[5]));
        Assert.Equal("gradient", gradient.ParamName);
        Assert.StartsWith("Expected 4 values, but the span has 5.", gradient.Message, StringComparison.Ordinal);
        Assert.Equal("dZ", Assert.Throws<ArgumentException>(() => ActivationKernels.TanhBackward<double>(new double[4], new double[4], new double[2])).ParamName);
        Assert.Equal("targets", Assert.Throws<ArgumentException>(() => LossKernels.SoftmaxCrossEntropySum<float>(new float[6], new float[3], 3)).ParamName);
    }

    // Random values with the special ones mixed in at random places, so that they land in vector bodies and tails.
    private static double[] Values(int length, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, length)
            .Select(_ => random.Next(3) == 0 ? Specials[random.Next(Specials.Length)] : (random.NextDouble() - 0.5) * 8)
            .ToArray();
    }
}
