using System;
using System.Linq;
using System.Numerics;
using Backprop;

namespace Backprop.Testing;

/// <summary>Error measures and deterministic test data shared by the test projects.</summary>
internal static class Tolerance
{
    /// <summary>Relative error allowed for float networks against the double reference.</summary>
    public const double Float = 1e-4;

    /// <summary>Relative error allowed for double networks against the double reference.</summary>
    public const double Double = 1e-9;

    /// <summary>
    /// Normwise relative error: <c>max_i |actual_i - expected_i| / max(max_i |expected_i|, 1e-300)</c>, the one error
    /// measure of the tests against a reference (a scalar is a vector of one). Measured against the largest expected
    /// magnitude, so entries that are zero up to rounding do not blow it up. Infinity when anything is NaN.
    /// </summary>
    public static double RelativeError<TActual, TExpected>(ReadOnlySpan<TActual> actual, ReadOnlySpan<TExpected> expected)
        where TActual : INumberBase<TActual>
        where TExpected : INumberBase<TExpected>
    {
        double worst = MaxAbsoluteDifference(actual, expected);
        double scale = 1e-300;
        foreach (TExpected value in expected)
        {
            scale = Math.Max(scale, Math.Abs(double.CreateTruncating(value)));
        }

        return double.IsPositiveInfinity(worst) ? worst : worst / scale;
    }

    /// <summary>Relative error of one scalar: <c>|actual - expected| / max(|expected|, 1e-300)</c>; infinity if either is NaN.</summary>
    public static double RelativeError(double actual, double expected) => RelativeError<double, double>([actual], [expected]);

    /// <summary><c>max_i |actual_i - expected_i|</c>, in double; infinity when anything is NaN.</summary>
    public static double MaxAbsoluteDifference<TActual, TExpected>(ReadOnlySpan<TActual> actual, ReadOnlySpan<TExpected> expected)
        where TActual : INumberBase<TActual>
        where TExpected : INumberBase<TExpected>
    {
        if (actual.Length != expected.Length)
        {
            throw new ArgumentException($"Lengths differ: {actual.Length} vs {expected.Length}.");
        }

        double worst = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            double difference = Math.Abs(double.CreateTruncating(actual[i]) - double.CreateTruncating(expected[i]));
            if (double.IsNaN(difference))
            {
                return double.PositiveInfinity;
            }

            worst = Math.Max(worst, difference);
        }

        return worst;
    }

    /// <summary>Uniform values in [-scale, scale) from a seeded <see cref="Random"/>.</summary>
    public static double[] Uniform(Random random, int count, double scale) =>
        Enumerable.Range(0, count).Select(_ => ((2 * random.NextDouble()) - 1) * scale).ToArray();

    /// <summary>Targets that suit the loss: one-hot rows for cross-entropy, 0/1 for binary cross-entropy,
    /// probability rows for a softmax output under squared error, otherwise uniform values.</summary>
    public static double[] Targets(Random random, int rows, int width, LossFunction loss, Activation output)
    {
        var targets = new double[rows * width];
        for (int i = 0; i < rows; i++)
        {
            Span<double> row = targets.AsSpan(i * width, width);
            if (loss == LossFunction.CrossEntropy)
            {
                row[random.Next(width)] = 1;
            }
            else if (loss == LossFunction.BinaryCrossEntropy)
            {
                for (int j = 0; j < width; j++)
                {
                    row[j] = random.Next(2);
                }
            }
            else if (output == Activation.Softmax)
            {
                double sum = 0;
                for (int j = 0; j < width; j++)
                {
                    row[j] = random.NextDouble() + 0.01;
                    sum += row[j];
                }

                for (int j = 0; j < width; j++)
                {
                    row[j] /= sum;
                }
            }
            else
            {
                for (int j = 0; j < width; j++)
                {
                    row[j] = ((2 * random.NextDouble()) - 1) * 1.5;
                }
            }
        }

        return targets;
    }
}
