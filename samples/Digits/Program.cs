// Digits: recognizing handwritten digits from 8x8 images (1797 images, 64 pixels each, classes 0..9).
// Demonstrates a realistic classification run with the Trainer: data read from a gzip CSV, a seeded 80/20 split
// (TrainTestSplit), standardization fitted on the training part only, one-hot targets, a ReLU + softmax network
// with cross-entropy, Adam on shuffled minibatches of 32, a validation split with early stopping that restores the
// best weights, per-epoch progress, accuracy on the untouched test part, and a loss-curve picture (ScottPlot, SVG).
// Every seed is fixed, so every run prints the same numbers. Exits 0 if the test accuracy reaches 97 % and the second process agrees, 1 otherwise.
// The figure depends on which 359 images the split holds out: about 97 % on average over split seeds 1 to 6 with
// these settings (95.8-99.2 %), 97.5-98.6 % for this split over other initialization and shuffling seeds (the split
// seed was fixed before any tuning).
//
// Finally the trained model is saved with Safetensors.Save and loaded by a second process (this program run again with
// --evaluate <file>), which must predict the held-out images bit-identically.
//
// Usage: dotnet run --project samples/Digits [-- path/of/loss-curve.svg]   (default: digits-loss.svg next to the executable)
using System;
using System.IO;
using Backprop;
using Backprop.Samples;
using Backprop.Samples.Digits;

const double Target = 0.97;
const int Classes = 10;
bool secondProcess = args.Length == 2 && args[0] == SecondProcess.Flag;
string plotPath = args.Length == 1 ? args[0] : Path.Combine(AppContext.BaseDirectory, "digits-loss.svg");

DigitsData data = DigitsData.Load();
float[] targets = OneHot.Encode(data.Labels, Classes);
var split = TrainTestSplit.Create(data.Pixels, DigitsNet.InputSize, targets, Classes, testFraction: 0.2, seed: 2024);

// Statistics from the training images only; pixels that are always 0 there are left at 0 (only centred).
var standardizer = Standardizer.Fit(split.TrainInputs, DigitsNet.InputSize);
float[] trainInputs = standardizer.Transform(split.TrainInputs);
float[] testInputs = standardizer.Transform(split.TestInputs);
int testRows = testInputs.Length / DigitsNet.InputSize;

if (secondProcess)
{
    // The deployment side: nothing but the saved file (and the same held-out images).
    var deployed = new DigitsNet();
    Safetensors.Load(deployed, args[1]);
    var deployedPredictions = new float[testRows * Classes];
    deployed.Predict(testInputs, deployedPredictions);
    Console.WriteLine($"loaded {Path.GetFileName(args[1])}: test accuracy {Metrics.Accuracy(deployedPredictions, split.TestTargets, Classes):P1}");
    Console.WriteLine($"fingerprint {SecondProcess.Fingerprint(deployedPredictions):X16}");
    return 0;
}

Console.WriteLine($"Digits: {data.Count} images of 8x8 pixels, {data.Count - testRows} for training (15 % of them for validation), {testRows} held out for the test");
Console.WriteLine($"DigitsNet {string.Join("-", DigitsNet.LayerSizes.ToArray())}: {DigitsNet.ParameterCount} parameters, Adam, batches of 32, early stopping");

var net = new DigitsNet();
net.Initialize(seed: 1);

// Early stopping: stop once the validation loss has not improved by 0.001 for 5 epochs, and keep the weights of
// the last epoch that improved it. Epochs = 100 is only a ceiling.
// Validation comes from the training part (its last 15 %, already in shuffled order), never from the test part:
// early stopping picks the epoch whose weights are kept, and a choice made on the test images would make their
// accuracy an optimistic estimate. The test part is looked at exactly once, after training.
// One thread: the trainer is bit-identical for a given thread count, so pinning it keeps the result independent
// of the machine's core count (this network is too small for the trainer to split a batch of 32 over cores anyway).
var options = new TrainingOptions
{
    Epochs = 100,
    BatchSize = 32,
    Shuffle = true,
    Seed = 7,
    ValidationSplit = 0.15,
    EarlyStoppingPatience = 5,
    EarlyStoppingMinDelta = 1e-3f,
    RestoreBestWeights = true,
    MaxDegreeOfParallelism = 1,
    Progress = new EpochPrinter(interval: 1),
};
using var trainer = new Trainer<DigitsNet>(net, new Adam(learningRate: 2e-3f), options);
TrainingResult result = trainer.Fit(trainInputs, split.TrainTargets);

var predictions = new float[testRows * Classes];
net.Predict(testInputs, predictions);
double accuracy = Metrics.Accuracy(predictions, split.TestTargets, Classes);
int correct = (int)Math.Round(accuracy * testRows);

Console.WriteLine($"{result.EpochsRun} epochs ({result.StopReason}; weights of epoch {result.BestEpoch}, the last to improve the validation loss, restored) in {result.History[^1].Elapsed.TotalSeconds:F2} s");
LossCurve.Save(result.History, result.BestEpoch, plotPath);
Console.WriteLine($"loss curve: {plotPath}");
Console.WriteLine($"test accuracy: {accuracy:P1} ({correct}/{testRows}), target {Target:P0}: {(accuracy >= Target ? "reached" : "NOT reached")}");

// Save the trained model and let a second process load it and predict the same images.
string folder = Directory.CreateTempSubdirectory("digits-model-").FullName;
bool identical;
try
{
    string modelPath = Path.Combine(folder, "digits.safetensors");
    Safetensors.Save(net, modelPath);
    Console.WriteLine($"saved {new FileInfo(modelPath).Length} bytes to {modelPath}; loading it in a second process:");
    identical = SecondProcess.Evaluate(modelPath) == SecondProcess.Fingerprint(predictions);
    Console.WriteLine($"second process predictions: {(identical ? "bit-identical" : "DIFFERENT")}");
}
finally
{
    Directory.Delete(folder, recursive: true);
}

return accuracy >= Target && identical ? 0 : 1;

/// <summary>64 pixels, 64 ReLU hidden units, 10 softmax outputs trained with cross-entropy.</summary>
[Network(Layers = new[] { 64, 64, 10 },
         Activations = new[] { Activation.ReLU, Activation.Softmax },
         Loss = LossFunction.CrossEntropy)]
public partial class DigitsNet { }
