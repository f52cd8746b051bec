using System;
using BenchmarkDotNet.Attributes;

namespace Backprop.Benchmarks;

/// <summary>
/// The training workloads W1, W2, W3 and W5 and the inference latencies W4, each reported per example (or per call):
/// BenchmarkDotNet's Mean is the time of one example, so examples/s = 1e9 / Mean, and Program prints GFLOP/s from the
/// FLOP counts beside a machine-limit measurement from the same run (<see cref="MachineLimitBenchmark"/>).
/// Synthetic data and seeds are fixed.
/// </summary>
[MemoryDiagnoser]
public class WorkloadBenchmarks
{
    private const int W1Examples = 4096;
    private const int W1StepsPerInvoke = 10;
    private const int W2BatchesPerInvoke = 256;
    private const int W3BatchesPerInvoke = 16;
    private const int W5Examples = 10_000;

    private readonly W1Net _w1 = new();
    private readonly W4SmallNet _w4Small = new();
    private readonly W3Net _w4Large = new();
    private float[] _w1X = Array.Empty<float>(), _w1Y = Array.Empty<float>();
    private float[] _w2X = Array.Empty<float>(), _w2Y = Array.Empty<float>();
    private float[] _w3X = Array.Empty<float>(), _w3Y = Array.Empty<float>();
    private float[] _w5X = Array.Empty<float>(), _w5Y = Array.Empty<float>();
    private float[] _one8 = new float[8], _one784 = new float[784], _out1 = new float[1], _out10 = new float[10];
    private GradientDescent<float>? _w1Descent;
    private Trainer<W2Net>? _w2;
    private Trainer<W3Net>? _w3;
    private Trainer<W3Net>? _w3Open;
    private Trainer<W5Net>? _w5;

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new SeededRandom(42);
        (_w1X, _w1Y) = Data(ref random, W1Examples, 8, 1);
        (_w2X, _w2Y) = Data(ref random, W2BatchesPerInvoke * 32, 64, 1);
        (_w3X, _w3Y) = Data(ref random, W3BatchesPerInvoke * 64, 784, 10);
        (_w5X, _w5Y) = SimpleChainsData(ref random, W5Examples);
        _w1.Initialize(1);
        _w1Descent = new GradientDescent<float>(_w1, 0.1f);
        var options = new TrainingOptions { MaxDegreeOfParallelism = Threads };
        var w2 = new W2Net();
        w2.Initialize(2);
        _w2 = new Trainer<W2Net>(w2, new Sgd(0.01f), options);
        var w3 = new W3Net();
        w3.Initialize(3);
        _w3 = new Trainer<W3Net>(w3, new Sgd(0.01f), options);
        var w3Open = new W3Net();
        w3Open.Initialize(3);
        _w3Open = new Trainer<W3Net>(w3Open, new Sgd(0.01f), new TrainingOptions());
        var w5 = new W5Net();
        w5.Initialize(5);
        _w5 = new Trainer<W5Net>(w5, new Adam(1e-3f), options);
        _w4Small.Initialize(4);
        _w4Large.Initialize(4);
        _one8.AsSpan().Fill(0.5f);
        _one784.AsSpan().Fill(0.5f);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _w2?.Dispose();
        _w3?.Dispose();
        _w3Open?.Dispose();
        _w5?.Dispose();
    }

    /// <summary>W1: full-batch gradient descent on 4096 examples (single-threaded by definition).</summary>
    [Benchmark(OperationsPerInvoke = W1Examples * W1StepsPerInvoke)]
    public void W1_Tiny_8_4_1()
    {
        if (Threads != 1)
        {
            return; // Plain gradient descent has no threading; measured once.
        }

        for (int step = 0; step < W1StepsPerInvoke; step++)
        {
            _w1Descent!.Step(_w1X, _w1Y);
        }
    }

    /// <summary>W2: SGD on minibatches of 32.</summary>
    [Benchmark(OperationsPerInvoke = W2BatchesPerInvoke * 32)]
    public void W2_Small_64_32_16_1()
    {
        for (int batch = 0; batch < W2BatchesPerInvoke; batch++)
        {
            _w2!.TrainBatch(_w2X.AsSpan(batch * 32 * 64, 32 * 64), _w2Y.AsSpan(batch * 32, 32));
        }
    }

    /// <summary>W3: SGD on minibatches of 64 MNIST-shaped examples.</summary>
    [Benchmark(OperationsPerInvoke = W3BatchesPerInvoke * 64)]
    public void W3_Medium_784_128_64_10()
    {
        for (int batch = 0; batch < W3BatchesPerInvoke; batch++)
        {
            _w3!.TrainBatch(_w3X.AsSpan(batch * 64 * 784, 64 * 784), _w3Y.AsSpan(batch * 64 * 10, 64 * 10));
        }
    }

    /// <summary>
    /// W3 with the thread count left open (<see cref="TrainingOptions.MaxDegreeOfParallelism"/> null), as a user gets it:
    /// the trainer times one thread against the product split during BenchmarkDotNet's warm-up and keeps the faster.
    /// Measured once (in the Threads = 1 case).
    /// </summary>
    [Benchmark(OperationsPerInvoke = W3BatchesPerInvoke * 64)]
    public void W3_Medium_OpenThreads()
    {
        if (Threads != 1)
        {
            return;
        }

        for (int batch = 0; batch < W3BatchesPerInvoke; batch++)
        {
            _w3Open!.TrainBatch(_w3X.AsSpan(batch * 64 * 784, 64 * 784), _w3Y.AsSpan(batch * 64 * 10, 64 * 10));
        }
    }

    /// <summary>W5: one full-batch Adam step on 10000 examples (the SimpleChains.jl benchmark runs 10000 of these).</summary>
    [Benchmark(OperationsPerInvoke = W5Examples)]
    public void W5_SimpleChains_4_32_16_4() => _w5!.TrainBatch(_w5X, _w5Y);

    /// <summary>W4: one example through 8-4-1 (ns per call).</summary>
    [Benchmark]
    public void W4_Predict_8_4_1()
    {
        if (Threads == 1)
        {
            _w4Small.Predict(_one8, _out1);
        }
    }

    /// <summary>W4: one example through 784-128-64-10 (ns per call).</summary>
    [Benchmark]
    public void W4_Predict_784_128_64_10()
    {
        if (Threads == 1)
        {
            _w4Large.Predict(_one784, _out10);
        }
    }

    internal static (float[] X, float[] Y) Data(ref SeededRandom random, int rows, int inputs, int outputs)
    {
        var x = new float[rows * inputs];
        var y = new float[rows * outputs];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (float)((2 * random.NextDouble()) - 1);
        }

        for (int i = 0; i < y.Length; i++)
        {
            y[i] = (float)random.NextDouble();
        }

        return (x, y);
    }

    // X: 4 standard-normal values per example; Y: the entries of exp(X read as a 2x2 matrix), in closed form.
    private static (float[] X, float[] Y) SimpleChainsData(ref SeededRandom random, int rows)
    {
        var x = new float[rows * 4];
        var y = new float[rows * 4];
        Span<double> e = stackalloc double[4];
        for (int i = 0; i < rows; i++)
        {
            double a = Normal(ref random), b = Normal(ref random), c = Normal(ref random), d = Normal(ref random);
            x[(4 * i) + 0] = (float)a;
            x[(4 * i) + 1] = (float)b;
            x[(4 * i) + 2] = (float)c;
            x[(4 * i) + 3] = (float)d;
            MatrixExp2x2(a, b, c, d, e);
            for (int j = 0; j < 4; j++)
            {
                y[(4 * i) + j] = (float)e[j];
            }
        }

        return (x, y);
    }

    private static double Normal(ref SeededRandom random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    // exp(M) for M = [[a, b], [c, d]]: with s = (a + d) / 2 and q = sqrt(((a - d) / 2)^2 + bc),
    // exp(M) = e^s [cosh(q) I + sinh(q)/q (M - s I)] (q may be imaginary: cosh -> cos, sinh(q)/q -> sin(|q|)/|q|).
    private static void MatrixExp2x2(double a, double b, double c, double d, Span<double> result)
    {
        double s = (a + d) / 2;
        double delta = (((a - d) / 2) * ((a - d) / 2)) + (b * c);
        double cosh, sinhOverQ;
        if (delta >= 0)
        {
            double q = Math.Sqrt(delta);
            cosh = Math.Cosh(q);
            sinhOverQ = q < 1e-12 ? 1 : Math.Sinh(q) / q;
        }
        else
        {
            double q = Math.Sqrt(-delta);
            cosh = Math.Cos(q);
            sinhOverQ = Math.Sin(q) / q;
        }

        double scale = Math.Exp(s);
        result[0] = scale * (cosh + (sinhOverQ * (a - s)));
        result[1] = scale * sinhOverQ * b;
        result[2] = scale * sinhOverQ * c;
        result[3] = scale * (cosh + (sinhOverQ * (d - s)));
    }
}

/// <summary>W4's small network (same shape as W1).</summary>
[Network(Layers = new[] { 8, 4, 1 }, Activations = new[] { Activation.ReLU, Activation.Sigmoid })]
public partial class W4SmallNet { }
