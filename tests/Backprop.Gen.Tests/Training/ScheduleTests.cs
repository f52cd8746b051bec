using System;
using Xunit;

namespace Backprop.Tests.Training;

public sealed class ScheduleTests
{
    [Theory]
    [InlineData(0, 0.1f)]
    [InlineData(2, 0.1f)]
    [InlineData(3, 0.05f)]
    [InlineData(7, 0.025f)]
    public void Step_schedule_decays_every_step_size_epochs(int epoch, float expected) =>
        Assert.Equal(expected, LearningRateSchedule.Step(stepSize: 3, gamma: 0.5f).GetLearningRate(epoch, 0.1f), 6);

    [Theory]
    [InlineData(0, 1f)]
    [InlineData(1, 0.9f)]
    [InlineData(4, 0.6561f)]
    public void Exponential_schedule_decays_every_epoch(int epoch, float expected) =>
        Assert.Equal(expected, LearningRateSchedule.Exponential(0.9f).GetLearningRate(epoch, 1f), 5);

    [Theory]
    [InlineData(0, 1f)]
    [InlineData(5, 0.55f)]    // halfway: min + (1 - min) / 2
    [InlineData(10, 0.1f)]
    [InlineData(20, 0.1f)]    // stays at the minimum after the period
    public void Cosine_schedule_anneals_to_the_minimum(int epoch, float expected) =>
        Assert.Equal(expected, LearningRateSchedule.Cosine(epochs: 10, minimumLearningRate: 0.1f).GetLearningRate(epoch, 1f), 5);

    [Fact]
    public void A_user_schedule_is_called_with_the_epoch_and_base_rate() =>
        Assert.Equal(0.25f, LearningRateSchedule.FromFunction((epoch, rate) => rate / (1 << epoch)).GetLearningRate(2, 1f));

    [Fact]
    public void Invalid_schedules_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedule.Step(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedule.Exponential(0f));
        Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedule.Cosine(0));
    }
}
