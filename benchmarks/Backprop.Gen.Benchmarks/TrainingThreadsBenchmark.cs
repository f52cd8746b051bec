using System;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Jobs;

namespace Backprop.Benchmarks;

/// <summary>
/// One SGD minibatch step (gradient, reduction, update) on one thread and on two, for three network sizes and four
/// batch sizes: where does the second thread start to pay? The work of a step is
/// <c>batch * training FLOPs per example</c>; compare the 1- and 2-thread rows of each pair.
/// </summary>
[SimpleJob(RuntimeMoniker.Net10_0, warmupCount: 3, iterationCount: 8)]
[MemoryDiagnoser]
public class TrainingThreadsBenchmark
{
    private float[] _inputs = Array.Empty<float>();
    private float[] _targets = Array.Empty<float>();
    private Action _step = () => { };
    private IDisposable? _trainer;

    [Params("8-4-1", "64-32-16-1", "784-128-64-10")]
    public string Network { get; set; } = "8-4-1";

    [Params(16, 64, 256)]
    public int Batch { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        switch (Network)
        {
            case "8-4-1":
                Prepare<TinyBenchNet>(new TinyBenchNet());
                break;
            case "64-32-16-1":
                Prepare<SmallBenchNet>(new SmallBenchNet());
                break;
            default:
                Prepare<MediumBenchNet>(new MediumBenchNet());
                break;
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _trainer?.Dispose();

    [Benchmark]
    public void Step() => _step();

    private void Prepare<TNetwork>(TNetwork network)
        where TNetwork : class, INetwork<TNetwork, float>
    {
        network.Initialize(seed: 1);
        var random = new SeededRandom(2);
        _inputs = new float[Batch * TNetwork.InputSize];
        _targets = new float[Batch * TNetwork.OutputSize];
        for (int i = 0; i < _inputs.Length; i++)
        {
            _inputs[i] = (float)random.NextDouble();
        }

        for (int i = 0; i < _targets.Length; i++)
        {
            _targets[i] = (float)random.NextDouble();
        }

        var trainer = new Trainer<TNetwork>(network, new Sgd(1e-4f), new TrainingOptions { MaxDegreeOfParallelism = Threads });
        _trainer = trainer;
        _step = () => trainer.TrainBatch(_inputs, _targets);
    }
}
