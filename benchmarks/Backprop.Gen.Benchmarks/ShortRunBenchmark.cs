using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;

namespace Backprop.Benchmarks;

/// <summary>
/// W1 as a short training run sees it: 300 full-batch SGD steps of the 8-4-1 network on 4096 examples through
/// <see cref="Trainer{TNetwork}"/>, after one short <c>Fit</c> (the first call an application makes). The Cold job starts a
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

    private float[] _x = System.Array.Empty<float>(), _y = System.Array.Empty<float>();
    private Trainer<W1Net>? _trainer;

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

    [GlobalSetup]
    public void Setup()
    {
        var random = new SeededRandom(42);
        (_x, _y) = WorkloadBenchmarks.Data(ref random, Examples, 8, 1);
        var network = new W1Net();
        network.Initialize(1);
        _trainer = new Trainer<W1Net>(network, new Sgd(0.1f), new TrainingOptions { Epochs = 1, BatchSize = Examples, Shuffle = false, MaxDegreeOfParallelism = 1 });
        _trainer.Fit(_x, _y);
    }

    [GlobalCleanup]
    public void Cleanup() => _trainer?.Dispose();

    /// <summary>300 steps; BenchmarkDotNet reports the time of one example.</summary>
    [Benchmark(OperationsPerInvoke = Steps * Examples)]
    public void W1_Trainer_300_Steps()
    {
        for (int step = 0; step < Steps; step++)
        {
            _trainer!.TrainBatch(_x, _y);
        }
    }
}
