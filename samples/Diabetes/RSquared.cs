using System;

namespace Backprop.Samples.Diabetes;

/// <summary>The coefficient of determination, the usual score of a regression.</summary>
internal static class RSquared
{
    /// <summary>
    /// <c>1 - sum (y - prediction)^2 / sum (y - mean(y))^2</c> over the given rows, in <see cref="double"/>: 1 is a
    /// perfect fit, 0 is no better than predicting the mean of <paramref name="actual"/>.
    /// </summary>
    public static double Compute(ReadOnlySpan<float> predictions, ReadOnlySpan<float> actual)
    {
        if (predictions.Length != actual.Length || actual.Length < 2)
        {
            throw new ArgumentException("Need at least two predictions, one per actual value.", nameof(predictions));
        }

        double mean = 0;
        foreach (float y in actual)
        {
            mean += y;
        }

        mean /= actual.Length;
        double residual = 0;
        double total = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            residual += (actual[i] - (double)predictions[i]) * (actual[i] - (double)predictions[i]);
            total += (actual[i] - mean) * (actual[i] - mean);
        }

        return 1 - (residual / total);
    }
}
