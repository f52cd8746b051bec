// AotSpeed: the workloads of docs/aot.md's table, timed in this process, on whatever compiled it (the JIT, or
// NativeAOT with some instruction-set baseline). measure.sh runs it three ways in one sitting and prints the ratios.
//
// Each workload runs for about 0.4 s to warm up (the JIT's tiers), then 9 rounds of about 0.15 s; the figure is the
// median round's time per call. Before the timing, one call of each prints what it computed, so that the builds can
// be seen to compute the same thing (to rounding: the portable paths add without fusing the multiply).
using System;
using System.Diagnostics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Backprop;

// Started as `dotnet AotSpeed.dll`, the host is dotnet and the JIT compiles; otherwise this is the native executable.
bool jit = System.IO.Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet";
Console.WriteLine($"compiled: {(jit ? "JIT" : "NativeAOT")}; " +
    $"Avx2 {Avx2.IsSupported}, Fma {Fma.IsSupported}, Avx512F {Avx512F.IsSupported}, Vector256 accelerated {Vector256.IsHardwareAccelerated}");

var small = new SmallNet();
small.Initialize(seed: 1);
var large = new LargeNet();
large.Initialize(seed: 2);
float[] one8 = Fill(8, 3);
float[] one784 = Fill(784, 4);
float[] batch784 = Fill(64 * 784, 5);
float[] targets = Fill(64 * 10, 6);
float[] out1 = new float[1];
float[] out10 = new float[10];
float[] out640 = new float[640];
float[] gradient = new float[LargeNet.ParameterCount];
small.Predict(one8, out1);
large.Predict(batch784, out640);
float loss = large.Gradient(batch784, targets, gradient);
Console.WriteLine($"computed: W4a {out1[0]:R}; W4b sum {Sum(out640):R}; W3 loss {loss:R}, gradient sum {Sum(gradient):R}");

Report("W4a Predict, one example of 8-4-1", "ns", 1e9, () => small.Predict(one8, out1));
Report("W4b Predict, one example of 784-128-64-10", "us", 1e6, () => large.Predict(one784, out10));
Report("W4b Predict, 64 examples", "us", 1e6, () => large.Predict(batch784, out640));
Report("W3 Gradient, 64 rows", "us", 1e6, () => large.Gradient(batch784, targets, gradient));

static double Sum(float[] values)
{
    double sum = 0;
    foreach (float value in values)
    {
        sum += value;
    }

    return sum;
}

static void Report(string name, string unit, double scale, Action call)
{
    double seconds = Time(call);
    Console.WriteLine($"{name}: {seconds * scale:F1} {unit}");
}

static double Time(Action call)
{
    Run(call, 0.4);
    var rounds = new double[9];
    for (int round = 0; round < rounds.Length; round++)
    {
        rounds[round] = Run(call, 0.15);
    }

    Array.Sort(rounds);
    return rounds[rounds.Length / 2];
}

// Calls in batches until `seconds` have passed; returns the time per call.
static double Run(Action call, double seconds)
{
    long calls = 0;
    var watch = Stopwatch.StartNew();
    do
    {
        for (int i = 0; i < 64; i++)
        {
            call();
        }

        calls += 64;
    }
    while (watch.Elapsed.TotalSeconds < seconds);
    return watch.Elapsed.TotalSeconds / calls;
}

static float[] Fill(int count, int seed)
{
    var random = new Random(seed);
    var values = new float[count];
    for (int i = 0; i < count; i++)
    {
        values[i] = (float)random.NextDouble();
    }

    return values;
}

/// <summary>W4a: 8 -> 4 ReLU -> 1 sigmoid.</summary>
[Network(Layers = new[] { 8, 4, 1 }, Activations = new[] { Activation.ReLU, Activation.Sigmoid })]
public partial class SmallNet { }

/// <summary>W3 and W4b: 784 -> 128 ReLU -> 64 ReLU -> 10.</summary>
[Network(Layers = new[] { 784, 128, 64, 10 }, Activations = new[] { Activation.ReLU, Activation.ReLU, Activation.Identity })]
public partial class LargeNet { }
