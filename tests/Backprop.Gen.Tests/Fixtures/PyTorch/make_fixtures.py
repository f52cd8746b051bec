#!/usr/bin/python3
"""Reference values from PyTorch for PyTorchParityTests.cs.

For a few fixed networks this script draws parameters, inputs and targets from a
seeded torch generator, evaluates the network with PyTorch autograd in float64
and writes predictions, loss and gradient to <name>.json next to this script.
Everything follows the numerical contract in docs/math.md:

  * rows are examples; Z[l] = A[l-1] @ W[l] + b[l], W[l] is n(l-1) x n(l),
    i.e. the TRANSPOSE of nn.Linear.weight;
  * flat parameter/gradient layout [W1 (row-major), b1, W2, b2, ...], no b
    entries when bias is off;
  * losses sum over outputs and average over the m rows:
      MeanSquaredError   = MSELoss(reduction='sum')(P, Y) / m
      BinaryCrossEntropy = BCEWithLogitsLoss(reduction='sum')(Z_L, Y) / m
      CrossEntropy       = -(1/m) * sum(Y * log_softmax(Z_L))
    (Softmax + MeanSquaredError applies the loss to the probabilities).

How to run (Debian's PyTorch: apt-get install python3-torch python3-numpy),
from anywhere:

    /usr/bin/python3 tests/Backprop.Gen.Tests/Fixtures/PyTorch/make_fixtures.py

Generated with torch 1.13.0a0 (Debian 12 python3-torch); the version actually
used is also recorded in every JSON file as "torch_version". Re-running with the
same torch version reproduces the files bit for bit.
"""

import json
import os

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)

ROWS = 7
SCALE = 0.8

# name, layers, activations, loss, bias, seed
NETWORKS = [
    ("tanh_identity_mse", [4, 6, 3], ["Tanh", "Identity"], "MeanSquaredError", True, 1001),
    ("relu_softmax_ce", [5, 8, 4], ["ReLU", "Softmax"], "CrossEntropy", True, 1002),
    ("leaky_sigmoid_bce", [3, 4, 1], ["LeakyReLU", "Sigmoid"], "BinaryCrossEntropy", True, 1003),
    ("sigmoid_softmax_mse_nobias", [4, 3, 2], ["Sigmoid", "Softmax"], "MeanSquaredError", False, 1004),
    ("deep_tanh_relu", [6, 5, 5, 4, 2], ["Tanh", "ReLU", "LeakyReLU", "Identity"], "MeanSquaredError", True, 1005),
]


def activate(name, z):
    if name == "Identity":
        return z
    if name == "Sigmoid":
        return torch.sigmoid(z)
    if name == "Tanh":
        return torch.tanh(z)
    if name == "ReLU":
        return F.relu(z)
    if name == "LeakyReLU":
        return F.leaky_relu(z, negative_slope=0.01)
    if name == "Softmax":
        return torch.softmax(z, dim=1)
    raise ValueError(name)


def make_targets(gen, loss, activations, m, n):
    if loss == "CrossEntropy":
        classes = torch.randint(0, n, (m,), generator=gen)
        return F.one_hot(classes, n).to(torch.float64)
    if loss == "BinaryCrossEntropy":
        return torch.randint(0, 2, (m, n), generator=gen).to(torch.float64)
    if activations[-1] == "Softmax":
        raw = torch.rand(m, n, generator=gen) + 0.05
        return raw / raw.sum(dim=1, keepdim=True)
    return torch.randn(m, n, generator=gen)


