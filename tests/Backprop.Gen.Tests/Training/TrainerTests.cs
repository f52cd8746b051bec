using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Backprop.Testing;
using Xunit;

namespace Backprop.Tests.Training;

public sealed class TrainerTests
{
    [Fact]
    public void Training_reduces_the_loss_and_reports_every_epoch()
    {
        (float[] x, float[] y) = Regression(200, seed: 1);
        var net = NewNet(seed: 1);
        var reports = new List<EpochReport>();
        var options = new TrainingOptions { Epochs = 15, BatchSize = 16, Seed = 2, Progress = new Collect(reports), LearningRateSchedule = LearningRateSchedule.Step(5, 0.5f) };
        using var trainer = new Trainer<TinyNet>(net, new Adam(0.01f), options);
        TrainingResult result = trainer.Fit(x, y);

        Assert.Equal(StopReason.Completed, result.StopReason);
        Assert.Equal(15, result.EpochsRun);
        Assert.Equal(Enumerable.Range(1, 15), reports.Select(r => r.Epoch));
        Assert.Equal(result.History, reports);
        Assert.True(reports[^1].TrainingLoss < reports[0].TrainingLoss / 2, $"{reports[0].TrainingLoss} -> {reports[^1].TrainingLoss}");
        Assert.Equal(new[] { 0.01f, 0.005f, 0.0025f }, reports.Where((_, i) => i % 5 == 0).Select(r => r.LearningRate).ToArray());
        Assert.All(reports, r => Assert.True(r.ExamplesPerSecond > 0 && r.ValidationLoss is null));
    }

    [Fact]
    public void Same_seeds_options_and_data_give_bit_identical_parameters()
    {
        float[] first = TrainOnce(threads: 1);
        Assert.Equal(first, TrainOnce(threads: 1));
    }

    [Fact]
    public void Results_are_bit_identical_for_a_given_thread_count_and_close_across_counts()
    {
        float[] two = TrainOnce(threads: 2);
        Assert.Equal(two, TrainOnce(threads: 2));
        Assert.Equal(TrainOnce(threads: 1), two);
    }

    [Fact]
    public void Splitting_the_products_over_threads_gives_the_bits_of_one_thread()
    {
        // WideNet's layers are wide enough that the trainer splits each product over the threads; every element is
        // still computed by one thread in the same order.
        (float[] x, float[] y) = Classification(64, seed: 5);
        float[] single = StepOnce(x, y, threads: 1);
        foreach (int threads in new[] { 2, 3, 7 })
        {
            Assert.Equal(single, StepOnce(x, y, threads));
        }
    }

    [Theory]
    [InlineData("sgd")]
    [InlineData("momentum")]
    [InlineData("adamw")]
    public void Split_steps_with_each_thread_updating_its_own_rows_follow_one_thread_bit_for_bit(string rule)
    {
        // After a split gradient each thread clears, checks and updates the rows it owns (ParameterOwnership), the
        // optimizer's state and the decay mask indexed from the range's start. Several steps, so that a gradient not
        // cleared, a state read at the wrong offset or a row updated twice would show; biases exempt from decay.
        (float[] x, float[] y) = Classification(64, seed: 13);
        float[] single = TrainSteps(rule, threads: 1, x, y);
        foreach (int threads in new[] { 2, 3 })
        {
            Assert.Equal(single, TrainSteps(rule, threads, x, y));
        }
    }

    [Fact]
    public void Left_open_the_thread_count_of_a_product_split_changes_the_speed_only()
    {
        // With MaxDegreeOfParallelism null, WideNet's trainer times one thread against the split after half a second of
        // steps and keeps the faster. Train until it has decided (on a machine with several cores) and a few steps
        // more: the parameters must be those of one pinned thread after as many steps, bit for bit.
        (float[] x, float[] y) = Classification(48, seed: 12);
        var open = new WideNet();
        open.Initialize(12);
        int steps = 0;
        using (var trainer = new Trainer<WideNet>(open, new Momentum(0.05f), new TrainingOptions { MaxDegreeOfParallelism = null }))
        {
            bool several = trainer.ThreadsFor(48) > 1;
            for (int after = 0; after < 5 && steps < 20_000; steps++)
            {
                trainer.TrainBatch(x, y);
                after += trainer.ProductSplitDecision is null ? 0 : 1;
            }

            Assert.Equal(several, trainer.ProductSplitDecision is not null);
        }

        var pinned = new WideNet();
        pinned.Initialize(12);
        using (var trainer = new Trainer<WideNet>(pinned, new Momentum(0.05f), new TrainingOptions { MaxDegreeOfParallelism = 1 }))
        {
            for (int step = 0; step < steps; step++)
            {
                trainer.TrainBatch(x, y);
            }
        }

        Assert.Equal(pinned.Parameters.ToArray(), open.Parameters.ToArray());
    }

