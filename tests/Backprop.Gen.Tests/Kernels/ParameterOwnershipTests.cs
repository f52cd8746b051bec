using System;
using System.Linq;
using Backprop.Kernels;
using Backprop.Threading;
using Xunit;

namespace Backprop.Tests.Kernels;

public sealed class ParameterOwnershipTests
{
    // 784-128-64-10: only W1 (100,352 weights) is wide enough to split; its weight gradient splits G's 784 rows in
    // 130 whole 6-row blocks (the last part also takes rows 780-783).
    private static readonly NetworkArchitecture Mnist = new(
        new[] { 784, 128, 64, 10 }, new[] { Activation.ReLU, Activation.ReLU, Activation.Identity }, LossFunction.MeanSquaredError, hasBias: true, typeof(float));

    [Theory]
    [InlineData(2, new[] { 390 })] // blocks 0-64 and 65-129
    [InlineData(3, new[] { 258, 516 })] // blocks 0-42, 43-85, 86-129
    public void Each_thread_owns_the_rows_of_W1_its_part_of_the_weight_gradient_writes_and_the_caller_the_rest(int threads, int[] firstRows)
    {
        using var team = new WorkerTeam(threads, "test");
        var ownership = new ParameterOwnership(team, Mnist);
        int[] rowStarts = new[] { 0 }.Concat(firstRows).Append(784).ToArray();
        for (int part = 0; part < threads; part++)
        {
            Assert.Equal(part, ownership.OwnerOf(rowStarts[part] * 128));
            Assert.Equal(part, ownership.OwnerOf((rowStarts[part + 1] * 128) - 1));
        }

        Assert.Equal(0, ownership.OwnerOf(784 * 128)); // b1
        Assert.Equal(0, ownership.OwnerOf(Mnist.ParameterCount - 1)); // b3
    }

    [Fact]
    public void The_team_sums_every_parameter_once()
    {
        using var team = new WorkerTeam(3, "test");
        var ownership = new ParameterOwnership(team, Mnist);
        var random = new Random(1);
        float[] gradient = Enumerable.Range(0, Mnist.ParameterCount).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();

        double expected = gradient.Sum(g => (double)g * g);
        float squares = ownership.SumOfSquares(gradient);
        Assert.True(Math.Abs(squares - expected) <= 1e-5 * expected, $"{squares} vs {expected}");
    }

    [Fact]
    public void The_team_updates_every_parameter_once_with_the_bits_of_a_whole_step()
    {
        using var team = new WorkerTeam(2, "test");
        var ownership = new ParameterOwnership(team, Mnist);
        var random = new Random(2);
        int count = Mnist.ParameterCount;
        float[] parameters = Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        float[] gradient = Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        float[] reference = (float[])parameters.Clone();
        float[] previous = new float[count];
        var split = new Momentum(0.1f, momentum: 0.9f);
        var whole = new Momentum(0.1f, momentum: 0.9f);
        split.Reset(count);
        whole.Reset(count);

        for (int step = 1; step <= 2; step++)
        {
            float[] before = (float[])parameters.Clone();
            whole.Step(reference, gradient, 0.1f);
            Assert.True(split.TryStartStepInRanges(count, count, out int number));
            float squares = ownership.Update(split, parameters, gradient, 0.1f, number, previous);

            Assert.Equal(reference, parameters);
            Assert.Equal(before, previous);
            double expected = parameters.Sum(p => (double)p * p);
            Assert.True(Math.Abs(squares - expected) <= 1e-5 * expected, $"{squares} vs {expected}");
        }
    }
}
