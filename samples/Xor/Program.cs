using System;
using Backprop;

// XOR: the smallest problem a single layer cannot solve. Four examples, one per row.
float[] inputs =
[
    0, 0,
    0, 1,
    1, 0,
    1, 1,
];
float[] targets = [0, 1, 1, 0];

var net = new XorNet();
net.Initialize(seed: 1);
var descent = new GradientDescent<float>(net, learningRate: 0.5f);

Console.WriteLine($"XorNet {string.Join("-", XorNet.LayerSizes.ToArray())}: {XorNet.ParameterCount} parameters");
const int Steps = 2000;
for (int step = 0; step <= Steps; step++)
{
    float loss = step < Steps ? descent.Step(inputs, targets) : net.Loss(inputs, targets);
    if (step % 250 == 0)
    {
        Console.WriteLine($"step {step,4}: loss {loss:F6}");
    }
}

var predictions = new float[4];
net.Predict(inputs, predictions);
int correct = 0;
for (int i = 0; i < 4; i++)
{
    bool right = (predictions[i] >= 0.5f) == (targets[i] >= 0.5f);
    correct += right ? 1 : 0;
    Console.WriteLine($"{inputs[2 * i]} xor {inputs[(2 * i) + 1]} = {predictions[i]:F4} (expected {targets[i]}) {(right ? "correct" : "WRONG")}");
}

Console.WriteLine($"{correct}/4 correct");
return correct == 4 ? 0 : 1;

/// <summary>2 inputs, 4 tanh hidden units, 1 sigmoid output trained with binary cross-entropy.</summary>
[Network(Layers = new[] { 2, 4, 1 },
         Activations = new[] { Activation.Tanh, Activation.Sigmoid },
         Loss = LossFunction.BinaryCrossEntropy)]
public partial class XorNet { }
