// PyTorchInterop: moving trained networks between PyTorch and Backprop.Gen as safetensors files.
//
// Part 1, PyTorch -> here. data/torch_sequential.safetensors is the state dict of
//     nn.Sequential(nn.Linear(4, 16), nn.Tanh(), nn.Linear(16, 3))
// trained in PyTorch (tests/Backprop.Gen.Tests/Fixtures/PyTorch/make_interop.py), so its tensors are named 0.weight,
// 0.bias, 2.weight, 2.bias (the Tanh at index 1 has no parameters). SafetensorsNames.InOrder maps them to the layers
// of TorchNet, which declares the same shape with the softmax PyTorch applied after the last Linear. The weights are
// stored as nn.Linear.weight, [out_features, in_features]; Load transposes them into our W[l] layout. The sample prints
// TorchNet's probabilities next to the ones PyTorch recorded for the same rows (data/torch_predictions.csv).
//
// Part 2, the deployment round trip. A network is trained here (Trainer with Adam, a few epochs on a synthetic
// two-class problem), saved with Safetensors.Save into a temporary folder, and loaded by a SECOND PROCESS: the sample
// starts itself again with "--predict <file>", the child loads the file into a fresh RingNet, predicts a fixed set of
// probe points and prints the values, and the parent checks that they are bit-identical to its own predictions.
// The file is self-describing (__metadata__ holds layers, activations, loss, bias, element type), so loading it into
// a network of another shape fails with a ModelFileException that says what differs.
//
// The other way, our files in PyTorch, and saving a PyTorch model for us: see README.md next to this file.
// Every seed is fixed, so every run prints the same predictions (only the child's process id and the temporary
// folder change). Exits 0 if PyTorch's probabilities are reproduced to 1e-6 (normwise relative error), the trained
// network reaches 90 % held-out accuracy and the child's predictions are identical; 1 otherwise.
//
// Usage: dotnet run --project samples/PyTorchInterop
//        PyTorchInterop --predict <model.safetensors>      (what part 2 runs in the child process)
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using Backprop;
using Backprop.Samples;

if (args.Length == 2 && args[0] == "--predict")
{
    return PredictInChild(args[1]);
}

bool torchOk = ReproducePyTorch();
Console.WriteLine();
bool roundTripOk = DeploymentRoundTrip();
Console.WriteLine();
Console.WriteLine(torchOk && roundTripOk ? "All checks passed." : "A check FAILED.");
return torchOk && roundTripOk ? 0 : 1;

// Part 1: the PyTorch-trained model, loaded by tensor order, against PyTorch's recorded probabilities.
static bool ReproducePyTorch()
{
    const double Tolerance = 1e-6;
    string folder = Path.Combine(AppContext.BaseDirectory, "data");
    string modelPath = Path.Combine(folder, "torch_sequential.safetensors");
    (float[] inputs, float[] torchProbabilities) = ReadTorchPredictions(Path.Combine(folder, "torch_predictions.csv"));
    int rows = inputs.Length / TorchNet.InputSize;

    Console.WriteLine("Part 1: a model trained in PyTorch, nn.Sequential(Linear(4, 16), Tanh(), Linear(16, 3))");
    var net = new TorchNet();
    Safetensors.Load(net, modelPath, SafetensorsNames.InOrder); // 0.weight, 0.bias -> layer 0; 2.weight, 2.bias -> layer 1
    Console.WriteLine($"loaded {Path.GetFileName(modelPath)} into TorchNet {string.Join("-", TorchNet.LayerSizes.ToArray())} " +
                      $"({TorchNet.ParameterCount} parameters) with SafetensorsNames.InOrder");

    var probabilities = new float[rows * TorchNet.OutputSize];
    net.Predict(inputs, probabilities);

    double worst = 0;
    double scale = 0;
    int sameClass = 0;
    Console.WriteLine("row  ours (softmax probabilities)      PyTorch (float32)                 class");
    for (int row = 0; row < rows; row++)
    {
        ReadOnlySpan<float> ours = probabilities.AsSpan(row * 3, 3);
        ReadOnlySpan<float> theirs = torchProbabilities.AsSpan(row * 3, 3);
        for (int j = 0; j < 3; j++)
        {
            worst = Math.Max(worst, Math.Abs((double)ours[j] - theirs[j]));
            scale = Math.Max(scale, Math.Abs((double)theirs[j]));
        }

        int ourClass = ArgMax(ours);
        int theirClass = ArgMax(theirs);
        sameClass += ourClass == theirClass ? 1 : 0;
        Console.WriteLine($"{row,3}  {Format(ours)}  {Format(theirs)}  {ourClass} / {theirClass}");
    }

    double error = worst / scale;
    bool ok = error <= Tolerance && sameClass == rows;
    Console.WriteLine($"largest difference {worst:E2}, relative to the largest probability (max|ours - torch| / max|torch|) {error:E2}; " +
                      $"tolerance {Tolerance:E0}; same class on {sameClass}/{rows} rows: {(ok ? "OK" : "FAILED")}");
    return ok;
}

