using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Backprop.Benchmarks;

/// <summary>
/// W3 through <c>Trainer</c> on one thread and on two and the one-core FMA loop, then W4b's <c>Predict</c> and ONNX
/// Runtime's run of the same file (<see cref="OnnxRuntimeBenchmark"/>'s setup) for 1 and 64 rows, in short blocks taken
/// in turn in one process: <c>dotnet run -c Release --project benchmarks/Backprop.Gen.Benchmarks -- --side-by-side</c>.
/// On shared cores the host's load changes from second to second, and BenchmarkDotNet measures each case in its own
/// process minutes apart, so a ratio of two of its rows also carries the change of load between them. Here each round
/// runs every contender for about 10 ms, one after the other, and the ratios are medians over the rounds of the ratios
/// within a round. Complements, does not replace, <see cref="WorkloadBenchmarks"/> and <see cref="MachineLimitBenchmark"/>.
/// </summary>
public static class SideBySide
{
    private const int Rounds = 100;
    private const int WarmupRounds = 10;
    private const int StepsPerBlock = 64;
    private const int Batch = 64;
    private const int Batches = 16;
    private const int FmaIterations = 8_000_000; // about 10 ms at 200 GFLOP/s, as long as a block of steps

    /// <summary>Runs the rounds and prints the medians and ratios.</summary>
    public static void Run()
    {
        Training();
        Inference("784-128-64-10 x1", callsPerBlock: 3000);
        Inference("784-128-64-10 x64", callsPerBlock: 150);
    }

    private static void Training()
    {
        var random = new SeededRandom(42);
        (float[] x, float[] y) = WorkloadBenchmarks.Data(ref random, Batches * Batch, 784, 10);

        long flopsPerExample = new W3Net().Architecture.TrainingFlops;
        using Trainer<W3Net> one = NewTrainer(1), two = NewTrainer(2);
        var oneThread = new List<double>();
        var twoThreads = new List<double>();
        var limit = new List<double>();
        for (int round = 0; round < Rounds + WarmupRounds; round++)
        {
            double t1 = Steps(one, x, y), t2 = Steps(two, x, y);

            // The two-thread trainer's worker spins for 2 ms after a step before it sleeps (WorkerTeam.SpinTicks); on
            // shared cores that spinning slowed the next block measured by about a sixth. Let it go to sleep first.
            Thread.Sleep(5);
            double peak = FmaGflops();
            if (round >= WarmupRounds)
            {
                oneThread.Add(t1);
                twoThreads.Add(t2);
                limit.Add(peak);
            }
        }

        // Ratios within each round, then their medians: a round's contenders ran within about 35 ms of each other.
        List<double> fractionOfLimit = oneThread.Select((t, i) => flopsPerExample / t / limit[i]).ToList();
        List<double> speedup = oneThread.Select((t, i) => t / twoThreads[i]).ToList();
        bool sameBits = one.Network.Parameters.SequenceEqual(two.Network.Parameters);
        var invariant = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(invariant, $"W3 784-128-64-10, batch {Batch}, SGD; {Rounds} rounds of {StepsPerBlock} steps per trainer and an FMA loop"));
        Console.WriteLine(string.Create(invariant, $"one-core FMA limit ({(Avx512F.IsSupported && Vector512.IsHardwareAccelerated ? 512 : 256)}-bit): median {Median(limit):F1} GFLOP/s (quartiles {Quartile(limit, 1):F1}-{Quartile(limit, 3):F1})"));
        Console.WriteLine(string.Create(invariant, $"1 thread:  median {Median(oneThread):F0} ns per example (quartiles {Quartile(oneThread, 1):F0}-{Quartile(oneThread, 3):F0})"));
        Console.WriteLine(string.Create(invariant, $"2 threads: median {Median(twoThreads):F0} ns per example (quartiles {Quartile(twoThreads, 1):F0}-{Quartile(twoThreads, 3):F0})"));
        Console.WriteLine(string.Create(invariant, $"1 thread of the limit, per round: median {Median(fractionOfLimit):F3} (quartiles {Quartile(fractionOfLimit, 1):F3}-{Quartile(fractionOfLimit, 3):F3})"));
        Console.WriteLine(string.Create(invariant, $"2 threads over 1, per round: median {Median(speedup):F2}x (quartiles {Quartile(speedup, 1):F2}-{Quartile(speedup, 3):F2}x)"));
        Console.WriteLine($"both trainers end with the same parameters: {sameBits}");
    }

    // Ours against ONNX Runtime on one OnnxRuntimeBenchmark case, blocks of about 10 ms each in turn.
    private static void Inference(string benchmarkCase, int callsPerBlock)
    {
        var benchmark = new OnnxRuntimeBenchmark { Case = benchmarkCase };
        benchmark.Setup(); // also checks that both compute the same outputs
        try
        {
            var ours = new List<double>();
            var theirs = new List<double>();
            for (int round = 0; round < Rounds + WarmupRounds; round++)
            {
                double t1 = Calls(benchmark.Ours, callsPerBlock), t2 = Calls(benchmark.OnnxRuntime, callsPerBlock);
                if (round >= WarmupRounds)
                {
                    ours.Add(t1);
                    theirs.Add(t2);
                }
            }

            List<double> ratio = ours.Select((t, i) => t / theirs[i]).ToList();
            var invariant = CultureInfo.InvariantCulture;
            Console.WriteLine(string.Create(invariant, $"W4b Predict {benchmarkCase}: ours median {Median(ours):F0} ns per call, ONNX Runtime {Median(theirs):F0}; ours / ONNX Runtime per round: median {Median(ratio):F3} (quartiles {Quartile(ratio, 1):F3}-{Quartile(ratio, 3):F3})"));
        }
        finally
        {
            benchmark.Cleanup();
        }
    }

    private static double Calls(Action call, int count)
    {
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < count; i++)
        {
            call();
        }

        return Stopwatch.GetElapsedTime(start).TotalNanoseconds / count;
    }

    private static Trainer<W3Net> NewTrainer(int threads)
    {
        var network = new W3Net();
        network.Initialize(3);
        return new Trainer<W3Net>(network, new Sgd(0.01f), new TrainingOptions { MaxDegreeOfParallelism = threads });
    }

    // Nanoseconds per example over one block of steps.
    private static double Steps(Trainer<W3Net> trainer, float[] x, float[] y)
    {
        long start = Stopwatch.GetTimestamp();
        for (int step = 0; step < StepsPerBlock; step++)
        {
            int b = step % Batches;
            trainer.TrainBatch(x.AsSpan(b * Batch * 784, Batch * 784), y.AsSpan(b * Batch * 10, Batch * 10));
        }

        return Stopwatch.GetElapsedTime(start).TotalNanoseconds / (StepsPerBlock * Batch);
    }

    // MachineLimitBenchmark's loops, timed once.
    private static double FmaGflops()
    {
        bool wide = Avx512F.IsSupported && Vector512.IsHardwareAccelerated;
        long start = Stopwatch.GetTimestamp();
        float sink = wide ? MachineLimitBenchmark.Fma512Loop(FmaIterations) : MachineLimitBenchmark.Fma256Loop(FmaIterations);
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        GC.KeepAlive(sink);
        return FmaIterations * (double)MachineLimitBenchmark.Chains * (wide ? 16 : 8) * 2 / seconds / 1e9;
    }

    private static double Median(List<double> values) => Quartile(values, 2);

    private static double Quartile(List<double> values, int quarter)
    {
        var sorted = values.OrderBy(v => v).ToList();
        return sorted[Math.Min(sorted.Count - 1, sorted.Count * quarter / 4)];
    }
}
