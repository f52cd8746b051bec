using System;
using System.Runtime.Intrinsics;
using Backprop.Kernels;
using Xunit;

namespace Backprop.Gen.Tests.Kernels;

/// <summary>
/// LaneMath against double-precision references over the whole float range: every 193rd bit pattern (both signs, every
/// exponent, subnormals included) and the special values. Each value is computed alone and in every lane of a vector,
/// and the two must give the same bits.
/// </summary>
public class LaneMathTests
{
    private const int Stride = 193;

    private static readonly float[] Specials =
    {
        0f, -0f, float.Epsilon, -float.Epsilon, 1e-40f, -1e-40f, float.PositiveInfinity, float.NegativeInfinity, float.NaN,
        float.MaxValue, float.MinValue, 1f, -1f, 0.625f, -0.625f, 0.62499994f, 88.72283f, 88.72284f, -87.33655f, -103.97208f,
        -103.9721f, -104f, 88.8f, -88.8f, 1e-8f, -1e-8f,
    };

    [Fact]
    public void Exp_is_within_1_01_ulp_and_the_same_alone_and_in_lanes() =>
        Sweep(LaneMath.Exp, LaneMath.Exp, Math.Exp, maxUlps: 1.01);

    [Fact]
    public void Sigmoid_is_within_2_5_ulp_and_the_same_alone_and_in_lanes() =>
        Sweep(LaneMath.Sigmoid, LaneMath.Sigmoid, x => 1.0 / (1.0 + Math.Exp(-x)), maxUlps: 2.5);

    [Fact]
    public void Tanh_is_within_two_ulps_and_the_same_alone_and_in_lanes() =>
        Sweep(LaneMath.Tanh, LaneMath.Tanh, Math.Tanh, maxUlps: 2.0);

    [Theory]
    [InlineData(float.PositiveInfinity, float.PositiveInfinity, 1f, 1f)]
    [InlineData(float.NegativeInfinity, 0f, 0f, -1f)]
    [InlineData(0f, 1f, 0.5f, 0f)]
    [InlineData(1e-40f, 1f, 0.5f, 1e-40f)]
    public void Limits_are_exact(float x, float exp, float sigmoid, float tanh)
    {
        Assert.Equal(exp, LaneMath.Exp(x));
        Assert.Equal(sigmoid, LaneMath.Sigmoid(x));
        Assert.Equal(tanh, LaneMath.Tanh(x));
    }

    [Fact]
    public void NaN_stays_NaN_and_negative_zero_keeps_its_sign()
    {
        Assert.True(float.IsNaN(LaneMath.Exp(float.NaN)));
        Assert.True(float.IsNaN(LaneMath.Sigmoid(float.NaN)));
        Assert.True(float.IsNaN(LaneMath.Tanh(float.NaN)));
        Assert.True(float.IsNaN(LaneMath.Relu(float.NaN)));
        Assert.True(float.IsNegative(LaneMath.Tanh(-0f)));
        Assert.Equal(0f, LaneMath.Relu(-3f));
        Assert.Equal(-0.03f, LaneMath.LeakyRelu(-3f));
    }