    [Fact]
    public void A_gradient_split_by_rows_over_threads_matches_the_single_threaded_one()
    {
        // TinyNet is too narrow to split its products: its batch's rows are split instead, and the blocks' gradients
        // summed, which rounds differently by the last bits.
        (float[] x, float[] y) = Regression(64, seed: 5);
        float[] single = TinyStepOnce(x, y, threads: 1);
        foreach (int threads in new[] { 2, 3, 7 })
        {
            float[] parallel = TinyStepOnce(x, y, threads);
            Assert.NotEqual(single, parallel);
            double worst = Tolerance.MaxAbsoluteDifference<float, float>(single, parallel);
            Assert.True(worst < 1e-6, $"{threads} threads: {worst}");
        }
    }

    [Fact]
    public void Early_stopping_stops_after_patience_and_restores_the_best_weights()
    {
        // Validation targets are the negated training targets: fitting the training data makes validation worse.
        (float[] x, float[] y) = Regression(128, seed: 3);
        float[] validationTargets = y.Select(v => 1 - v).ToArray();
        var net = NewNet(seed: 4);
        using var trainer = new Trainer<TinyNet>(net, new Adam(0.02f), new TrainingOptions { Epochs = 100, BatchSize = 32, EarlyStoppingPatience = 3 });
        TrainingResult result = trainer.Fit(x, y, x, validationTargets);

        Assert.Equal(StopReason.EarlyStopped, result.StopReason);
        Assert.Equal(result.BestEpoch + 3, result.EpochsRun);
        float best = result.History[result.BestEpoch - 1].ValidationLoss!.Value;
        Assert.Equal(result.History.Min(r => r.ValidationLoss!.Value), best);
        Assert.Equal(best, net.Loss(x, validationTargets));
    }

    [Fact]
    public void A_validation_split_holds_out_the_last_examples()
    {
        (float[] x, float[] y) = Regression(100, seed: 6);
        var net = NewNet(seed: 6);
        using var trainer = new Trainer<TinyNet>(net, new Sgd(0.1f), new TrainingOptions { Epochs = 2, ValidationSplit = 0.2, Shuffle = false });
        TrainingResult result = trainer.Fit(x, y);
        Assert.Equal(net.Loss(x.AsSpan(80 * TinyNet.InputSize), y.AsSpan(80)), result.History[^1].ValidationLoss);
    }

