// OnnxInterop: an MLP trained in PyTorch, exported with torch.onnx.export, used here, and handed back to ONNX Runtime.
//
// data/iris_mlp.onnx is nn.Sequential(nn.Linear(4, 16), nn.Tanh(), nn.Linear(16, 3)) trained on 120 iris flowers
// (data/make_model.py): two Gemm nodes with a Tanh between them, ending in logits, as PyTorch exports a classifier
// trained with cross-entropy. IrisNet declares the same shape ending in Softmax with CrossEntropy, which is how a
// logits graph loads (the softmax PyTorch applied outside the model is part of the network here).
//
//   1. Onnx.Load reads the file into IrisNet; its probabilities for the 30 held-out flowers are compared with the ones
//      PyTorch computed (data/heldout.csv).
//   2. BakedIrisNet names the same file in its declaration (Weights = "iris_mlp.onnx", an AdditionalFiles item), so the
//      generator compiled its weights into the assembly: a new instance predicts the same bits with no file read.
//   3. Onnx.Save writes IrisNet as an ONNX model of its own (Gemm, Tanh, Gemm, Softmax; the declaration in its
//      metadata), and ONNX Runtime, in this process, runs that file on the same flowers.
//
// Exits 0 if PyTorch's probabilities are reproduced to 1e-6 (normwise relative error), the baked-in network predicts
// the same bits as the loaded one, and ONNX Runtime's probabilities for the saved model agree with ours to 1e-6.
//
// Usage: dotnet run --project samples/OnnxInterop
using System;
using System.Globalization;
using System.IO;
using System.Linq;
using Backprop;
using Microsoft.ML.OnnxRuntime;

const int Classes = 3;
const double Tolerance = 1e-6;
string[] species = { "setosa", "versicolor", "virginica" };

string[] rows = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "data", "heldout.csv")).Skip(1).ToArray();
double[][] fields = rows.Select(row => row.Split(',').Select(field => double.Parse(field, CultureInfo.InvariantCulture)).ToArray()).ToArray();
float[] inputs = fields.SelectMany(row => row.Take(IrisNet.InputSize)).Select(value => (float)value).ToArray();
int[] labels = fields.Select(row => (int)row[IrisNet.InputSize]).ToArray();
double[] torchProbabilities = fields.SelectMany(row => row.Skip(IrisNet.InputSize + 1)).ToArray();
int count = rows.Length;

// 1. PyTorch's export, loaded at run time.
var net = new IrisNet();
Onnx.Load(net, Path.Combine(AppContext.BaseDirectory, "data", "iris_mlp.onnx"));
var probabilities = new float[count * Classes];
net.Predict(inputs, probabilities);
double torchError = RelativeError(probabilities, torchProbabilities);
int correct = Enumerable.Range(0, count).Count(i => ArgMax(probabilities.AsSpan(i * Classes, Classes)) == labels[i]);
Console.WriteLine("Held-out flowers: ours against PyTorch (probability of the predicted species)");
for (int i = 0; i < count; i += 6)
{
    int predicted = ArgMax(probabilities.AsSpan(i * Classes, Classes));
    Console.WriteLine($"  flower {i,2}: {species[labels[i]],-10} predicted {species[predicted],-10} p = {probabilities[(i * Classes) + predicted]:F6}  PyTorch {torchProbabilities[(i * Classes) + predicted]:F6}");
}

Console.WriteLine($"accuracy {correct}/{count}; largest relative difference from PyTorch {torchError:E2} (tolerance {Tolerance:E0})");

// 2. The same file, baked in at build time.
var baked = new BakedIrisNet();
var bakedProbabilities = new float[count * Classes];
baked.Predict(inputs, bakedProbabilities);
bool bakedSame = bakedProbabilities.AsSpan().SequenceEqual(probabilities) && baked.Parameters.SequenceEqual(net.Parameters);
Console.WriteLine($"BakedIrisNet (Weights = \"iris_mlp.onnx\"): {(bakedSame ? "the same parameters and predictions, no file read" : "DIFFERS")}");

// 3. Saved here, run by ONNX Runtime.
string folder = Directory.CreateTempSubdirectory("onnx-interop-").FullName;
double runtimeError;
try
{
    string saved = Path.Combine(folder, "iris_backprop.onnx");
    Onnx.Save(net, saved);
    using var options = new SessionOptions { IntraOpNumThreads = 1 };
    using var session = new InferenceSession(saved, options);
    using var runOptions = new RunOptions();
    using OrtValue input = OrtValue.CreateTensorValueFromMemory(inputs, new long[] { count, IrisNet.InputSize });
    using var results = session.Run(runOptions, new[] { "input" }, new[] { input }, session.OutputNames);
    float[] theirs = results[0].GetTensorDataAsSpan<float>().ToArray();
    runtimeError = RelativeError(theirs, probabilities.Select(value => (double)value).ToArray());
    Console.WriteLine($"Saved {new FileInfo(saved).Length} bytes with Onnx.Save; ONNX Runtime {OrtEnv.Instance().GetVersionString()} ran it: " +
        $"largest relative difference from ours {runtimeError:E2} (tolerance {Tolerance:E0})");
}
finally
{
    Directory.Delete(folder, recursive: true);
}

bool ok = torchError <= Tolerance && bakedSame && runtimeError <= Tolerance;
Console.WriteLine(ok ? "All checks passed." : "FAILED");
return ok ? 0 : 1;

// max_i |x_i - ref_i| / max_i |ref_i|: the normwise relative error the tests use.
static double RelativeError(float[] actual, double[] expected) =>
    actual.Zip(expected, (a, e) => Math.Abs(a - e)).Max() / expected.Max(Math.Abs);

static int ArgMax(ReadOnlySpan<float> values)
{
    int best = 0;
    for (int i = 1; i < values.Length; i++)
    {
        best = values[i] > values[best] ? i : best;
    }

    return best;
}

/// <summary>4 measurements, 16 tanh units, 3 species; the weights come from an ONNX file at run time.</summary>
[Network(Layers = new[] { 4, 16, 3 }, Activations = new[] { Activation.Tanh, Activation.Softmax }, Loss = LossFunction.CrossEntropy)]
public partial class IrisNet { }

/// <summary>The same network with the weights of data/iris_mlp.onnx compiled in.</summary>
[Network(Layers = new[] { 4, 16, 3 }, Activations = new[] { Activation.Tanh, Activation.Softmax }, Loss = LossFunction.CrossEntropy, Weights = "iris_mlp.onnx")]
public partial class BakedIrisNet { }
