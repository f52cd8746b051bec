"""ONNX models exported by torch.onnx.export (PyTorch 1.13, opset 13), with PyTorch's own outputs for fixed inputs.

Run with Debian's interpreter from this folder's project root:

    /usr/bin/python3 tests/Backprop.Gen.Tests/Fixtures/Onnx/make_onnx.py

For each case it writes {name}.onnx and {name}.json: the declaration the model loads into (layers, activations, loss,
bias, element type), the export form, 5 input rows and PyTorch's outputs for them (of the model as declared: softmax or
sigmoid applied where a logits graph loads into a Softmax + CrossEntropy or Sigmoid + BinaryCrossEntropy network).
The weights are seeded, so reruns give the same values (and the same files, up to torch's producer version).
"""
import json
import os

import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
ROWS = 5


class MatMulAdd(nn.Module):
    """x @ W + b with W stored [in, out]: the MatMul + Add form that Keras and scikit-learn exports take."""

    def __init__(self, n_in, n_out, bias=True):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(n_in, n_out) / n_in ** 0.5)
        self.bias = nn.Parameter(torch.randn(n_out) * 0.1) if bias else None

    def forward(self, x):
        y = x @ self.weight
        return y + self.bias if self.bias is not None else y


def act_module(name):
    return {"ReLU": nn.ReLU(), "Sigmoid": nn.Sigmoid(), "Tanh": nn.Tanh(), "LeakyReLU": nn.LeakyReLU(0.01),
            "Softmax": nn.Softmax(dim=-1), "Identity": None}[name]


def build(layers, graph_activations, form, bias, flatten=False, dropout=False):
    modules = [nn.Flatten()] if flatten else []
    for i, act in enumerate(graph_activations):
        if form == "gemm":
            linear = nn.Linear(layers[i], layers[i + 1], bias=bias)
            with torch.no_grad():
                linear.bias.uniform_(-0.3, 0.3) if bias else None
            modules.append(linear)
        else:
            modules.append(MatMulAdd(layers[i], layers[i + 1], bias))
        m = act_module(act)
        if m is not None:
            modules.append(m)
        if dropout and i < len(graph_activations) - 1:
            modules.append(nn.Dropout(0.2))
    return nn.Sequential(*modules)


CASES = [
    # name, layers, graph activations, declared activations, loss, form, bias, dtype, extras
    ("gemm_relu_sigmoid", [4, 6, 3], ["ReLU", "Sigmoid"], ["ReLU", "Sigmoid"], "MeanSquaredError", "gemm", True, "float32", {}),
    ("gemm_tanh_leaky_softmax", [5, 7, 6, 4], ["Tanh", "LeakyReLU", "Softmax"], ["Tanh", "LeakyReLU", "Softmax"], "CrossEntropy", "gemm", True, "float32", {}),
    ("gemm_logits_as_softmax", [4, 8, 3], ["ReLU", "Identity"], ["ReLU", "Softmax"], "CrossEntropy", "gemm", True, "float32", {}),
    ("gemm_logits_as_sigmoid", [4, 5, 1], ["Tanh", "Identity"], ["Tanh", "Sigmoid"], "BinaryCrossEntropy", "gemm", True, "float32", {}),
    ("gemm_nobias", [4, 6, 2], ["ReLU", "Identity"], ["ReLU", "Identity"], "MeanSquaredError", "gemm", False, "float32", {}),
    ("gemm_flatten_dropout", [6, 5, 3], ["LeakyReLU", "Tanh"], ["LeakyReLU", "Tanh"], "MeanSquaredError", "gemm", True, "float32", {"flatten": True, "dropout": True}),
    ("gemm_double", [4, 6, 3], ["Tanh", "Sigmoid"], ["Tanh", "Sigmoid"], "MeanSquaredError", "gemm", True, "float64", {}),
    ("matmul_add", [4, 6, 5, 2], ["ReLU", "Sigmoid", "Identity"], ["ReLU", "Sigmoid", "Identity"], "MeanSquaredError", "matmul", True, "float32", {}),
    ("matmul_nobias_double", [3, 4, 2], ["Tanh", "Softmax"], ["Tanh", "Softmax"], "CrossEntropy", "matmul", False, "float64", {}),
]


def main():
    for index, (name, layers, graph_acts, declared, loss, form, bias, dtype, extras) in enumerate(CASES):
        torch.manual_seed(100 + index)
        model = build(layers, graph_acts, form, bias, **extras)
        if dtype == "float64":
            model = model.double()
        model.eval()
        torch_dtype = torch.float64 if dtype == "float64" else torch.float32
        x = torch.randn(ROWS, layers[0], dtype=torch_dtype)
        with torch.no_grad():
            y = model(x)
            if graph_acts[-1] == "Identity" and declared[-1] == "Softmax":
                y = torch.softmax(y, dim=-1)
            elif graph_acts[-1] == "Identity" and declared[-1] == "Sigmoid":
                y = torch.sigmoid(y)
        path = os.path.join(HERE, name + ".onnx")
        torch.onnx.export(model, x, path, opset_version=13, input_names=["input"], output_names=["output"],
                          dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
        with open(os.path.join(HERE, name + ".json"), "w") as f:
            json.dump({"layers": layers, "activations": declared, "graph_activations": graph_acts, "loss": loss,
                       "bias": bias, "element_type": dtype, "form": form, "rows": ROWS,
                       "inputs": x.flatten().tolist(), "outputs": y.flatten().tolist(),
                       "torch_version": torch.__version__}, f, indent=1)
        print(name, "written")


if __name__ == "__main__":
    main()