// Part 2: train here, save, load the file in a second process, and compare predictions bit for bit.
static bool DeploymentRoundTrip()
{
    const double TargetAccuracy = 0.9;
    Console.WriteLine("Part 2: train here, save with Safetensors.Save, load in a second process");
    (float[] trainInputs, float[] trainTargets) = Ring.Make(count: 1000, seed: 11);
    (float[] testInputs, float[] testTargets) = Ring.Make(count: 400, seed: 12);

    var net = new RingNet();
    net.Initialize(seed: 1);
    var options = new TrainingOptions
    {
        Epochs = 40,
        BatchSize = 32,
        Shuffle = true,
        Seed = 7,
        MaxDegreeOfParallelism = 1,
        Progress = new EpochPrinter(interval: 10),
    };
    using (var trainer = new Trainer<RingNet>(net, new Adam(learningRate: 0.02f), options))
    {
        trainer.Fit(trainInputs, trainTargets);
    }

    var testPredictions = new float[testTargets.Length];
    net.Predict(testInputs, testPredictions);
    int correct = Enumerable.Range(0, testTargets.Length).Count(i => (testPredictions[i] >= 0.5f) == (testTargets[i] >= 0.5f));
    double accuracy = (double)correct / testTargets.Length;
    Console.WriteLine($"RingNet {string.Join("-", RingNet.LayerSizes.ToArray())}: held-out accuracy {accuracy:P1} ({correct}/{testTargets.Length}); target {TargetAccuracy:P0}");

    string folder = Path.Combine(Path.GetTempPath(), "backprop-pytorch-interop-" + Guid.NewGuid().ToString("N"));
    Directory.CreateDirectory(folder);
    try
    {
        string modelPath = Path.Combine(folder, "ring.safetensors");
        Safetensors.Save(net, modelPath);
        Console.WriteLine($"saved {modelPath} ({new FileInfo(modelPath).Length} bytes)");

        var ours = new float[Ring.Probes.Length / RingNet.InputSize];
        net.Predict(Ring.Probes, ours);

        float[]? theirs = RunChild(modelPath);
        if (theirs is null)
        {
            return false;
        }

        bool identical = theirs.Length == ours.Length
            && ours.Zip(theirs).All(pair => BitConverter.SingleToInt32Bits(pair.First) == BitConverter.SingleToInt32Bits(pair.Second));
        Console.WriteLine("probe  (x, y)          this process   child process");
        for (int i = 0; i < ours.Length; i++)
        {
            string child = i < theirs.Length ? theirs[i].ToString("R", CultureInfo.InvariantCulture) : "(missing)";
            Console.WriteLine($"{i,5}  ({Ring.Probes[2 * i],5:F2}, {Ring.Probes[(2 * i) + 1],5:F2})  {ours[i].ToString("R", CultureInfo.InvariantCulture),-13}  {child}");
        }

        Console.WriteLine($"the child's predictions are {(identical ? "bit-identical" : "DIFFERENT")}");
        return identical && accuracy >= TargetAccuracy;
    }
    finally
    {
        Directory.Delete(folder, recursive: true);
    }
}

