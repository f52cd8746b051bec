using System;

namespace Backprop.Samples.Diabetes;

/// <summary>
/// Ordinary least squares with an intercept, the baseline a network should beat or match: the normal equations
/// <c>(X'X) w = X'y</c> for <c>X = [1, features]</c>, accumulated and solved in <see cref="double"/> by Cholesky
/// factorization (X'X is symmetric positive definite when the features are not collinear).
/// </summary>
internal sealed class LinearBaseline
{
    private readonly double[] _weights;

    private LinearBaseline(double[] weights) => _weights = weights;

    /// <summary>Fits the weights to row-major <paramref name="features"/> (<paramref name="featureCount"/> per row) and <paramref name="targets"/>.</summary>
    public static LinearBaseline Fit(ReadOnlySpan<float> features, int featureCount, ReadOnlySpan<float> targets)
    {
        int n = featureCount + 1;
        var gram = new double[n, n];
        var right = new double[n];
        var row = new double[n];
        for (int i = 0; i < targets.Length; i++)
        {
            row[0] = 1;
            for (int j = 0; j < featureCount; j++)
            {
                row[j + 1] = features[(i * featureCount) + j];
            }

            for (int a = 0; a < n; a++)
            {
                right[a] += row[a] * targets[i];
                for (int b = 0; b <= a; b++)
                {
                    gram[a, b] += row[a] * row[b];
                }
            }
        }

        // Cholesky: gram = L L' (lower triangle, in place), then L z = right and L' w = z.
        for (int j = 0; j < n; j++)
        {
            double diagonal = gram[j, j];
            for (int k = 0; k < j; k++)
            {
                diagonal -= gram[j, k] * gram[j, k];
            }

            if (diagonal <= 0)
            {
                throw new InvalidOperationException("The features are collinear: X'X is not positive definite.");
            }

            gram[j, j] = Math.Sqrt(diagonal);
            for (int i = j + 1; i < n; i++)
            {
                double sum = gram[i, j];
                for (int k = 0; k < j; k++)
                {
                    sum -= gram[i, k] * gram[j, k];
                }

                gram[i, j] = sum / gram[j, j];
            }
        }

        var weights = new double[n];
        for (int i = 0; i < n; i++)
        {
            double sum = right[i];
            for (int k = 0; k < i; k++)
            {
                sum -= gram[i, k] * weights[k];
            }

            weights[i] = sum / gram[i, i];
        }

        for (int i = n - 1; i >= 0; i--)
        {
            double sum = weights[i];
            for (int k = i + 1; k < n; k++)
            {
                sum -= gram[k, i] * weights[k];
            }

            weights[i] = sum / gram[i, i];
        }

        return new LinearBaseline(weights);
    }

    /// <summary>Predicts one value per row of <paramref name="features"/>.</summary>
    public float[] Predict(ReadOnlySpan<float> features)
    {
        int featureCount = _weights.Length - 1;
        var predictions = new float[features.Length / featureCount];
        for (int i = 0; i < predictions.Length; i++)
        {
            double sum = _weights[0];
            for (int j = 0; j < featureCount; j++)
            {
                sum += _weights[j + 1] * features[(i * featureCount) + j];
            }

            predictions[i] = (float)sum;
        }

        return predictions;
    }
}
