using System;
using System.Linq;
using Xunit;

namespace Backprop.Tests.Training;

public sealed class DataTests
{
    [Fact]
    public void One_hot_encoding_puts_a_single_one_at_each_label()
    {
        Assert.Equal(new float[] { 0, 1, 0, 1, 0, 0, 0, 0, 1 }, OneHot.Encode(new[] { 1, 0, 2 }, 3));
        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => OneHot.Encode(new[] { 0, 3 }, 3));
        Assert.Contains("Label 1 is 3", exception.Message);
    }

    [Fact]
    public void Accuracy_counts_rows_whose_arg_max_matches()
    {
        float[] predictions = { 0.1f, 0.7f, 0.2f, 0.5f, 0.4f, 0.1f, 0.3f, 0.3f, 0.4f, 0.6f, 0.2f, 0.2f };
        Assert.Equal(0.75, Metrics.Accuracy(predictions, new[] { 1, 0, 2, 1 }, 3));
        Assert.Equal(0.75, Metrics.Accuracy(predictions, OneHot.Encode(new[] { 1, 0, 2, 1 }, 3), 3));
        Assert.Equal("labels", Assert.Throws<ArgumentException>(() => Metrics.Accuracy(predictions, new[] { 1, 0 }, 3)).ParamName);
    }

    [Fact]
    public void Standardizer_uses_training_statistics_for_any_data()
    {
        float[] train = { 1, 10, 3, 10, 5, 10 };   // feature 0: mean 3, std sqrt(8/3); feature 1 is constant
        Standardizer standardizer = Standardizer.Fit(train, 2);
        Assert.Equal(new[] { 3f, 10f }, standardizer.Means.ToArray());
        Assert.Equal(MathF.Sqrt(8f / 3), standardizer.StandardDeviations[0], 6);
        Assert.Equal(1f, standardizer.StandardDeviations[1]);

        float[] transformed = standardizer.Transform(new float[] { 3, 12, 3 + MathF.Sqrt(8f / 3), 10 });
        Assert.Equal(new[] { 0f, 2f, 1f, 0f }, transformed.Select(v => MathF.Round(v, 5)).ToArray());
    }

    [Fact]
    public void Train_test_split_is_a_seeded_partition_of_the_examples()
    {
        float[] inputs = Enumerable.Range(0, 40).Select(i => (float)i).ToArray();     // 20 rows of 2
        float[] targets = Enumerable.Range(0, 20).Select(i => (float)(i * 10)).ToArray();
        TrainTestSplit split = TrainTestSplit.Create(inputs, 2, targets, 1, testFraction: 0.25, seed: 3);
        TrainTestSplit again = TrainTestSplit.Create(inputs, 2, targets, 1, testFraction: 0.25, seed: 3);
        TrainTestSplit other = TrainTestSplit.Create(inputs, 2, targets, 1, testFraction: 0.25, seed: 4);

        Assert.Equal(5, split.TestTargets.Length);
        Assert.Equal(split.TestInputs, again.TestInputs);
        Assert.NotEqual(split.TestInputs, other.TestInputs);
        Assert.Equal(targets.OrderBy(v => v), split.TrainTargets.Concat(split.TestTargets).OrderBy(v => v));
        for (int row = 0; row < split.TrainTargets.Length; row++)
        {
            // Rows stay whole: input (2r, 2r + 1) goes with target 10r.
            Assert.Equal(split.TrainTargets[row], split.TrainInputs[2 * row] * 5);
            Assert.Equal(split.TrainInputs[2 * row] + 1, split.TrainInputs[(2 * row) + 1]);
        }
    }
}