    [Fact]
    public void Gradient_clipping_bounds_the_step_by_the_global_norm()
    {
        (float[] x, float[] y) = Regression(32, seed: 7);
        var net = NewNet(seed: 7);
        float[] before = net.Parameters.ToArray();
        var gradient = new float[TinyNet.ParameterCount];
        net.Gradient(x, y, gradient);
        double norm = Math.Sqrt(gradient.Sum(g => (double)g * g));
        float clip = (float)(norm / 4);

        using var trainer = new Trainer<TinyNet>(net, new Sgd(1f), new TrainingOptions { GradientClipNorm = clip });
        trainer.TrainBatch(x, y);
        float[] step = net.Parameters.ToArray().Zip(before, (a, b) => b - a).ToArray();
        for (int i = 0; i < step.Length; i++)
        {
            // Clipped gradient = g * clip / (norm + 1e-6): same direction, global norm just below clip.
            Assert.Equal(gradient[i] * clip / (norm + 1e-6), step[i], 5);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Weight_decay_reaches_the_biases_only_when_asked(bool decayBiases)
    {
        (float[] x, float[] y) = Regression(32, seed: 13);
        var net = NewNet(seed: 13);
        net.Parameters[TinyNet.ParameterCount - 1] = 0.5f;   // the output bias, so that decay would move it
        float[] before = net.Parameters.ToArray();
        var gradient = new float[TinyNet.ParameterCount];
        net.Gradient(x, y, gradient);
        using var trainer = new Trainer<TinyNet>(net, new Sgd(0.1f, weightDecay: 0.5f), new TrainingOptions { DecayBiases = decayBiases });
        trainer.TrainBatch(x, y);

        // Layout 8-4-1: W1 [0, 32), b1 [32, 36), W2 [36, 40), b2 [40].
        foreach (int i in new[] { 0, 31, 36, 39 })
        {
            Assert.Equal(before[i] - (0.1f * (gradient[i] + (0.5f * before[i]))), net.Parameters[i], 6);
        }

        foreach (int i in new[] { 32, 35, 40 })
        {
            float decay = decayBiases ? 0.5f * before[i] : 0;
            Assert.Equal(before[i] - (0.1f * (gradient[i] + decay)), net.Parameters[i], 6);
        }
    }

    [Fact]
    public void Divergence_stops_training_with_the_epoch_and_batch_and_keeps_the_last_finite_parameters()
    {
        (float[] x, float[] y) = Regression(64, seed: 8);
        var net = NewNet(seed: 8);
        float[] start = net.Parameters.ToArray();
        using var trainer = new Trainer<TinyNet>(net, new Sgd(1e30f), new TrainingOptions { Epochs = 3, BatchSize = 16, Shuffle = false });
        var exception = Assert.Throws<TrainingDivergedException>(() => trainer.Fit(x, y));

        Assert.Equal(1, exception.Epoch);
        Assert.InRange(exception.Batch, 1, 4);
        Assert.Contains($"epoch 1, batch {exception.Batch}", exception.Message);
        Assert.All(net.Parameters.ToArray(), p => Assert.True(float.IsFinite(p)));
        if (exception.Batch == 1)
        {
            Assert.Equal(start, net.Parameters.ToArray());
        }
    }

    [Fact]
    public void A_step_is_the_gradient_then_one_whole_optimizer_step_whatever_the_rule()
    {
        // The trainer's step keeps the rollback copy and the finiteness check inside the optimizer's pass for the
        // built-in rules (AdamW here, with the biases exempt from decay) and around Step for one derived outside the
        // library; either way the bits must be those of the gradient then the optimizer's own Step.
        (float[] x, float[] y) = Classification(48, seed: 6);
        foreach (Func<Optimizer> create in new Func<Optimizer>[] { () => new AdamW(0.01f, weightDecay: 0.5f), () => new HalvingStepSgd(0.5f) })
        {
            var trained = new WideNet();
            trained.Initialize(4);
            var reference = new WideNet();
            reference.Initialize(4);
            Optimizer optimizer = create();
            optimizer.Reset(WideNet.ParameterCount);
            NetworkArchitecture architecture = reference.Architecture;
            for (int layer = 0; layer < architecture.WeightLayerCount; layer++)
            {
                optimizer.ExcludeFromWeightDecay(architecture.BiasOffset(layer), architecture.LayerSizes[layer + 1]);
            }

            var gradient = new float[WideNet.ParameterCount];
            using var trainer = new Trainer<WideNet>(trained, create(), new TrainingOptions { DecayBiases = false, MaxDegreeOfParallelism = 1 });
            for (int step = 0; step < 3; step++)
            {
                trainer.TrainBatch(x, y);
                reference.Gradient(x, y, gradient);
                optimizer.Step(reference.Parameters, gradient, optimizer.LearningRate);
                Assert.Equal(reference.Parameters.ToArray(), trained.Parameters.ToArray());
            }
        }
    }

    [Fact]
    public void A_parameter_overflowing_at_the_end_of_the_update_restores_every_parameter()
    {
        // AdamW's decay factor 1 - lr * weightDecay is -1e30: the parameters near 0.1 stay finite, the one set to 1e10
        // (a bias of the last layer, updated last) overflows after every other parameter was updated.
        (float[] x, float[] y) = Classification(32, seed: 10);
        var net = new WideNet();
        net.Initialize(5);
        net.Parameters[WideNet.ParameterCount - 3] = 1e10f;
        float[] start = net.Parameters.ToArray();
        using var trainer = new Trainer<WideNet>(net, new AdamW(1e30f, weightDecay: 1f), new TrainingOptions { MaxDegreeOfParallelism = 1 });

        var exception = Assert.Throws<TrainingDivergedException>(() => trainer.TrainBatch(x, y));

        Assert.Contains("a parameter after the update", exception.Message);
        Assert.Equal(start, net.Parameters.ToArray());
    }

    [Theory]
    [InlineData("sgd")]
    [InlineData("momentum")]
    public void A_gradient_overflowing_under_a_finite_loss_is_reported_as_the_gradient_and_changes_nothing(string rule)
    {
        // z = x0 w0 + x1 w1 + b with x0 = x1 = 3e38 and w1 = -w0 cancels to a finite output, so the loss is finite, but
        // dW = x^T dZ overflows. SGD, which keeps no state, finds it after its update (and undoes the update);
        // momentum before it, so that its velocity never sees the gradient.
        var net = new Outer.Middle.NestedNet();
        net.Initialize(1);
        net.Parameters[2] = 0.5f; // W is inputs x outputs, row-major: the row of input 1 is minus the row of input 0
        net.Parameters[3] = -0.5f;
        net.Parameters[0] = -0.5f;
        net.Parameters[1] = 0.5f;
        float[] start = net.Parameters.ToArray();
        Optimizer optimizer = rule == "sgd" ? new Sgd(0.1f) : new Momentum(0.1f);
        using var trainer = new Trainer<Outer.Middle.NestedNet>(net, optimizer, new TrainingOptions { MaxDegreeOfParallelism = 1 });

        var exception = Assert.Throws<TrainingDivergedException>(() => trainer.TrainBatch(new[] { 3e38f, 3e38f, 0 }, new[] { -10f, 10f }));

        Assert.Contains("the gradient is not finite", exception.Message);
        Assert.Equal(start, net.Parameters.ToArray());
        Assert.True(float.IsFinite(net.Loss(new[] { 3e38f, 3e38f, 0 }, new[] { -10f, 10f })));
    }

    [Fact]
    public void A_non_finite_input_is_reported_as_a_non_finite_loss_and_changes_nothing()
    {
        (float[] x, float[] y) = Regression(16, seed: 9);
        x[5] = float.NaN;
        var net = NewNet(seed: 9);
        float[] start = net.Parameters.ToArray();
        using var trainer = new Trainer<TinyNet>(net, new Adam());
        var exception = Assert.Throws<TrainingDivergedException>(() => trainer.TrainBatch(x, y));
        Assert.Contains("the loss is not finite", exception.Message);
        Assert.Equal(start, net.Parameters.ToArray());
    }

    [Fact]
    public void Cancellation_stops_between_batches_and_keeps_the_history()
    {
        (float[] x, float[] y) = Regression(64, seed: 10);
        using var cancellation = new CancellationTokenSource();
        var options = new TrainingOptions { Epochs = 10, Progress = new Collect(new List<EpochReport>(), report => { if (report.Epoch == 2) { cancellation.Cancel(); } }) };
        using var trainer = new Trainer<TinyNet>(NewNet(seed: 10), new Sgd(0.1f), options);
        TrainingResult result = trainer.Fit(x, y, cancellation.Token);
        Assert.Equal(StopReason.Cancelled, result.StopReason);
        Assert.Equal(2, result.EpochsRun);
    }

    [Fact]
    public void Invalid_options_and_data_are_rejected_up_front()
    {
        var net = NewNet(seed: 1);
        Assert.Equal("BatchSize", Assert.Throws<ArgumentOutOfRangeException>(() => new Trainer<TinyNet>(net, new Sgd(0.1f), new TrainingOptions { BatchSize = 0 })).ParamName);
        Assert.Equal("ValidationSplit", Assert.Throws<ArgumentOutOfRangeException>(() => new Trainer<TinyNet>(net, new Sgd(0.1f), new TrainingOptions { ValidationSplit = 1 })).ParamName);
        using var trainer = new Trainer<TinyNet>(net, new Sgd(0.1f), new TrainingOptions { EarlyStoppingPatience = 2 });
        Assert.Contains("needs validation data", Assert.Throws<ArgumentException>(() => trainer.Fit(new float[16], new float[2])).Message);
        Assert.Equal("targets", Assert.Throws<ArgumentException>(() => trainer.Fit(new float[16], new float[3])).ParamName);
    }

    [Fact]
    public void Small_work_stays_on_one_thread_and_large_work_uses_the_cores()
    {
        using var tiny = new Trainer<TinyNet>(NewNet(seed: 1), new Sgd(0.1f));
        Assert.Equal(1, tiny.ThreadsFor(32));
        using var wide = new Trainer<WideNet>(new WideNet(), new Sgd(0.1f));
        Assert.Equal(Math.Min(Environment.ProcessorCount, 256), wide.ThreadsFor(256));
        using var pinned = new Trainer<WideNet>(new WideNet(), new Sgd(0.1f), new TrainingOptions { MaxDegreeOfParallelism = 3 });
        Assert.Equal(3, pinned.ThreadsFor(256));
        Assert.Equal(2, pinned.ThreadsFor(2));
    }

    [Fact]
    public void Steady_state_training_steps_allocate_nothing()
    {
        (float[] x, float[] y) = Classification(64, seed: 11);
        foreach (int threads in new[] { 1, 2 })
        {
            var net = new WideNet();
            net.Initialize(seed: 1);
            using var trainer = new Trainer<WideNet>(net, new Adam(1e-4f), new TrainingOptions { MaxDegreeOfParallelism = threads });
            trainer.TrainBatch(x, y);

            // As in AllocationTests: the runtime may allocate once while it recompiles hot methods; some round of
            // 20 steps must allocate nothing.
            var rounds = new List<long>();
            for (int round = 0; round < 5 && (rounds.Count == 0 || rounds[^1] != 0); round++)
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                for (int i = 0; i < 20; i++)
                {
                    trainer.TrainBatch(x, y);
                }

                rounds.Add(GC.GetAllocatedBytesForCurrentThread() - before);
            }

            Assert.True(rounds[^1] == 0, $"{threads} threads: bytes per round of 20 steps: {string.Join(", ", rounds)}");
        }
    }

    private static float[] TrainOnce(int threads)
    {
        (float[] x, float[] y) = Classification(96, seed: 12);
        var net = new WideNet();
        net.Initialize(seed: 5);
        using var trainer = new Trainer<WideNet>(net, new Adam(1e-3f), new TrainingOptions { Epochs = 2, BatchSize = 48, Seed = 9, MaxDegreeOfParallelism = threads });
        trainer.Fit(x, y);
        return net.Parameters.ToArray();
    }

    private static float[] TrainSteps(string rule, int threads, float[] x, float[] y)
    {
        var net = new WideNet();
        net.Initialize(seed: 3);
        Optimizer optimizer = rule switch
        {
            "sgd" => new Sgd(0.2f),
            "momentum" => new Momentum(0.1f, momentum: 0.9f, weightDecay: 0.01f),
            _ => new AdamW(0.01f, weightDecay: 0.1f),
        };
        using var trainer = new Trainer<WideNet>(net, optimizer, new TrainingOptions { DecayBiases = false, MaxDegreeOfParallelism = threads });
        for (int step = 0; step < 4; step++)
        {
            trainer.TrainBatch(x.AsSpan(step % 2 * 32 * WideNet.InputSize, 32 * WideNet.InputSize), y.AsSpan(step % 2 * 32 * WideNet.OutputSize, 32 * WideNet.OutputSize));
        }

        return net.Parameters.ToArray();
    }

    private static float[] StepOnce(float[] x, float[] y, int threads)
    {
        var net = new WideNet();
        net.Initialize(seed: 2);
        using var trainer = new Trainer<WideNet>(net, new Sgd(0.5f), new TrainingOptions { MaxDegreeOfParallelism = threads });
        trainer.TrainBatch(x, y);
        return net.Parameters.ToArray();
    }

    private static float[] TinyStepOnce(float[] x, float[] y, int threads)
    {
        var net = NewNet(seed: 2);
        using var trainer = new Trainer<TinyNet>(net, new Sgd(0.5f), new TrainingOptions { MaxDegreeOfParallelism = threads });
        trainer.TrainBatch(x, y);
        return net.Parameters.ToArray();
    }

    private static TinyNet NewNet(int seed)
    {
        var net = new TinyNet();
        net.Initialize(seed);
        return net;
    }

    // A separable target in (0, 1): high when the first two inputs sum to more than zero.
    private static (float[] X, float[] Y) Regression(int rows, int seed)
    {
        var random = new Random(seed);
        float[] x = Enumerable.Range(0, rows * TinyNet.InputSize).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();
        float[] y = Enumerable.Range(0, rows).Select(r => x[r * 8] + x[(r * 8) + 1] > 0 ? 0.9f : 0.1f).ToArray();
        return (x, y);
    }

    private static (float[] X, float[] Y) Classification(int rows, int seed)
    {
        var random = new Random(seed);
        float[] x = Enumerable.Range(0, rows * WideNet.InputSize).Select(_ => (float)random.NextDouble()).ToArray();
        float[] y = OneHot.Encode(Enumerable.Range(0, rows).Select(_ => random.Next(WideNet.OutputSize)).ToArray(), WideNet.OutputSize);
        return (x, y);
    }

    // Plain SGD at half the rate, written as a user would: only the public Update to override.
    private sealed class HalvingStepSgd(float learningRate) : Optimizer(learningRate)
    {
        protected override void ResetState(int parameterCount)
        {
        }

        protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradient, float learningRate, int step)
        {
            for (int i = 0; i < parameters.Length; i++)
            {
                parameters[i] -= 0.5f * learningRate * gradient[i];
            }
        }
    }

    private sealed class Collect(List<EpochReport> reports, Action<EpochReport>? then = null) : IProgress<EpochReport>
    {
        public void Report(EpochReport value)
        {
            reports.Add(value);
            then?.Invoke(value);
        }
    }
}
