#!/usr/bin/python3
"""Exports the W4 inference networks as ONNX files for the ONNX Runtime peer of OnnxRuntimeBenchmark.

Run with Debian's interpreter (python3-torch 1.13; no `onnx` Python package is needed):

    /usr/bin/python3 benchmarks/peers/export_onnx.py

Writes benchmarks/peers/onnx/w4_8_4_1.onnx: nn.Sequential(Linear(8, 4), ReLU(), Linear(4, 1), Sigmoid()), the
shape of W1 and W4's small network, as torch.onnx.export writes it (opset 13, Gemm + activation nodes), with a dynamic
batch dimension. Input "input" [batch, 8], output "output" [batch, 1]. The weights are seeded; their values do not
matter to the timing, and the benchmark checks the file's outputs against the same weights computed by hand.
Also writes w4_8_4_1.weights.json: the weights as PyTorch holds them, for that check.
"""

import json
import os

import torch

HERE = os.path.dirname(os.path.abspath(__file__))


def export(name, model, inputs):
    model.eval()
    path = os.path.join(HERE, "onnx", name + ".onnx")
    example = torch.zeros(1, inputs)
    torch.onnx.export(model, example, path, opset_version=13, input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
    weights = {key: value.tolist() for key, value in model.state_dict().items()}
    with open(os.path.join(HERE, "onnx", name + ".weights.json"), "w") as file:
        json.dump(weights, file)
    print("wrote", path)


def main():
    torch.manual_seed(4)
    os.makedirs(os.path.join(HERE, "onnx"), exist_ok=True)
    export("w4_8_4_1", torch.nn.Sequential(torch.nn.Linear(8, 4), torch.nn.ReLU(), torch.nn.Linear(4, 1), torch.nn.Sigmoid()), 8)


if __name__ == "__main__":
    main()
