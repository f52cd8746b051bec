using System;
using Backprop.Kernels;

namespace Backprop;

/// <summary>
/// Per-feature standardization, <c>(x - mean) / standardDeviation</c>, with the statistics fitted on training data and
/// then applied unchanged to any data (validation, test, production). Features that are constant in the training
/// data are only centred.
/// </summary>
public sealed class Standardizer
{
    private readonly float[] _means;
    private readonly float[] _deviations;

    private Standardizer(float[] means, float[] deviations)
    {
        _means = means;
        _deviations = deviations;
    }

    /// <summary>The number of features per row.</summary>
    public int FeatureCount => _means.Length;

    /// <summary>The mean of each feature in the data the standardizer was fitted on.</summary>
    public ReadOnlySpan<float> Means => _means;

    /// <summary>The population standard deviation of each feature (1 for constant features).</summary>
    public ReadOnlySpan<float> StandardDeviations => _deviations;

    /// <summary>Computes each feature's mean and standard deviation (accumulated in <see cref="double"/>).</summary>
    /// <param name="data">Row-major training data, <paramref name="featureCount"/> values per row.</param>
    /// <param name="featureCount">Values per row.</param>
    /// <returns>The fitted standardizer.</returns>
    /// <exception cref="ArgumentException">The data is empty or not whole rows.</exception>
    public static Standardizer Fit(ReadOnlySpan<float> data, int featureCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(featureCount, 1);
        int rows = BatchArguments.GetRowCount(data.Length, featureCount, nameof(data));
        var sums = new double[featureCount];
        for (int i = 0; i < data.Length; i++)
        {
            sums[i % featureCount] += data[i];
        }

        var means = new double[featureCount];
        for (int j = 0; j < featureCount; j++)
        {
            means[j] = sums[j] / rows;
        }

        var squares = new double[featureCount];
        for (int i = 0; i < data.Length; i++)
        {
            double difference = data[i] - means[i % featureCount];
            squares[i % featureCount] += difference * difference;
        }

        var meanValues = new float[featureCount];
        var deviations = new float[featureCount];
        for (int j = 0; j < featureCount; j++)
        {
            meanValues[j] = (float)means[j];
            double deviation = Math.Sqrt(squares[j] / rows);
            deviations[j] = deviation > 1e-12 ? (float)deviation : 1f;
        }

        return new Standardizer(meanValues, deviations);
    }

    /// <summary>Standardizes <paramref name="data"/> into <paramref name="destination"/> (which may be the same memory).</summary>
    /// <param name="data">Row-major data with <see cref="FeatureCount"/> values per row.</param>
    /// <param name="destination">As long as <paramref name="data"/>.</param>
    /// <exception cref="ArgumentException">The lengths are not whole, matching rows.</exception>
    public void Transform(ReadOnlySpan<float> data, Span<float> destination)
    {
        int rows = BatchArguments.GetRowCount(data.Length, FeatureCount, nameof(data));
        BatchArguments.RequireLength(destination.Length, data.Length, rows, nameof(destination));
        for (int i = 0; i < data.Length; i++)
        {
            int j = i % FeatureCount;
            destination[i] = (data[i] - _means[j]) / _deviations[j];
        }
    }

    /// <summary>Maps standardized values back to the original units: <c>z * standardDeviation + mean</c>.</summary>
    /// <param name="standardized">Row-major standardized data with <see cref="FeatureCount"/> values per row.</param>
    /// <param name="destination">As long as <paramref name="standardized"/> (may be the same memory).</param>
    /// <exception cref="ArgumentException">The lengths are not whole, matching rows.</exception>
    public void InverseTransform(ReadOnlySpan<float> standardized, Span<float> destination)
    {
        int rows = BatchArguments.GetRowCount(standardized.Length, FeatureCount, nameof(standardized));
        BatchArguments.RequireLength(destination.Length, standardized.Length, rows, nameof(destination));
        for (int i = 0; i < standardized.Length; i++)
        {
            int j = i % FeatureCount;
            destination[i] = (standardized[i] * _deviations[j]) + _means[j];
        }
    }

    /// <summary>Returns a standardized copy of <paramref name="data"/>.</summary>
    /// <param name="data">Row-major data with <see cref="FeatureCount"/> values per row.</param>
    /// <returns>The standardized values.</returns>
    public float[] Transform(ReadOnlySpan<float> data)
    {
        var result = new float[data.Length];
        Transform(data, result);
        return result;
    }
}
