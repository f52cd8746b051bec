using System;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;

namespace Backprop.Benchmarks;

/// <summary>
/// W1 and W3 as a short training run sees them: 300 SGD steps through <see cref="Trainer{TNetwork}"/> (W1: the 8-4-1
/// network, full batches of 4096 examples; W3: 784-128-64-10, minibatches of 64 on one thread), after one short
/// <c>Fit</c> (the first call an application makes). The Cold job starts a
/// fresh process for every launch and times the 300 steps once, as a user's run would meet them, with whatever the
/// JIT has compiled by then; the Warm job times the same steps after BenchmarkDotNet's warm-up. Their ratio is what
/// the JIT's tiers cost a short run. The WarmNoTiers job runs with <c>DOTNET_TieredCompilation=0</c> (every method
/// compiled fully optimized at once, without dynamic PGO): the warm figure should be no slower than it.
/// </summary>
[Config(typeof(Jobs))]
public class ShortRunBenchmark
{
    private const int Examples = 4096;
    private const int Steps = 300;
    private const int W3Batch = 64;

    private float[] _x = Array.Empty<float>(), _y = Array.Empty<float>();
    private float[] _w3X = Array.Empty<float>(), _w3Y = Array.Empty<float>();
    private Trainer<W1Net>? _trainer;
    private Trainer<W3Net>? _w3;

    private sealed class Jobs : ManualConfig
    {
        public Jobs()
        {
            Job warm = Job.Default.WithStrategy(RunStrategy.Throughput).WithLaunchCount(1).WithWarmupCount(15).WithIterationCount(10).WithInvocationCount(1).WithUnrollFactor(1);
            AddJob(Job.Default.WithStrategy(RunStrategy.ColdStart).WithLaunchCount(10).WithWarmupCount(0).WithIterationCount(1).WithInvocationCount(1).WithUnrollFactor(1).WithId("Cold"));
            AddJob(warm.WithId("Warm"));
            AddJob(warm.WithEnvironmentVariable("DOTNET_TieredCompilation", "0").WithId("WarmNoTiers"));
        }
    }

    // One setup per benchmark: a Fit of the other network in the same process would warm the trainer's code before a
    // Cold launch times it.
    [GlobalSetup(Target = nameof(W1_Trainer_300_Steps))]
    public void SetupW1()
    {
        var random = new SeededRandom(42);
        (_x, _y) = WorkloadBenchmarks.Data(ref random, Examples, 8, 1);
        var network = new W1Net();
        network.Initialize(1);
        _trainer = new Trainer<W1Net>(network, new Sgd(0.1f), new TrainingOptions { Epochs = 1, BatchSize = Examples, Shuffle = false, MaxDegreeOfParallelism = 1 });
        _trainer.Fit(_x, _y);
    }

    [GlobalSetup(Target = nameof(W3_Trainer_300_Steps))]
    public void SetupW3()
    {
        // 300 different minibatches, the first Fit over one epoch of 10 of them.
        var random = new SeededRandom(42);
        (_w3X, _w3Y) = WorkloadBenchmarks.Data(ref random, Steps * W3Batch, 784, 10);
        var w3 = new W3Net();
        w3.Initialize(3);
        _w3 = new Trainer<W3Net>(w3, new Sgd(0.01f), new TrainingOptions { Epochs = 1, BatchSize = W3Batch, Shuffle = false, MaxDegreeOfParallelism = 1 });
        _w3.Fit(_w3X.AsMemory(0, 10 * W3Batch * 784), _w3Y.AsMemory(0, 10 * W3Batch * 10));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _trainer?.Dispose();
        _w3?.Dispose();
    }

    /// <summary>300 steps; BenchmarkDotNet reports the time of one example.</summary>
    [Benchmark(OperationsPerInvoke = Steps * Examples)]
    public void W1_Trainer_300_Steps()
    {
        for (int step = 0; step < Steps; step++)
        {
            _trainer!.TrainBatch(_x, _y);
        }
    }

    /// <summary>300 steps of 64 examples, each its own minibatch; BenchmarkDotNet reports the time of one example.</summary>
    [Benchmark(OperationsPerInvoke = Steps * W3Batch)]
    public void W3_Trainer_300_Steps()
    {
        for (int step = 0; step < Steps; step++)
        {
            _w3!.TrainBatch(_w3X.AsSpan(step * W3Batch * 784, W3Batch * 784), _w3Y.AsSpan(step * W3Batch * 10, W3Batch * 10));
        }
    }
}
