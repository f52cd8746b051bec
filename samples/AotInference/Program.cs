// AotInference: a trained digit classifier deployed as one native executable (NativeAOT), with its weights baked in
// at build time. DigitsNet names digits-64-32-10.safetensors in its declaration and the project lists the file as an
// AdditionalFiles item, so the generator writes the 2,410 parameters into the code: `new DigitsNet()` is ready to
// predict without reading any file (only the ONNX round trip at the end writes and reads one, in the temp folder).
// The 20 held-out images it classifies are in HeldOutDigits.cs.
//
// Both files come from samples/AotInference/Training (train, save, pick the images, record the expected outputs):
//   dotnet run --project samples/AotInference/Training -- samples/AotInference
//
// Exits 0 only if
//   - at most MaxMisclassified of the 20 images are misclassified (the model scores 97.5 % on all 359 held-out
//     images; it gets these 20 right), and
//   - every class probability is within ProbabilityTolerance of what the JIT-compiled trainer predicted, so the
//     native code computes the same function (it may differ in the last bits: it can pick other SIMD paths), and
//   - the model saved as ONNX (Onnx.Save, into the temp folder) and loaded back into a network declared without
//     weights (Onnx.Load) predicts the same bits: the ONNX reader and writer work in a native executable too.
//
// Usage: dotnet run --project samples/AotInference, or natively (what .ci/aot does):
//   dotnet publish samples/AotInference -c Release -r linux-x64 && samples/AotInference/bin/Release/net10.0/linux-x64/publish/AotInference
using System;
using Backprop;
using Backprop.Samples.AotInference;

const int Classes = 10;
const int MaxMisclassified = 1;
const float ProbabilityTolerance = 1e-5f;

var net = new DigitsNet();   // the baked-in weights: no Initialize, no Safetensors.Load

var inputs = new float[HeldOutDigits.Count * DigitsNet.InputSize];
for (int i = 0; i < inputs.Length; i++)
{
    inputs[i] = HeldOutDigits.Pixels[i] / 16f;   // the scaling the network was trained with
}

var probabilities = new float[HeldOutDigits.Count * Classes];
net.Predict(inputs, probabilities);

int correct = 0;
int changed = 0;
float largestDifference = 0;
for (int image = 0; image < HeldOutDigits.Count; image++)
{
    ReadOnlySpan<float> actual = probabilities.AsSpan(image * Classes, Classes);
    ReadOnlySpan<float> expected = HeldOutDigits.ExpectedProbabilities.Slice(image * Classes, Classes);
    int predicted = ArgMax(actual);
    int label = HeldOutDigits.Labels[image];
    float difference = 0;
    for (int c = 0; c < Classes; c++)
    {
        difference = MathF.Max(difference, MathF.Abs(actual[c] - expected[c]));
    }

    bool same = predicted == ArgMax(expected) && difference <= ProbabilityTolerance;
    correct += predicted == label ? 1 : 0;
    changed += same ? 0 : 1;
    largestDifference = MathF.Max(largestDifference, difference);
    Console.WriteLine($"image {image,2}: label {label}, predicted {predicted} (p = {actual[predicted]:F4}){(predicted == label ? "" : "  MISCLASSIFIED")}{(same ? "" : "  DIFFERS FROM EXPECTED")}");
}

bool accurate = HeldOutDigits.Count - correct <= MaxMisclassified;
bool reproduced = changed == 0;
bool onnxSame = OnnxRoundTrip(net, inputs, probabilities);
Console.WriteLine($"DigitsNet {string.Join("-", DigitsNet.LayerSizes.ToArray())}, {DigitsNet.ParameterCount} parameters baked in; held-out accuracy when trained: {HeldOutDigits.TestAccuracy}");
Console.WriteLine($"accuracy: {correct}/{HeldOutDigits.Count} ({(double)correct / HeldOutDigits.Count:P1}), at most {MaxMisclassified} misclassified allowed: {(accurate ? "ok" : "FAILED")}");
Console.WriteLine($"largest difference from the expected probabilities: {largestDifference:0.0E+0} (tolerance {ProbabilityTolerance:0E+0}), {changed} image(s) differ: {(reproduced ? "ok" : "FAILED")}");
Console.WriteLine($"ONNX round trip (Onnx.Save, Onnx.Load into DigitsNetFromFile): {(onnxSame ? "same predictions: ok" : "FAILED")}");
return accurate && reproduced && onnxSame ? 0 : 1;

static bool OnnxRoundTrip(DigitsNet net, float[] inputs, float[] probabilities)
{
    string path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"digits-{Environment.ProcessId}.onnx");
    try
    {
        Onnx.Save(net, path);
        var fromFile = new DigitsNetFromFile();
        Onnx.Load(fromFile, path);
        var again = new float[probabilities.Length];
        fromFile.Predict(inputs, again);
        return again.AsSpan().SequenceEqual(probabilities);
    }
    finally
    {
        System.IO.File.Delete(path);
    }
}

static int ArgMax(ReadOnlySpan<float> values)
{
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

/// <summary>64 pixels, 32 ReLU hidden units, 10 softmax outputs, with the weights of the committed file.</summary>
[Network(Layers = new[] { 64, 32, 10 },
         Activations = new[] { Activation.ReLU, Activation.Softmax },
         Loss = LossFunction.CrossEntropy,
         Weights = "digits-64-32-10.safetensors")]
public partial class DigitsNet { }

/// <summary>The same network without baked-in weights, for the ONNX round trip.</summary>
[Network(Layers = new[] { 64, 32, 10 }, Activations = new[] { Activation.ReLU, Activation.Softmax }, Loss = LossFunction.CrossEntropy)]
public partial class DigitsNetFromFile { }