    [Theory]
    [InlineData(-2f, 5f)]
    [InlineData(0f, 5f)]
    [InlineData(3f, 5f)]
    [InlineData(-1e30f, -7f)]
    public void Derivatives_match_their_formulas_alone_and_in_lanes(float z, float dA)
    {
        float a = LaneMath.Sigmoid(z);
        float t = LaneMath.Tanh(z);
        Assert.Equal(z > 0 ? dA : 0f, LaneMath.ReluBackward(z, dA));
        Assert.Equal(z > 0 ? dA : dA * 0.01f, LaneMath.LeakyReluBackward(z, dA));
        Assert.Equal(dA * a * (1f - a), LaneMath.SigmoidBackward(a, dA));
        Assert.Equal(dA * (1f - (t * t)), LaneMath.TanhBackward(t, dA));
        Vector256<float> vz = Vector256.Create(z), vdA = Vector256.Create(dA);
        Assert.Equal(Vector256.Create(LaneMath.ReluBackward(z, dA)), LaneMath.ReluBackward(vz, vdA));
        Assert.Equal(Vector256.Create(LaneMath.LeakyReluBackward(z, dA)), LaneMath.LeakyReluBackward(vz, vdA));
        Assert.Equal(Vector256.Create(LaneMath.SigmoidBackward(a, dA)), LaneMath.SigmoidBackward(Vector256.Create(a), vdA));
        Assert.Equal(Vector256.Create(LaneMath.TanhBackward(t, dA)), LaneMath.TanhBackward(Vector256.Create(t), vdA));
        Assert.Equal(Vector256.Create(LaneMath.MultiplyAdd(z, dA, a)), LaneMath.MultiplyAdd(vz, vdA, Vector256.Create(a)));
        Assert.Equal(Vector256.Create(LaneMath.Relu(z)), LaneMath.Relu(vz));
        Assert.Equal(Vector256.Create(LaneMath.LeakyRelu(z)), LaneMath.LeakyRelu(vz));
    }

    private static void Sweep(Func<float, float> scalar, Func<Vector256<float>, Vector256<float>> lanes, Func<double, double> reference, double maxUlps)
    {
        double worst = 0;
        float worstInput = 0;
        Span<float> batch = stackalloc float[8];
        int filled = 0;

        void Check(float x)
        {
            float value = scalar(x);
            double expected = reference(x);
            double error = UlpError(value, expected);
            if (!(error <= worst))
            {
                worst = error;
                worstInput = x;
            }
        }

        void CheckLanes(ReadOnlySpan<float> xs)
        {
            Vector256<float> result = lanes(Vector256.Create(xs));
            for (int i = 0; i < 8; i++)
            {
                float alone = scalar(xs[i]);
                if (BitConverter.SingleToInt32Bits(alone) != BitConverter.SingleToInt32Bits(result.GetElement(i)))
                {
                    Assert.Fail($"x = {xs[i]:R}: alone {alone:R}, in lane {i} {result.GetElement(i):R}.");
                }
            }
        }

        foreach (float x in Specials)
        {
            Check(x);
            batch[filled++ % 8] = x;
            if (filled % 8 == 0)
            {
                CheckLanes(batch);
            }
        }

        for (long bits = 0; bits <= uint.MaxValue; bits += Stride)
        {
            float x = BitConverter.Int32BitsToSingle(unchecked((int)(uint)bits));
            Check(x);
            batch[filled++ % 8] = x;
            if (filled % 8 == 0)
            {
                CheckLanes(batch);
            }
        }

        Assert.True(worst <= maxUlps, $"Worst error {worst:F3} ulp at x = {worstInput:R} (0x{BitConverter.SingleToInt32Bits(worstInput):X8}).");
    }

    // |value - expected| in units of the float spacing at the expected value; NaN and infinities must match exactly.
    private static double UlpError(float value, double expected)
    {
        if (double.IsNaN(expected))
        {
            return float.IsNaN(value) ? 0 : double.PositiveInfinity;
        }

        if (float.IsNaN(value))
        {
            return double.PositiveInfinity;
        }

        float rounded = (float)expected;
        if (float.IsInfinity(rounded))
        {
            return value == rounded ? 0 : double.PositiveInfinity;
        }

        if (expected == 0)
        {
            return value == 0 && double.IsNegative(expected) == float.IsNegative(value) ? 0 : Math.Abs(value) / float.Epsilon;
        }

        double magnitude = Math.Abs(expected);
        double spacing = magnitude < 1.1754943508222875e-38 ? float.Epsilon : Math.Pow(2, Math.Floor(Math.Log2(magnitude)) - 23);
        return Math.Abs(value - expected) / spacing;
    }
}
