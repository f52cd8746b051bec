#!/usr/bin/python3
"""Exports the W4 inference networks as ONNX files for the ONNX Runtime peer of OnnxRuntimeBenchmark.

Run with Debian's interpreter (python3-torch 1.13; no `onnx` Python package is needed):

    /usr/bin/python3 benchmarks/peers/export_onnx.py

Writes, as torch.onnx.export writes them (opset 13, Gemm + activation nodes, a dynamic batch dimension, input "input"
[batch, n0], output "output" [batch, nL]):

- benchmarks/peers/onnx/w4_8_4_1.onnx: Linear(8, 4), ReLU, Linear(4, 1), Sigmoid (W4a, the shape of W1);
- benchmarks/peers/onnx/w4_784_128_64_10.onnx: Linear(784, 128), ReLU, Linear(128, 64), ReLU, Linear(64, 10) (W4b,
  the shape of W3).

The weights follow a rule that C# (benchmarks/Backprop.Gen.Benchmarks/PeerWeights.cs) and C
(benchmarks/peers/w4b_predict.c) compute to the same bits, so no weight file is needed beside the model:
w[l][k][j] = ((7k + 13j + 5l) mod 17 - 8) / (8 sqrt(n_in)) and b[l][j] = ((3j + l) mod 5 - 2) / 100, in double,
rounded to float32 (k is the input, j the output; PyTorch's Linear holds the transpose, weight[j][k]). Their values do
not matter to the timing; the benchmark checks that ONNX Runtime and Predict compute the same outputs.
"""

import math
import os

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))


def rule_weights(layer, fan_in, fan_out):
    w = np.empty((fan_in, fan_out), dtype=np.float64)
    for k in range(fan_in):
        for j in range(fan_out):
            w[k, j] = ((7 * k + 13 * j + 5 * layer) % 17 - 8) / (8.0 * math.sqrt(fan_in))
    b = np.array([((3 * j + layer) % 5 - 2) / 100.0 for j in range(fan_out)], dtype=np.float64)
    return w.astype(np.float32), b.astype(np.float32)


def network(sizes, hidden, output):
    modules = []
    for layer in range(len(sizes) - 1):
        linear = torch.nn.Linear(sizes[layer], sizes[layer + 1])
        w, b = rule_weights(layer, sizes[layer], sizes[layer + 1])
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(w.T.copy()))
            linear.bias.copy_(torch.from_numpy(b))
        modules.append(linear)
        last = layer == len(sizes) - 2
        activation = output if last else hidden
        if activation is not None:
            modules.append(activation())
    return torch.nn.Sequential(*modules)


def export(name, model, inputs):
    model.eval()
    path = os.path.join(HERE, "onnx", name + ".onnx")
    example = torch.zeros(1, inputs)
    torch.onnx.export(model, example, path, opset_version=13, input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
    print("wrote", path)


def main():
    os.makedirs(os.path.join(HERE, "onnx"), exist_ok=True)
    export("w4_8_4_1", network([8, 4, 1], torch.nn.ReLU, torch.nn.Sigmoid), 8)
    export("w4_784_128_64_10", network([784, 128, 64, 10], torch.nn.ReLU, None), 784)


if __name__ == "__main__":
    main()