def build(name, layers, activations, loss, bias, seed):
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    m = ROWS

    # Parameters in OUR orientation: W[l] is n(l-1) x n(l).
    weights, biases = [], []
    for l in range(1, len(layers)):
        w = (torch.rand(layers[l - 1], layers[l], generator=gen) * 2 - 1) * SCALE
        weights.append(w.requires_grad_(True))
        if bias:
            b = (torch.rand(layers[l], generator=gen) * 2 - 1) * SCALE
            biases.append(b.requires_grad_(True))

    x = torch.randn(m, layers[0], generator=gen)
    y = make_targets(gen, loss, activations, m, layers[-1])

    # Forward through nn.functional.linear with nn.Linear's weight (W^T), so the
    # transpose between the two layouts is exercised, not assumed.
    a = x
    z = None
    for l, act in enumerate(activations):
        z = F.linear(a, weights[l].t(), biases[l] if bias else None)
        a = activate(act, z)
    p = a

    if loss == "MeanSquaredError":
        value = F.mse_loss(p, y, reduction="sum") / m
    elif loss == "BinaryCrossEntropy":
        assert activations[-1] == "Sigmoid"
        value = F.binary_cross_entropy_with_logits(z, y, reduction="sum") / m
    elif loss == "CrossEntropy":
        assert activations[-1] == "Softmax"
        value = -(y * torch.log_softmax(z, dim=1)).sum() / m
        # Cross-check against PyTorch's own CrossEntropyLoss on class indices.
        ref = F.cross_entropy(z, y.argmax(dim=1), reduction="mean")
        assert torch.allclose(value, ref, rtol=1e-14, atol=0), (value, ref)
    else:
        raise ValueError(loss)

    params = []
    for l in range(len(weights)):
        params.append(weights[l])
        if bias:
            params.append(biases[l])
    grads = torch.autograd.grad(value, params)

    # Independent check of the transpose: nn.Linear modules with weight = W^T
    # must give the same loss, and their weight.grad must be the transpose of ours.
    check_linear(layers, activations, loss, bias, weights, biases, x, y, value, grads)

    def flat(tensors):
        return [float(v) for t in tensors for v in t.detach().reshape(-1).tolist()]

    return {
        "name": name,
        "layers": layers,
        "activations": activations,
        "loss": loss,
        "bias": bias,
        "rows": m,
        "parameters": flat(params),
        "inputs": flat([x]),
        "targets": flat([y]),
        "predictions": flat([p]),
        "loss_value": float(value.item()),
        "gradient": flat(grads),
        "torch_version": torch.__version__,
    }


def check_linear(layers, activations, loss, bias, weights, biases, x, y, value, grads):
    modules = []
    for l in range(1, len(layers)):
        lin = torch.nn.Linear(layers[l - 1], layers[l], bias=bias)
        with torch.no_grad():
            lin.weight.copy_(weights[l - 1].detach().t())
            if bias:
                lin.bias.copy_(biases[l - 1].detach())
        modules.append(lin)
    a = x
    z = None
    for lin, act in zip(modules, activations):
        z = lin(a)
        a = activate(act, z)
    if loss == "MeanSquaredError":
        v = torch.nn.MSELoss(reduction="sum")(a, y) / x.shape[0]
    elif loss == "BinaryCrossEntropy":
        v = torch.nn.BCEWithLogitsLoss(reduction="sum")(z, y) / x.shape[0]
    else:
        v = torch.nn.CrossEntropyLoss()(z, y.argmax(dim=1))
    v.backward()
    assert torch.allclose(v, value, rtol=1e-14, atol=0), (v, value)
    per_layer = 2 if bias else 1
    for l, lin in enumerate(modules):
        gw = grads[l * per_layer]
        assert torch.allclose(lin.weight.grad.t(), gw, rtol=1e-13, atol=1e-15)
        if bias:
            assert torch.allclose(lin.bias.grad, grads[l * per_layer + 1], rtol=1e-13, atol=1e-15)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    for spec in NETWORKS:
        data = build(*spec)
        path = os.path.join(here, data["name"] + ".json")
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            json.dump(data, f, indent=2)
            f.write("\n")
        print(f"{path}: loss {data['loss_value']!r}, {len(data['parameters'])} parameters")


if __name__ == "__main__":
    main()
