"""Trains the iris classifier that samples/OnnxInterop loads, in PyTorch, and exports it with torch.onnx.export.

Run with Debian's interpreter (python3-torch 1.13) from the repository root:

    /usr/bin/python3 samples/OnnxInterop/data/make_model.py

Reads samples/Iris/data/iris.csv (150 flowers; see its README for provenance and licence). Every fifth flower is held
out; the other 120 are standardized with their own mean and standard deviation and train
nn.Sequential(nn.Linear(4, 16), nn.Tanh(), nn.Linear(16, 3)) with Adam on cross-entropy over the logits, the usual
PyTorch classifier. The model is exported as it is, ending in logits (opset 13, dynamic batch): iris_mlp.onnx.
heldout.csv holds the 30 held-out flowers, standardized the same way, with their label and the softmax probabilities
PyTorch computes for them (float32, printed with 9 significant digits so they read back exactly).
"""
import os

import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))


def main():
    with open(os.path.join(ROOT, "samples", "Iris", "data", "iris.csv")) as f:
        lines = f.read().split("\n")[1:]
    rows = [list(map(float, line.split(","))) for line in lines if line.strip()]
    x = torch.tensor([r[:4] for r in rows], dtype=torch.float32)
    y = torch.tensor([int(r[4]) for r in rows])
    held = torch.arange(len(rows)) % 5 == 0
    mean, std = x[~held].mean(0), x[~held].std(0)
    x = (x - mean) / std

    torch.manual_seed(7)
    model = nn.Sequential(nn.Linear(4, 16), nn.Tanh(), nn.Linear(16, 3))
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    for _ in range(400):
        optimizer.zero_grad()
        loss = nn.functional.cross_entropy(model(x[~held]), y[~held])
        loss.backward()
        optimizer.step()
    model.eval()
    with torch.no_grad():
        probabilities = torch.softmax(model(x[held]), dim=-1)
    accuracy = (probabilities.argmax(1) == y[held]).float().mean().item()
    print(f"training loss {loss.item():.4f}, held-out accuracy {accuracy:.3f}")

    torch.onnx.export(model, x[held][:1], os.path.join(HERE, "iris_mlp.onnx"), opset_version=13,
                      input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})
    with open(os.path.join(HERE, "heldout.csv"), "w") as f:
        f.write("x0,x1,x2,x3,label,p0,p1,p2\n")
        for features, label, p in zip(x[held].tolist(), y[held].tolist(), probabilities.tolist()):
            f.write(",".join(f"{v:.9g}" for v in features) + f",{label}," + ",".join(f"{v:.9g}" for v in p) + "\n")
    print("wrote iris_mlp.onnx and heldout.csv, torch", torch.__version__)


if __name__ == "__main__":
    main()
