using System;
using Xunit;

namespace Backprop.Tests;

/// <summary>Asserts that two arrays hold the same bits, element by element (NaNs and signed zeros included).</summary>
internal static class BitAssert
{
    public static void Equal(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]), $"{what}, element {i}: {expected[i]:R} expected, {actual[i]:R} found.");
        }
    }

    public static void Equal(double[] expected, double[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(BitConverter.DoubleToInt64Bits(expected[i]) == BitConverter.DoubleToInt64Bits(actual[i]), $"{what}, element {i}: {expected[i]:R} expected, {actual[i]:R} found.");
        }
    }
}
