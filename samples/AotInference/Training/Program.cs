// Produces the two committed inputs of samples/AotInference, deterministically (fixed seeds, one thread):
//   digits-64-32-10.safetensors  the trained weights, which the generator bakes into the native executable;
//   HeldOutDigits.cs             the first two held-out images of each digit, their labels, and the probabilities this
//                                (JIT-compiled) process predicts for them, which the native executable must reproduce.
// The network is trained on the 8x8 digits of samples/Digits (same data, same 80/20 split seed) with pixels scaled
// from 0..16 to 0..1, so the deployed program needs no fitted statistics.
//
// Usage (from the repository root): dotnet run --project samples/AotInference/Training -- samples/AotInference
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using Backprop;
using Backprop.Samples.Digits;

const int Classes = 10;
const int PerClass = 2;
const string ModelFile = "digits-64-32-10.safetensors";

if (args.Length != 1 || !Directory.Exists(args[0]))
{
    Console.Error.WriteLine("Usage: dotnet run --project samples/AotInference/Training -- <folder of AotInference.csproj>");
    return 2;
}

string outputFolder = args[0];
DigitsData data = DigitsData.Load();
float[] scaled = data.Pixels.Select(p => p / 16f).ToArray();   // exact: p is an integer 0..16
var split = TrainTestSplit.Create(scaled, DigitsNet.InputSize, OneHot.Encode(data.Labels, Classes), Classes, testFraction: 0.2, seed: 2024);
int testRows = split.TestTargets.Length / Classes;

var net = new DigitsNet();
net.Initialize(seed: 1);
var options = new TrainingOptions
{
    Epochs = 200,
    BatchSize = 32,
    Shuffle = true,
    Seed = 7,
    ValidationSplit = 0.15,
    EarlyStoppingPatience = 5,
    EarlyStoppingMinDelta = 1e-3f,
    RestoreBestWeights = true,
    MaxDegreeOfParallelism = 1,   // bit-identical results need a fixed thread count
};
using (var trainer = new Trainer<DigitsNet>(net, new Adam(learningRate: 2e-3f), options))
{
    TrainingResult result = trainer.Fit(split.TrainInputs, split.TrainTargets);
    Console.WriteLine($"DigitsNet 64-32-10: {result.EpochsRun} epochs ({result.StopReason}; weights of epoch {result.BestEpoch} kept)");
}

var predictions = new float[testRows * Classes];
net.Predict(split.TestInputs, predictions);
double accuracy = Metrics.Accuracy(predictions, split.TestTargets, Classes);
int correct = (int)Math.Round(accuracy * testRows);
Console.WriteLine($"held-out accuracy: {accuracy:P1} ({correct}/{testRows})");

// The first PerClass held-out images of each digit, in digit order: chosen by position, not by how well they do.
var chosen = new List<int>();
for (int digit = 0; digit < Classes; digit++)
{
    chosen.AddRange(Enumerable.Range(0, testRows).Where(row => Label(split.TestTargets, row) == digit).Take(PerClass));
}

string modelPath = Path.Combine(outputFolder, ModelFile);
Safetensors.Save(net, modelPath);
Console.WriteLine($"saved {modelPath} ({new FileInfo(modelPath).Length} bytes)");

var source = new StringBuilder();
source.Append($$"""
    // Written by samples/AotInference/Training (dotnet run --project samples/AotInference/Training -- samples/AotInference);
    // rerun it instead of editing. The first {{PerClass}} held-out images of each digit from the 80/20 split (seed 2024) of
    // samples/Digits' data, which the network never saw in training, and what the JIT-compiled trainer predicted for them.
    // The model scored {{accuracy.ToString("P1", CultureInfo.InvariantCulture)}} ({{correct}}/{{testRows}}) on the whole held-out part.
    namespace Backprop.Samples.AotInference;

    internal static class HeldOutDigits
    {
        /// <summary>The number of embedded images.</summary>
        public const int Count = {{chosen.Count}};

        /// <summary>The model's accuracy on all {{testRows}} held-out images, measured after training.</summary>
        public const string TestAccuracy = "{{accuracy.ToString("P1", CultureInfo.InvariantCulture)}} ({{correct}}/{{testRows}})";

        /// <summary>The true digit of each image.</summary>
        public static System.ReadOnlySpan<byte> Labels => [{{string.Join(", ", chosen.Select(row => Label(split.TestTargets, row)))}}];

        /// <summary>64 pixel intensities 0..16 per image, row-major 8x8.</summary>
        public static System.ReadOnlySpan<byte> Pixels =>
        [

    """);
for (int i = 0; i < chosen.Count; i++)
{
    source.Append("        // image ").Append(i).Append(", a ").Append(Label(split.TestTargets, chosen[i])).Append('\n');
    for (int line = 0; line < 8; line++)
    {
        IEnumerable<string> pixels = split.TestInputs.Skip(chosen[i] * DigitsNet.InputSize + line * 8).Take(8).Select(p => ((int)(p * 16f)).ToString(CultureInfo.InvariantCulture).PadLeft(2));
        source.Append("        ").Append(string.Join(", ", pixels)).Append(",\n");
    }
}

source.Append("""
        ];

        /// <summary>The 10 class probabilities the trainer's process predicted for each image; one image a line.</summary>
        public static System.ReadOnlySpan<float> ExpectedProbabilities =>
        [

    """);
foreach (int row in chosen)
{
    IEnumerable<string> values = predictions.Skip(row * Classes).Take(Classes).Select(p => p.ToString("R", CultureInfo.InvariantCulture) + "f");
    source.Append("        ").Append(string.Join(", ", values)).Append(",\n");
}

source.Append("""
        ];
    }

    """);
string sourcePath = Path.Combine(outputFolder, "HeldOutDigits.cs");
File.WriteAllText(sourcePath, source.ToString().ReplaceLineEndings("\n"));

int chosenCorrect = chosen.Count(row => ArgMax(predictions, row) == Label(split.TestTargets, row));
float smallestMargin = chosen.Min(Margin);
Console.WriteLine($"wrote {sourcePath}: {chosen.Count} images, {chosenCorrect} classified correctly, smallest gap between the two most likely classes {smallestMargin:F3}");
return 0;

int Label(float[] oneHot, int row) => ArgMax(oneHot, row);

int ArgMax(float[] rows, int row)
{
    ReadOnlySpan<float> values = rows.AsSpan(row * Classes, Classes);
    int best = 0;
    for (int i = 1; i < values.Length; i++)
    {
        if (values[i] > values[best])
        {
            best = i;
        }
    }

    return best;
}

float Margin(int row)
{
    float[] sorted = predictions.Skip(row * Classes).Take(Classes).OrderDescending().ToArray();
    return sorted[0] - sorted[1];
}

/// <summary>The network of samples/AotInference, without build-time weights (this program produces them).</summary>
[Network(Layers = new[] { 64, 32, 10 },
         Activations = new[] { Activation.ReLU, Activation.Softmax },
         Loss = LossFunction.CrossEntropy)]
public partial class DigitsNet { }
