using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Numerics.Tensors;
using System.Threading;
using Backprop.Kernels;
using Backprop.Threading;

namespace Backprop;

/// <summary>
/// Trains a generated <see cref="float"/> network: minibatches, shuffling, an <see cref="Optimizer"/>, learning-rate
/// schedules, gradient clipping, validation and early stopping, progress reports, cancellation, divergence checks and
/// data-parallel gradients over the cores.
/// </summary>
/// <typeparam name="TNetwork">The generated network type.</typeparam>
/// <example>
/// <code>
/// var net = new DigitsNet();
/// net.Initialize(seed: 1);
/// using var trainer = new Trainer&lt;DigitsNet&gt;(net, new Adam(learningRate: 1e-3f),
///     new TrainingOptions { Epochs = 50, BatchSize = 32, Shuffle = true, Seed = 7 });
/// TrainingResult result = trainer.Fit(trainInputs, trainTargets);
/// </code>
/// </example>
/// <remarks>
/// Same network seed, options and data give bit-identical parameters for a given thread count. A trainer is not
/// thread-safe, and nothing else may use the network while it trains. Dispose it to stop its worker threads (they are
/// background threads, so an undisposed trainer does not keep a process alive).
/// </remarks>
public sealed class Trainer<TNetwork> : IDisposable
    where TNetwork : class, INetwork<TNetwork, float>
{
    // A thread is worth its wake-up and reduction cost only with enough work. Measured on 2 cores
    // (TrainingThreadsBenchmark): an 8-4-1 step of 16 rows (2.4k FLOPs) is slower on two threads, one of 64 rows
    // (9.7k FLOPs) already faster; larger networks gain from 16 rows on. So: one thread per 5k FLOPs of the step.
    private const long MinFlopsPerThread = 5_000;

    private readonly float[] _gradient = new float[TNetwork.ParameterCount];
    private readonly float[] _lastFinite = new float[TNetwork.ParameterCount];
    private readonly long _trainingFlopsPerExample = ParameterLayout.TrainingFlops(TNetwork.LayerSizes);
    // Networks with a wide layer (ProductTeam.SplitsLayer) split each product over the threads instead of the batch's rows.
    private static readonly bool s_splitsProducts = SplitsProducts(TNetwork.LayerSizes);

    private ParallelGradient<TNetwork>? _parallel;
    private WorkerTeam? _productTeam;
    private ParameterOwnership? _ownership;
    private ProductSplitChoice? _splitChoice;
    private int _epoch;
    private int _batch;

    /// <summary>Creates a trainer. The optimizer's state is sized for the network and cleared.</summary>
    /// <param name="network">The network to train in place (initialize it first).</param>
    /// <param name="optimizer">The update rule; it belongs to this trainer from now on.</param>
    /// <param name="options">How to train; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public Trainer(TNetwork network, Optimizer optimizer, TrainingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(optimizer);
        Options = options ?? new TrainingOptions();
        Options.Validate();
        Network = network;
        Optimizer = optimizer;
        Optimizer.Reset(TNetwork.ParameterCount);
        if (!Options.DecayBiases && TNetwork.HasBias)
        {
            ExcludeBiasesFromDecay(optimizer);
        }

        LearningRate = optimizer.LearningRate;
    }

    /// <summary>The network being trained.</summary>
    public TNetwork Network { get; }

    /// <summary>The update rule.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>The options.</summary>
    public TrainingOptions Options { get; }

    /// <summary>The learning rate of the next step: the optimizer's rate, or what the schedule made of it this epoch.</summary>
    public float LearningRate { get; private set; }

    /// <summary>
    /// Trains for <see cref="TrainingOptions.Epochs"/> epochs (or until early stopping or cancellation), holding out
    /// <see cref="TrainingOptions.ValidationSplit"/> of the examples for validation if set.
    /// </summary>
    /// <param name="inputs"><c>m * InputSize</c> values, one example per row.</param>
    /// <param name="targets"><c>m * OutputSize</c> values, one example per row.</param>
    /// <param name="cancellationToken">Stops training between batches; the result then says <see cref="StopReason.Cancelled"/>.</param>
    /// <returns>The per-epoch history and why training stopped.</returns>
    /// <exception cref="ArgumentException">A length does not fit the network, or the options need validation data.</exception>
    /// <exception cref="TrainingDivergedException">A loss, gradient or parameter became non-finite.</exception>
    public TrainingResult Fit(ReadOnlyMemory<float> inputs, ReadOnlyMemory<float> targets, CancellationToken cancellationToken = default)
    {
        int rows = BatchArguments.GetRowCount(inputs.Length, TNetwork.InputSize, nameof(inputs));
        BatchArguments.RequireLength(targets.Length, rows * TNetwork.OutputSize, rows, nameof(targets));
        int validationRows = (int)Math.Round(rows * Options.ValidationSplit);
        if (Options.ValidationSplit > 0 && (validationRows < 1 || validationRows >= rows))
        {
            throw new ArgumentException(
                $"ValidationSplit {Options.ValidationSplit} of {rows} examples leaves {validationRows} for validation and {rows - validationRows} for training; both need at least one.",
                nameof(inputs));
        }

        int trainingRows = rows - validationRows;
        return Run(
            inputs[..(trainingRows * TNetwork.InputSize)],
            targets[..(trainingRows * TNetwork.OutputSize)],
            inputs[(trainingRows * TNetwork.InputSize)..],
            targets[(trainingRows * TNetwork.OutputSize)..],
            cancellationToken);
    }

    /// <summary>Trains as <see cref="Fit(ReadOnlyMemory{float}, ReadOnlyMemory{float}, CancellationToken)"/>, validating on the given data after each epoch.</summary>
    /// <param name="inputs"><c>m * InputSize</c> training values, one example per row.</param>
    /// <param name="targets"><c>m * OutputSize</c> training values.</param>
    /// <param name="validationInputs">Validation examples, one per row.</param>
    /// <param name="validationTargets">Their targets.</param>
    /// <param name="cancellationToken">Stops training between batches.</param>
    /// <returns>The per-epoch history and why training stopped.</returns>
    /// <exception cref="ArgumentException">A length does not fit the network.</exception>
    /// <exception cref="TrainingDivergedException">A loss, gradient or parameter became non-finite.</exception>
    public TrainingResult Fit(
        ReadOnlyMemory<float> inputs,
        ReadOnlyMemory<float> targets,
        ReadOnlyMemory<float> validationInputs,
        ReadOnlyMemory<float> validationTargets,
        CancellationToken cancellationToken = default)
    {
        int rows = BatchArguments.GetRowCount(inputs.Length, TNetwork.InputSize, nameof(inputs));
        BatchArguments.RequireLength(targets.Length, rows * TNetwork.OutputSize, rows, nameof(targets));
        int validationRows = BatchArguments.GetRowCount(validationInputs.Length, TNetwork.InputSize, nameof(validationInputs));
        BatchArguments.RequireLength(validationTargets.Length, validationRows * TNetwork.OutputSize, validationRows, nameof(validationTargets));
        return Run(inputs, targets, validationInputs, validationTargets, cancellationToken);
    }

    /// <summary>
    /// Takes one optimizer step on one batch at the current <see cref="LearningRate"/>, with the trainer's clipping,
    /// threading and divergence checks.
    /// </summary>
    /// <param name="inputs"><c>k * InputSize</c> values, one example per row.</param>
    /// <param name="targets"><c>k * OutputSize</c> values.</param>
    /// <returns>The batch's loss before the update.</returns>
    /// <exception cref="ArgumentException">A length does not fit the network.</exception>
    /// <exception cref="TrainingDivergedException">The loss, gradient or a parameter became non-finite; the parameters are unchanged.</exception>
    public float TrainBatch(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets)
    {
        int rows = BatchArguments.GetRowCount(inputs.Length, TNetwork.InputSize, nameof(inputs));
        BatchArguments.RequireLength(targets.Length, rows * TNetwork.OutputSize, rows, nameof(targets));
        _epoch = 0;
        _batch = Optimizer.StepCount + 1;
        return Step(inputs, targets, rows, Array.Empty<EpochReport>());
    }

    /// <summary>Whether the products split over the threads, once the timing of the first steps decided (null before).</summary>
    internal bool? ProductSplitDecision => _splitChoice is { Decided: true } choice ? choice.Splits : null;

    /// <summary>Stops the worker threads.</summary>
    public void Dispose()
    {
        _parallel?.Dispose();
        _productTeam?.Dispose();
    }

    /// <summary>The number of threads a batch of <paramref name="rows"/> examples is split over.</summary>
    /// <param name="rows">The batch size.</param>
    /// <returns>At least 1.</returns>
    /// <remarks>
    /// For a network with a wide layer, which splits each product over the threads, and with
    /// <see cref="TrainingOptions.MaxDegreeOfParallelism"/> left <see langword="null"/>, this is the most it uses: its
    /// first steps time one thread against this many, and it keeps one thread if the split is not faster on this
    /// machine. A split gives the same bits as one thread, so that changes the speed only.
    /// </remarks>
    public int ThreadsFor(int rows)
    {
        if (Options.MaxDegreeOfParallelism is { } pinned)
        {
            return Math.Max(1, Math.Min(pinned, rows));
        }

        long byWork = rows * _trainingFlopsPerExample / MinFlopsPerThread;
        return (int)Math.Max(1, Math.Min(Math.Min(Environment.ProcessorCount, rows), byWork));
    }

    private TrainingResult Run(ReadOnlyMemory<float> inputs, ReadOnlyMemory<float> targets, ReadOnlyMemory<float> validationInputs, ReadOnlyMemory<float> validationTargets, CancellationToken cancellationToken)
    {
        bool validating = !validationInputs.IsEmpty;
        if (Options.EarlyStoppingPatience is not null && !validating)
        {
            throw new ArgumentException("EarlyStoppingPatience needs validation data: pass validation inputs to Fit or set TrainingOptions.ValidationSplit.", nameof(validationInputs));
        }

        var batches = new Minibatches(inputs, targets, TNetwork.InputSize, TNetwork.OutputSize, Options.BatchSize, Options.Shuffle, Options.Seed);
        var earlyStopping = new EarlyStopping(Options, TNetwork.ParameterCount);
        var history = new List<EpochReport>(Options.Epochs);
        StopReason stopReason = StopReason.Completed;
        var clock = Stopwatch.StartNew();
        for (int epoch = 0; epoch < Options.Epochs; epoch++)
        {
            LearningRate = EpochLearningRate(epoch);
            batches.StartEpoch();
            TimeSpan epochStart = clock.Elapsed;
            _epoch = epoch + 1;
            if (!TrainEpoch(batches, history, cancellationToken, out double lossSum))
            {
                stopReason = StopReason.Cancelled;
                break;
            }

            float? validationLoss = validating ? Network.Loss(validationInputs.Span, validationTargets.Span) : null;
            TimeSpan elapsed = clock.Elapsed;
            var report = new EpochReport(epoch + 1, (float)(lossSum / batches.Rows), validationLoss, LearningRate, elapsed, batches.Rows / Math.Max((elapsed - epochStart).TotalSeconds, 1e-9));
            history.Add(report);
            Options.Progress?.Report(report);
            if (validationLoss is { } loss && earlyStopping.ShouldStop(epoch + 1, loss, Network.Parameters))
            {
                stopReason = StopReason.EarlyStopped;
                break;
            }
        }

        earlyStopping.RestoreBest(Network.Parameters);
        return new TrainingResult(history.ToArray(), stopReason, earlyStopping.BestEpoch);
    }

    // One pass over the training data, a step per batch. Returns false if cancelled before a batch; lossSum is the sum
    // of the batches' losses, each weighted by its number of examples.
    private bool TrainEpoch(Minibatches batches, List<EpochReport> history, CancellationToken cancellationToken, out double lossSum)
    {
        lossSum = 0;
        for (int start = 0, batch = 1; start < batches.Rows; start += batches.BatchSize, batch++)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                return false;
            }

            int count = batches.Get(start, out ReadOnlySpan<float> x, out ReadOnlySpan<float> y);
            _batch = batch;
            lossSum += (double)Step(x, y, count, history) * count;
        }

        return true;
    }

    private float Step(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int rows, IReadOnlyList<EpochReport> history)
    {
        int threads = ThreadsFor(rows);
        long start = Stopwatch.GetTimestamp();
        ProductSplitChoice? choice = null;
        float loss;
        if (threads > 1 && s_splitsProducts && Options.MaxDegreeOfParallelism is null)
        {
            choice = _splitChoice ??= new ProductSplitChoice();
            threads = choice.ThreadsForNextStep(threads);
        }

        ParameterOwnership? owners = null;
        if (threads == 1)
        {
            loss = Network.Gradient(inputs, targets, _gradient);
        }
        else if (s_splitsProducts)
        {
            loss = SplitGradient(inputs, targets, threads);
            owners = _ownership;
        }
        else
        {
            if (_parallel is null || _parallel.Threads < threads)
            {
                _parallel?.Dispose();
                _parallel = new ParallelGradient<TNetwork>(Network, threads);
            }

            loss = _parallel.Compute(inputs, targets, _gradient, threads);
        }

        if (!float.IsFinite(loss))
        {
            throw new TrainingDivergedException(_epoch, _batch, "the loss", history);
        }

        // A stateless rule (SGD) turns a non-finite gradient into non-finite parameters, which the check after the
        // update catches and the copy undoes: the gradient is then only read again to say which it was. That saves a
        // pass over the gradient per step (4-6 us of a 310 us W3 step). Every other rule would carry the gradient into
        // its momentum or moments, and a clipped gradient needs its norm anyway.
        bool checkFirst = Options.GradientClipNorm is not null || !Optimizer.IsStateless;
        if (checkFirst)
        {
            // Split, each thread sums what it owns: only finiteness counts then. A clipped gradient's norm scales it,
            // so that one is summed as on one thread, for the same bits.
            float squaredNorm = owners is not null && Options.GradientClipNorm is null
                ? owners.SumOfSquares(_gradient)
                : TensorPrimitives.SumOfSquares<float>(_gradient);
            if (!float.IsFinite(squaredNorm))
            {
                throw new TrainingDivergedException(_epoch, _batch, "the gradient", history);
            }

            if (Options.GradientClipNorm is { } maxNorm)
            {
                float scale = maxNorm / (MathF.Sqrt(squaredNorm) + 1e-6f);
                if (scale < 1)
                {
                    TensorPrimitives.Multiply(_gradient, scale, _gradient);
                }
            }
        }

        Span<float> parameters = Network.Parameters;
        if (!Update(parameters, owners))
        {
            _lastFinite.CopyTo(parameters);
            bool gradientFinite = checkFirst || float.IsFinite(TensorPrimitives.SumOfSquares<float>(_gradient));
            throw new TrainingDivergedException(_epoch, _batch, gradientFinite ? "a parameter after the update" : "the gradient", history);
        }

        // The whole step, not only the gradient: what a split costs in moving data between the cores lands in the
        // update too.
        choice?.Record(threads, Stopwatch.GetElapsedTime(start).TotalSeconds, rows);

        return loss;
    }

    // The gradient with its products split over `threads` threads (more than 1). Same bits as on one thread.
    private float SplitGradient(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int threads)
    {
        if (_productTeam is null || _productTeam.Threads != threads)
        {
            _productTeam?.Dispose();
            _productTeam = new WorkerTeam(threads, "product worker");
            _ownership = new ParameterOwnership(_productTeam, Network.Architecture);
        }

        using (ProductTeam.Enter(_productTeam))
        {
            return Network.Gradient(inputs, targets, _gradient);
        }
    }

    // Keeps the parameters in _lastFinite, applies the optimizer's step and says whether the parameters' squared norm is
    // still finite (so a parameter past about 1e19, of no use to any network, counts as diverged too). The built-in rules
    // write the copy and sum the squares inside their own pass over the parameters: as separate passes the copy and
    // the check read W3's 437 KB of parameters twice more per step.
    // After a split gradient, each thread updates the parameters it owns (ParameterOwnership).
    private bool Update(Span<float> parameters, ParameterOwnership? owners)
    {
        if (owners is not null && Optimizer.TryStartStepInRanges(parameters.Length, _gradient.Length, out int step))
        {
            return float.IsFinite(owners.Update(Optimizer, parameters, _gradient, LearningRate, step, _lastFinite));
        }

        if (Optimizer.TryStepKeepingPrevious(parameters, _gradient, LearningRate, _lastFinite, out float squaredNorm))
        {
            return float.IsFinite(squaredNorm);
        }

        parameters.CopyTo(_lastFinite);
        Optimizer.Step(parameters, _gradient, LearningRate);
        return float.IsFinite(TensorPrimitives.SumOfSquares<float>(parameters));
    }

    private static bool SplitsProducts(ReadOnlySpan<int> sizes)
    {
        for (int l = 1; l < sizes.Length; l++)
        {
            if (ProductTeam.SplitsLayer(sizes[l - 1], sizes[l]))
            {
                return true;
            }
        }

        return false;
    }

    private float EpochLearningRate(int epoch)
    {
        float rate = Options.LearningRateSchedule?.GetLearningRate(epoch, Optimizer.LearningRate) ?? Optimizer.LearningRate;
        if (!float.IsFinite(rate) || rate <= 0)
        {
            throw new InvalidOperationException($"The learning-rate schedule returned {rate} for epoch {epoch + 1}; it must return a positive, finite rate.");
        }

        return rate;
    }

    private void ExcludeBiasesFromDecay(Optimizer optimizer)
    {
        NetworkArchitecture architecture = Network.Architecture;
        for (int layer = 0; layer < architecture.WeightLayerCount; layer++)
        {
            optimizer.ExcludeFromWeightDecay(architecture.BiasOffset(layer), architecture.LayerSizes[layer + 1]);
        }
    }
}
