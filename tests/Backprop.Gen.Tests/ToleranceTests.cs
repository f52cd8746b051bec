using System;
using Backprop.Testing;
using Xunit;

namespace Backprop.Tests;

/// <summary>The error measures every comparison with a reference goes through (tests/Shared/Tolerance.cs).</summary>
public sealed class ToleranceTests
{
    [Fact]
    public void Relative_error_is_the_largest_difference_over_the_largest_expected_magnitude()
    {
        // max |a - b| = 0.5 (second entry), max |b| = 4.
        Assert.Equal(0.125, Tolerance.RelativeError<double, double>([1.0, 2.5, -4.0], [1.0, 2.0, -4.0]));
        Assert.Equal(0.125, Tolerance.RelativeError<float, double>([1f, 2.5f, -4f], [1.0, 2.0, -4.0]));
        Assert.Equal(0.5, Tolerance.RelativeError(3.0, 2.0));
        Assert.Equal(0, Tolerance.RelativeError(0.0, 0.0));
    }

    [Fact]
    public void A_NaN_anywhere_is_an_infinite_error()
    {
        Assert.Equal(double.PositiveInfinity, Tolerance.RelativeError<double, double>([1.0, double.NaN], [1.0, 2.0]));
        Assert.Equal(double.PositiveInfinity, Tolerance.RelativeError<double, double>([1.0, 2.0], [double.NaN, 2.0]));
        Assert.Equal(double.PositiveInfinity, Tolerance.RelativeError(double.NaN, 1.0));
        Assert.Equal(double.PositiveInfinity, Tolerance.MaxAbsoluteDifference<float, float>([float.NaN], [0f]));
    }

    [Fact]
    public void Max_absolute_difference_is_not_scaled()
    {
        Assert.Equal(2, Tolerance.MaxAbsoluteDifference<float, float>([1f, -1f, 100f], [0f, 1f, 100f]));
        Assert.Equal(0, Tolerance.MaxAbsoluteDifference<double, double>([], []));
    }

    [Fact]
    public void Different_lengths_are_refused() =>
        Assert.Throws<ArgumentException>(() => Tolerance.RelativeError<double, double>([1.0], [1.0, 2.0]));
}
