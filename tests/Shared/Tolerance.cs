using System;
using System.Collections.Generic;
using System.Linq;
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
    /// Normwise relative error: <c>max_i |actual_i - expected_i| / max(max_i |expected_i|, 1e-300)</c>. Measured against
    /// the largest expected magnitude, so entries that are zero up to rounding do not blow it up.
    /// </summary>
    public static double RelativeError(IReadOnlyList<double> actual, IReadOnlyList<double> expected)
    {
        if (actual.Count != expected.Count)
        {
            throw new ArgumentException($"Lengths differ: {actual.Count} vs {expected.Count}.");
        }

        double worst = 0;
        double scale = 1e-300;
        for (int i = 0; i < actual.Count; i++)
        {
            worst = Math.Max(worst, Math.Abs(actual[i] - expected[i]));
            scale = Math.Max(scale, Math.Abs(expected[i]));
        }

        return double.IsNaN(worst) || actual.Any(double.IsNaN) ? double.PositiveInfinity : worst / scale;
    }

    /// <summary>Relative error of one scalar: <c>|actual - expected| / max(|expected|, 1e-300)</c>.</summary>
    public static double RelativeError(double actual, double expected) => RelativeError(new[] { actual }, new[] { expected });

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
