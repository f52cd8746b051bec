using System;
using BenchmarkDotNet.Attributes;

namespace Backprop.Benchmarks;

/// <summary>
/// W6: one <c>Gradient</c> of 256 rows through 2048-2048-2048-10 on one thread, reported per example like the other
/// workloads (Program prints GFLOP/s and the ratio to PyTorch's W6 from <c>benchmarks/peers/results.json</c>). A step
/// takes a quarter of a second, so it runs a few iterations rather than the default job's many.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 6)]
public class WideNetworkBenchmark
{
    private const int Rows = 256;

    private readonly W6Net _network = new();
    private float[] _x = Array.Empty<float>(), _y = Array.Empty<float>(), _gradient = Array.Empty<float>();

    [GlobalSetup]
    public void Setup()
    {
        var random = new SeededRandom(6);
        (_x, _y) = WorkloadBenchmarks.Data(ref random, Rows, 2048, 10);
        Array.Clear(_y);
        for (int row = 0; row < Rows; row++)
        {
            _y[(row * 10) + (row % 10)] = 1; // one-hot classes, as cross-entropy expects
        }

        _network.Initialize(6);
        _gradient = new float[W6Net.ParameterCount];
    }

    /// <summary>One gradient of 256 rows (forward, cross-entropy, backward), ns per example.</summary>
    [Benchmark(OperationsPerInvoke = Rows)]
    public float W6_Wide_2048_2048_2048_10() => _network.Gradient(_x, _y, _gradient);
}
