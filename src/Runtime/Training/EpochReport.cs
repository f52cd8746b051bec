using System;

namespace Backprop;

/// <summary>What happened in one epoch of training.</summary>
/// <param name="Epoch">The 1-based epoch number.</param>
/// <param name="TrainingLoss">The mean loss of the epoch's batches, each measured before its update and weighted by its size.</param>
/// <param name="ValidationLoss">The loss on the validation data after the epoch, or <see langword="null"/> without validation data.</param>
/// <param name="LearningRate">The learning rate used in the epoch.</param>
/// <param name="Elapsed">Time since training started, at the end of the epoch.</param>
/// <param name="ExamplesPerSecond">Training examples processed per second in this epoch.</param>
public sealed record EpochReport(int Epoch, float TrainingLoss, float? ValidationLoss, float LearningRate, TimeSpan Elapsed, double ExamplesPerSecond);
