using System;
using BenchmarkDotNet.Attributes;

namespace Backprop.Benchmarks;

/// <summary>
/// What <see cref="Trainer{TNetwork}"/> adds to a training step: <c>TrainBatch</c> (divergence checks, the copy of the
/// last finite parameters, threading decision) against the bare loop it wraps, <c>Gradient</c> then
/// <c>Optimizer.Step</c>, for W1's 8-4-1 (full batch of 4096), W2's 64-32-16-1 (batches of 32) and W3's 784-128-64-10
/// (batches of 64), one thread, SGD. The mean is per step; the ratio Trainer / Bare is the trainer's share.
/// </summary>
[MemoryDiagnoser]
public class TrainerOverheadBenchmark
{
    private readonly Step<W1Net> _w1 = new(8, 1, 4096);
    private readonly Step<W2Net> _w2 = new(64, 1, 32);
    private readonly Step<W3Net> _w3 = new(784, 10, 64);

    [GlobalCleanup]
    public void Cleanup()
    {
        _w1.Dispose();
        _w2.Dispose();
        _w3.Dispose();
    }

    [Benchmark]
    public float W1_Trainer() => _w1.Trainer.TrainBatch(_w1.X, _w1.Y);

    [Benchmark]
    public float W1_Bare() => _w1.Bare();

    [Benchmark]
    public float W2_Trainer() => _w2.Trainer.TrainBatch(_w2.X, _w2.Y);

    [Benchmark]
    public float W2_Bare() => _w2.Bare();

    [Benchmark]
    public float W3_Trainer() => _w3.Trainer.TrainBatch(_w3.X, _w3.Y);

    [Benchmark]
    public float W3_Bare() => _w3.Bare();

    // One network trained both ways from the same start; both use the same optimizer type and learning rate.
    private sealed class Step<TNetwork> : IDisposable
        where TNetwork : class, INetwork<TNetwork, float>, new()
    {
        private readonly TNetwork _bare = new();
        private readonly Sgd _optimizer = new(0.01f);
        private readonly float[] _gradient = new float[TNetwork.ParameterCount];

        public Step(int inputs, int outputs, int rows)
        {
            var random = new SeededRandom(7);
            (X, Y) = WorkloadBenchmarks.Data(ref random, rows, inputs, outputs);
            var network = new TNetwork();
            network.Initialize(1);
            _bare.Initialize(1);
            _optimizer.Reset(TNetwork.ParameterCount);
            Trainer = new Trainer<TNetwork>(network, new Sgd(0.01f), new TrainingOptions { MaxDegreeOfParallelism = 1 });
        }

        public Trainer<TNetwork> Trainer { get; }

        public float[] X { get; }

        public float[] Y { get; }

        public float Bare()
        {
            float loss = _bare.Gradient(X, Y, _gradient);
            _optimizer.Step(_bare.Parameters, _gradient, 0.01f);
            return loss;
        }

        public void Dispose() => Trainer.Dispose();
    }
}