// Starts this program again with --predict <file> and reads the predictions it prints.
static float[]? RunChild(string modelPath)
{
    var start = new ProcessStartInfo(Environment.ProcessPath ?? "dotnet")
    {
        RedirectStandardOutput = true,
        UseShellExecute = false,
    };
    if (Path.GetFileNameWithoutExtension(start.FileName).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
    {
        start.ArgumentList.Add(typeof(RingNet).Assembly.Location); // started as "dotnet PyTorchInterop.dll"
    }

    start.ArgumentList.Add("--predict");
    start.ArgumentList.Add(modelPath);
    using Process child = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {start.FileName}.");
    string output = child.StandardOutput.ReadToEnd();
    if (!child.WaitForExit(TimeSpan.FromMinutes(1)))
    {
        child.Kill();
        Console.WriteLine("the child process did not finish within a minute: FAILED");
        return null;
    }

    var predictions = new List<float>();
    foreach (string line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
    {
        Console.WriteLine($"  [child] {line}");
        string[] fields = line.Split(' ');
        if (fields.Length == 3 && fields[0] == "prediction")
        {
            predictions.Add(float.Parse(fields[2], CultureInfo.InvariantCulture));
        }
    }

    if (child.ExitCode != 0)
    {
        Console.WriteLine($"the child process exited with code {child.ExitCode}: FAILED");
        return null;
    }

    return predictions.ToArray();
}

// The child: a fresh network, nothing but the file.
static int PredictInChild(string modelPath)
{
    var net = new RingNet();
    try
    {
        Safetensors.Load(net, modelPath);
    }
    catch (ModelFileException exception)
    {
        Console.WriteLine(exception.Message);
        return 1;
    }

    var predictions = new float[Ring.Probes.Length / RingNet.InputSize];
    net.Predict(Ring.Probes, predictions);
    Console.WriteLine($"process {Environment.ProcessId} loaded {Path.GetFileName(modelPath)} into a new RingNet");
    for (int i = 0; i < predictions.Length; i++)
    {
        Console.WriteLine($"prediction {i} {predictions[i].ToString("R", CultureInfo.InvariantCulture)}");
    }

    return 0;
}

// Reads data/torch_predictions.csv: lines starting with '#' are comments, then a header, then x0..x3,p0..p2 per row.
static (float[] Inputs, float[] Probabilities) ReadTorchPredictions(string path)
{
    var inputs = new List<float>();
    var probabilities = new List<float>();
    foreach (string line in File.ReadLines(path).Where(line => line.Length > 0 && !line.StartsWith('#')).Skip(1))
    {
        float[] values = line.Split(',').Select(field => float.Parse(field, CultureInfo.InvariantCulture)).ToArray();
        inputs.AddRange(values.Take(TorchNet.InputSize));
        probabilities.AddRange(values.Skip(TorchNet.InputSize));
    }

    return (inputs.ToArray(), probabilities.ToArray());
}

static int ArgMax(ReadOnlySpan<float> values)
{
    int best = 0;
    for (int i = 1; i < values.Length; i++)
    {
        best = values[i] > values[best] ? i : best;
    }

    return best;
}

static string Format(ReadOnlySpan<float> values) =>
    string.Join(" ", values.ToArray().Select(value => value.ToString("F7", CultureInfo.InvariantCulture)));

/// <summary>A synthetic two-class problem: points in [-1.5, 1.5]^2, class 1 inside the unit circle.</summary>
internal static class Ring
{
    /// <summary>Fixed points the parent and the child both predict: inside, on the edge, outside.</summary>
    public static readonly float[] Probes =
    [
        0.0f, 0.0f,
        0.5f, -0.3f,
        -0.7f, 0.6f,
        0.9f, 0.2f,
        1.0f, 0.0f,
        -1.1f, -0.4f,
        1.3f, 1.3f,
        -1.4f, 0.9f,
    ];

    public static (float[] Inputs, float[] Targets) Make(int count, int seed)
    {
        var random = new Random(seed);
        var inputs = new float[count * 2];
        var targets = new float[count];
        for (int i = 0; i < count; i++)
        {
            float x = (float)((random.NextDouble() * 3) - 1.5);
            float y = (float)((random.NextDouble() * 3) - 1.5);
            inputs[2 * i] = x;
            inputs[(2 * i) + 1] = y;
            targets[i] = (x * x) + (y * y) < 1 ? 1 : 0;
        }

        return (inputs, targets);
    }
}

/// <summary>The PyTorch model's shape: 4 inputs, 16 tanh units, 3 softmax outputs (cross-entropy, as it was trained).</summary>
[Network(Layers = new[] { 4, 16, 3 },
         Activations = new[] { Activation.Tanh, Activation.Softmax },
         Loss = LossFunction.CrossEntropy)]
public partial class TorchNet { }

/// <summary>2 inputs, 16 tanh units, 1 sigmoid output: inside the circle or not.</summary>
[Network(Layers = new[] { 2, 16, 1 },
         Activations = new[] { Activation.Tanh, Activation.Sigmoid },
         Loss = LossFunction.BinaryCrossEntropy)]
public partial class RingNet { }
