using System;
using Backprop.Kernels;

namespace Backprop;

/// <summary>A deterministic, shuffled split of examples into a training part and a test part.</summary>
/// <param name="TrainInputs">Training inputs, one example per row.</param>
/// <param name="TrainTargets">Training targets.</param>
/// <param name="TestInputs">Held-out inputs.</param>
/// <param name="TestTargets">Held-out targets.</param>
public sealed record TrainTestSplit(float[] TrainInputs, float[] TrainTargets, float[] TestInputs, float[] TestTargets)
{
    /// <summary>
    /// Shuffles the examples with a seeded, portable generator and puts <c>round(testFraction * m)</c> of them in the
    /// test part. The same seed gives the same split on every machine.
    /// </summary>
    /// <param name="inputs">Row-major inputs, <paramref name="inputSize"/> values per example.</param>
    /// <param name="inputSize">Values per input row.</param>
    /// <param name="targets">Row-major targets, <paramref name="targetSize"/> values per example.</param>
    /// <param name="targetSize">Values per target row.</param>
    /// <param name="testFraction">The share of examples held out, in <c>(0, 1)</c>.</param>
    /// <param name="seed">The shuffling seed.</param>
    /// <returns>The split.</returns>
    /// <exception cref="ArgumentException">The lengths do not describe the same number of rows, or a part would be empty.</exception>
    public static TrainTestSplit Create(ReadOnlySpan<float> inputs, int inputSize, ReadOnlySpan<float> targets, int targetSize, double testFraction, int seed)
    {
        int rows = BatchArguments.GetRowCount(inputs.Length, inputSize, nameof(inputs));
        BatchArguments.RequireLength(targets.Length, rows * targetSize, rows, nameof(targets));
        int testRows = (int)Math.Round(rows * testFraction);
        if (!(testFraction > 0 && testFraction < 1) || testRows < 1 || testRows >= rows)
        {
            throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, $"Must leave at least one of the {rows} examples in each part.");
        }

        int[] order = new int[rows];
        for (int i = 0; i < rows; i++)
        {
            order[i] = i;
        }

        new SeededRandom(seed).Shuffle<int>(order);

        int trainRows = rows - testRows;
        var split = new TrainTestSplit(new float[trainRows * inputSize], new float[trainRows * targetSize], new float[testRows * inputSize], new float[testRows * targetSize]);
        for (int i = 0; i < rows; i++)
        {
            bool train = i < trainRows;
            int row = train ? i : i - trainRows;
            inputs.Slice(order[i] * inputSize, inputSize).CopyTo((train ? split.TrainInputs : split.TestInputs).AsSpan(row * inputSize, inputSize));
            targets.Slice(order[i] * targetSize, targetSize).CopyTo((train ? split.TrainTargets : split.TestTargets).AsSpan(row * targetSize, targetSize));
        }

        return split;
    }
}
