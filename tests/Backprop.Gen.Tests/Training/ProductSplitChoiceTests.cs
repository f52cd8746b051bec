using System;
using System.Linq;
using Xunit;

namespace Backprop.Tests.Training;

/// <summary>The timing choice between one thread and a product split, fed with made-up step times.</summary>
public sealed class ProductSplitChoiceTests
{
    [Theory]
    [InlineData(1.0, 0.7, true)]   // the split is faster: keep it
    [InlineData(1.0, 1.3, false)]  // the split is slower: one thread
    public void Keeps_the_faster_of_one_thread_and_the_split(double single, double split, bool splits)
    {
        var choice = new ProductSplitChoice();
        int[] threads = Run(choice, step => step % 5 == 0 ? 50.0 : 1.0, single, split);

        // All threads while warming up, then blocks of one thread and of four in turn, then only the choice.
        const int timedSteps = 2 * ProductSplitChoice.BlocksPerKind * ProductSplitChoice.BlockSteps;
        Assert.All(threads.Take(ProductSplitChoice.WarmupSteps), t => Assert.Equal(4, t));
        int[] timed = threads.Skip(ProductSplitChoice.WarmupSteps).Take(timedSteps).ToArray();
        Assert.Equal(Enumerable.Range(0, timedSteps).Select(i => i / ProductSplitChoice.BlockSteps % 2 == 0 ? 1 : 4), timed);
        Assert.True(choice.Decided);
        Assert.Equal(splits, choice.Splits);
        Assert.All(threads.Skip(ProductSplitChoice.WarmupSteps + timedSteps), t => Assert.Equal(splits ? 4 : 1, t));
    }

    [Fact]
    public void Times_again_after_five_seconds_and_can_change_its_mind()
    {
        // Decided for the split (faster), then five seconds of split steps at 0.5 s each, then the timing runs again,
        // with one thread now faster: the choice changes to one thread.
        var choice = new ProductSplitChoice();
        Run(choice, _ => 1.0, single: 1.0, split: 0.7);
        Assert.True(choice is { Decided: true, Splits: true });
        for (int step = 0; choice.Decided; step++)
        {
            Assert.True(step < 10, "still decided after 5 s of steps");
            Assert.Equal(4, choice.ThreadsForNextStep(4));
            choice.Record(4, 0.5, 64);
        }

        for (int step = 0; !choice.Decided; step++)
        {
            Assert.True(step < 2 * ProductSplitChoice.BlocksPerKind * ProductSplitChoice.BlockSteps);
            int threads = choice.ThreadsForNextStep(4);
            Assert.Equal(step / ProductSplitChoice.BlockSteps % 2 == 0 ? 1 : 4, threads);
            choice.Record(threads, (threads == 1 ? 0.6 : 0.9) * 1e-3 * 64, 64);
        }

        Assert.False(choice.Splits);
    }

    [Fact]
    public void Times_nothing_before_half_a_second_of_gradients()
    {
        // Steps of 10 ms: the first 50 (0.5 s) stay on all threads whatever their count past WarmupSteps.
        var choice = new ProductSplitChoice();
        for (int step = 0; step < 50; step++)
        {
            Assert.Equal(2, choice.ThreadsForNextStep(2));
            choice.Record(2, 0.01, 64);
        }

        Assert.Equal(1, choice.ThreadsForNextStep(2));
        Assert.False(choice.Decided);
    }

    [Fact]
    public void Compares_time_per_row_and_medians_not_single_slow_steps()
    {
        // Single-thread steps of 32 rows at 0.9 per row except two stalls of 100x; split steps of 64 rows at 1.0 per row:
        // per row and by median, one thread wins.
        var choice = new ProductSplitChoice();
        int singles = 0;
        for (int step = 0; !choice.Decided; step++)
        {
            int threads = choice.ThreadsForNextStep(2);
            bool single = threads == 1;
            double perRow = single ? (++singles is 3 or 7 ? 90 : 0.9) : 1.0;
            int rows = single ? 32 : 64;
            choice.Record(threads, perRow * rows, rows);
        }

        Assert.False(choice.Splits);
    }

    // Runs 60 steps on up to four threads, each taking `single` or `split` times the warm-up factor of its step.
    private static int[] Run(ProductSplitChoice choice, Func<int, double> warmup, double single, double split)
    {
        var threads = new int[60];
        for (int step = 0; step < threads.Length; step++)
        {
            threads[step] = choice.ThreadsForNextStep(4);
            double seconds = step < ProductSplitChoice.WarmupSteps ? warmup(step) : threads[step] == 1 ? single : split;
            choice.Record(threads[step], seconds * 1e-3 * 64, 64); // ms per row
        }

        return threads;
    }
}
