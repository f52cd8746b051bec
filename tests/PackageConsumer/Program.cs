// Uses the package Backprop.Gen the way its README does, and exits non-zero when any check fails.
using Backprop;

int failures = 0;
void Check(bool passed, string what)
{
    Console.WriteLine($"{(passed ? "ok  " : "FAIL")} {what}");
    failures += passed ? 0 : 1;
}

float[] inputs = [0, 0, 0, 1, 1, 0, 1, 1];
float[] targets = [0, 1, 1, 0];

int Correct(XorNet net)
{
    var predictions = new float[4];
    net.Predict(inputs, predictions);
    return Enumerable.Range(0, 4).Count(i => (predictions[i] >= 0.5f) == (targets[i] >= 0.5f));
}

// 1. The generator ran: constants and members of the declared shape.
Check(XorNet.InputSize == 2 && XorNet.OutputSize == 1 && XorNet.ParameterCount == 17, "XorNet is 2-4-1 with 17 parameters");

// 2. Full-batch gradient descent solves XOR.
var descended = new XorNet();
descended.Initialize(seed: 1);
var descent = new GradientDescent<float>(descended, learningRate: 0.5f);
for (int step = 0; step < 2000; step++)
{
    descent.Step(inputs, targets);
}

Check(Correct(descended) == 4, $"GradientDescent<float>: XOR {Correct(descended)}/4 correct, loss {descended.Loss(inputs, targets):F4}");

// 3. The trainer with Adam solves it too.
var trained = new XorNet();
trained.Initialize(seed: 2);
using (var trainer = new Trainer<XorNet>(trained, new Adam(learningRate: 0.05f), new TrainingOptions { Epochs = 300, BatchSize = 4, Seed = 3 }))
{
    TrainingResult result = trainer.Fit(inputs, targets);
    Check(Correct(trained) == 4, $"Trainer<XorNet> with Adam: XOR {Correct(trained)}/4 correct after {result.EpochsRun} epochs");
}

// 4. Save and load a safetensors file: the loaded network predicts exactly like the saved one.
string path = Path.Combine(Path.GetTempPath(), $"backprop-consumer-{Guid.NewGuid():N}.safetensors");
try
{
    Safetensors.Save(descended, path);
    var loaded = new XorNet();
    Safetensors.Load(loaded, path);
    var expected = new float[4];
    var actual = new float[4];
    descended.Predict(inputs, expected);
    loaded.Predict(inputs, actual);
    Check(expected.SequenceEqual(actual) && loaded.Parameters.SequenceEqual(descended.Parameters), $"safetensors round trip ({new FileInfo(path).Length} bytes)");

    bool refused = false;
    try
    {
        Safetensors.Load(new EmbeddedTwinNet(), path);
    }
    catch (ModelFileException)
    {
        refused = true;
    }

    Check(refused, "a 2-4-1 file is refused by a 3-5-2 network");
}
finally
{
    File.Delete(path);
}

// 5. Build-time weights: the package's build/Backprop.Gen.targets passed embedded.safetensors to the generator.
//    The file holds sin(i + 1) in file order; layers.0.weight is [5, 3], so W1[k, j] = sin(3j + k + 1).
var embedded = new EmbeddedNet();
bool layout = true;
for (int j = 0; j < 5; j++)
{
    for (int k = 0; k < 3; k++)
    {
        layout &= Math.Abs(embedded.Parameters[(k * 5) + j] - MathF.Sin((3 * j) + k + 1)) < 1e-6f;
    }
}

Check(layout && Math.Abs(embedded.Parameters[^1] - MathF.Sin(32)) < 1e-6f, "EmbeddedNet starts with the weights baked in at build time");
var twin = new EmbeddedTwinNet();
Safetensors.Load(twin, Path.Combine(AppContext.BaseDirectory, "embedded.safetensors"));
Check(twin.Parameters.SequenceEqual(embedded.Parameters), "and they equal the same file loaded at run time");

// 6. ONNX: a model exported by PyTorch (torch.onnx.export, Gemm layers) loads at run time and predicts what PyTorch
//    computed; the same file baked in at build time gives the same parameters; a saved model loads back bit for bit.
string onnxPath = Path.Combine(AppContext.BaseDirectory, "gemm_relu_sigmoid.onnx");
var fromOnnx = new OnnxTwinNet();
Onnx.Load(fromOnnx, onnxPath);
float[] onnxInputs = [-0.3f, 1.2f, 0.5f, -2f];
var fromFile = new float[3];
fromOnnx.Predict(onnxInputs, fromFile);
var bakedOutputs = new float[3];
new OnnxNet().Predict(onnxInputs, bakedOutputs);
Check(new OnnxNet().Parameters.SequenceEqual(fromOnnx.Parameters) && bakedOutputs.SequenceEqual(fromFile), "OnnxNet baked in from a PyTorch ONNX export equals Onnx.Load of the same file");
string savedOnnx = Path.Combine(Path.GetTempPath(), $"backprop-consumer-{Guid.NewGuid():N}.onnx");
try
{
    Onnx.Save(fromOnnx, savedOnnx);
    var reloaded = new OnnxTwinNet();
    Onnx.Load(reloaded, savedOnnx);
    Check(reloaded.Parameters.SequenceEqual(fromOnnx.Parameters), $"ONNX round trip ({new FileInfo(savedOnnx).Length} bytes)");
}
finally
{
    File.Delete(savedOnnx);
}

Console.WriteLine(failures == 0 ? "All checks passed." : $"{failures} check(s) failed.");
return failures == 0 ? 0 : 1;

/// <summary>2 inputs, 4 tanh hidden units, 1 sigmoid output, binary cross-entropy.</summary>
[Network(Layers = new[] { 2, 4, 1 }, Activations = new[] { Activation.Tanh, Activation.Sigmoid }, Loss = LossFunction.BinaryCrossEntropy)]
public partial class XorNet { }

/// <summary>3 -> 5 tanh -> 2, its parameters read from embedded.safetensors when the project is built.</summary>
[Network(Layers = new[] { 3, 5, 2 }, Activations = new[] { Activation.Tanh, Activation.Identity }, Weights = "embedded.safetensors")]
public partial class EmbeddedNet { }

/// <summary>The same shape without build-time weights.</summary>
[Network(Layers = new[] { 3, 5, 2 }, Activations = new[] { Activation.Tanh, Activation.Identity })]
public partial class EmbeddedTwinNet { }

/// <summary>4 -> 6 ReLU -> 3 sigmoid, its parameters read from a PyTorch ONNX export when the project is built.</summary>
[Network(Layers = new[] { 4, 6, 3 }, Activations = new[] { Activation.ReLU, Activation.Sigmoid }, Weights = "gemm_relu_sigmoid.onnx")]
public partial class OnnxNet { }

/// <summary>The same shape without build-time weights.</summary>
[Network(Layers = new[] { 4, 6, 3 }, Activations = new[] { Activation.ReLU, Activation.Sigmoid })]
public partial class OnnxTwinNet { }
