#!/usr/bin/python3
"""Reference optimizer trajectories from PyTorch for PyTorchTrajectoryTests.cs.

For three small networks and six torch.optim optimizers this script trains a
model built from real nn.Linear layers for 100 minibatch steps in float32 and
writes trajectory_<network>_<optimizer>.json next to this script. Each file
records everything needed to replay the run with our Trainer: the initial
parameters, the data, the exact batch of every step, and checkpoints (loss and
parameters) after steps 1, 10 and 100.

Conventions follow the numerical contract in docs/math.md and make_fixtures.py:

  * rows are examples; Z[l] = A[l-1] @ W[l] + b[l], W[l] is n(l-1) x n(l),
    i.e. the TRANSPOSE of nn.Linear.weight;
  * flat parameter layout [W1 (row-major), b1, W2, b2, ...];
  * losses sum over outputs and average over the m rows of the batch:
      MeanSquaredError   = MSELoss(reduction='sum')(P, Y) / m
      BinaryCrossEntropy = BCEWithLogitsLoss(reduction='sum')(Z_L, Y) / m
      CrossEntropy       = CrossEntropyLoss()(Z_L, class index)   (one-hot Y)
  * optimizers are torch.optim with default options except those listed in
    OPTIMIZERS (on CPU torch 1.13 takes the single-tensor, non-foreach path).

Recorded per file: "network", "optimizer" {name, lr, momentum, nesterov,
weight_decay, betas, eps}, "layers", "activations", "loss", "bias", "rows",
"batch_size", "steps", "inputs" and "targets" (flat row-major, all rows),
"initial_parameters" (our layout), "batches" (the example indices of every step,
in order), "checkpoints" [{"step", "loss", "parameters"}] where "loss" is the
loss of that step's batch computed BEFORE the step's update and "parameters" is
the state AFTER the update, and "torch_version". float32 values are written as
the exact doubles they represent.

Randomness: one seeded torch.Generator per network draws the parameters
(uniform in [-0.5, 0.5]), the inputs (standard normal) and the targets; a
second seeded generator per network draws one permutation of the rows per
epoch (4 batches of 16 per epoch), so every optimizer of a network sees the
same initial parameters, data and batches.

How to run (Debian's PyTorch: apt-get install python3-torch python3-numpy),
from anywhere:

    /usr/bin/python3 tests/Backprop.Gen.Tests/Fixtures/PyTorch/make_trajectories.py

Generated with torch 1.13.0a0 (Debian 12 python3-torch); the version actually
used is also recorded in every JSON file as "torch_version". Re-running with the
same torch version on the same CPU reproduces the files bit for bit.
"""

import json
import os

import torch
import torch.nn.functional as F

torch.set_num_threads(1)
torch.set_default_dtype(torch.float32)

ROWS = 64
BATCH = 16
STEPS = 100
CHECKPOINTS = (1, 10, 100)
INIT_HALF_WIDTH = 0.5

# name, layers, activations, loss, seed
NETWORKS = [
    ("softmax", [4, 8, 3], ["Tanh", "Softmax"], "CrossEntropy", 2001),
    ("sigmoid", [3, 6, 1], ["ReLU", "Sigmoid"], "BinaryCrossEntropy", 2002),
    ("regression", [5, 7, 2], ["LeakyReLU", "Identity"], "MeanSquaredError", 2003),
]

# name -> (constructor, keyword arguments); every other option is torch's default.
OPTIMIZERS = [
    ("sgd", torch.optim.SGD, dict(lr=0.1)),
    ("sgd_wd", torch.optim.SGD, dict(lr=0.1, weight_decay=0.01)),
    ("momentum", torch.optim.SGD, dict(lr=0.05, momentum=0.9)),
    ("nesterov", torch.optim.SGD, dict(lr=0.05, momentum=0.9, nesterov=True)),
    ("adam", torch.optim.Adam, dict(lr=0.01)),
    ("adamw", torch.optim.AdamW, dict(lr=0.01, weight_decay=0.1)),
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


def make_data(gen, layers, loss):
    """Initial parameters in OUR orientation, inputs and targets (one-hot / 0-1 / real)."""
    weights, biases = [], []
    for l in range(1, len(layers)):
        w = (torch.rand(layers[l - 1], layers[l], generator=gen) * 2 - 1) * INIT_HALF_WIDTH
        b = (torch.rand(layers[l], generator=gen) * 2 - 1) * INIT_HALF_WIDTH
        assert bool((b != 0).all())
        weights.append(w)
        biases.append(b)
    x = torch.randn(ROWS, layers[0], generator=gen)
    n = layers[-1]
    if loss == "CrossEntropy":
        classes = torch.randint(0, n, (ROWS,), generator=gen)
        y = F.one_hot(classes, n).to(torch.float32)
    elif loss == "BinaryCrossEntropy":
        y = torch.randint(0, 2, (ROWS, n), generator=gen).to(torch.float32)
    else:
        y = torch.randn(ROWS, n, generator=gen)
    return weights, biases, x, y


def make_batches(seed):
    gen = torch.Generator().manual_seed(seed)
    per_epoch = ROWS // BATCH
    batches = []
    perm = None
    for step in range(STEPS):
        if step % per_epoch == 0:
            perm = torch.randperm(ROWS, generator=gen)
        k = step % per_epoch
        batches.append([int(i) for i in perm[k * BATCH:(k + 1) * BATCH].tolist()])
    return batches


def batch_loss(loss, modules, activations, x, y):
    a = x
    z = None
    for lin, act in zip(modules, activations):
        z = lin(a)
        a = activate(act, z)
    m = x.shape[0]
    if loss == "MeanSquaredError":
        return F.mse_loss(a, y, reduction="sum") / m
    if loss == "BinaryCrossEntropy":
        assert activations[-1] == "Sigmoid"
        return F.binary_cross_entropy_with_logits(z, y, reduction="sum") / m
    if loss == "CrossEntropy":
        assert activations[-1] == "Softmax"
        value = F.cross_entropy(z, y.argmax(dim=1), reduction="mean")
        # Our definition, -(1/m) sum Y log softmax(Z), agrees for one-hot Y.
        ours = -(y * torch.log_softmax(z, dim=1)).sum() / m
        assert torch.allclose(value, ours, rtol=1e-5, atol=0), (value, ours)
        return value
    raise ValueError(loss)


def flat_ours(modules):
    """Parameters in our layout: W[l] = weight^T row-major, then b[l]."""
    out = []
    for lin in modules:
        out.extend(float(v) for v in lin.weight.detach().t().reshape(-1).tolist())
        out.extend(float(v) for v in lin.bias.detach().reshape(-1).tolist())
    return out


def optimizer_record(name, opt):
    g = opt.param_groups[0]
    return {
        "name": name,
        "lr": float(g["lr"]),
        "momentum": float(g.get("momentum", 0.0)),
        "nesterov": bool(g.get("nesterov", False)),
        "weight_decay": float(g.get("weight_decay", 0.0)),
        "betas": [float(b) for b in g["betas"]] if "betas" in g else None,
        "eps": float(g["eps"]) if "eps" in g else None,
    }


def run(network, layers, activations, loss, seed, opt_name, opt_ctor, opt_kwargs):
    gen = torch.Generator().manual_seed(seed)
    weights, biases, x, y = make_data(gen, layers, loss)
    batches = make_batches(seed + 500)

    modules = []
    for l in range(1, len(layers)):
        lin = torch.nn.Linear(layers[l - 1], layers[l], bias=True)
        with torch.no_grad():
            lin.weight.copy_(weights[l - 1].t())
            lin.bias.copy_(biases[l - 1])
        modules.append(lin)
    params = [p for lin in modules for p in (lin.weight, lin.bias)]
    initial = flat_ours(modules)
    assert initial == [float(v) for w, b in zip(weights, biases) for v in w.reshape(-1).tolist() + b.tolist()]

    opt = opt_ctor(params, **opt_kwargs)
    checkpoints = []
    for step, batch in enumerate(batches, start=1):
        idx = torch.tensor(batch, dtype=torch.long)
        opt.zero_grad()
        value = batch_loss(loss, modules, activations, x[idx], y[idx])
        value.backward()
        opt.step()
        assert torch.isfinite(value)
        if step in CHECKPOINTS:
            checkpoints.append({"step": step, "loss": float(value.item()), "parameters": flat_ours(modules)})

    def flat(t):
        return [float(v) for v in t.reshape(-1).tolist()]

    return {
        "network": network,
        "optimizer": optimizer_record(opt_name, opt),
        "layers": layers,
        "activations": activations,
        "loss": loss,
        "bias": True,
        "rows": ROWS,
        "batch_size": BATCH,
        "steps": STEPS,
        "inputs": flat(x),
        "targets": flat(y),
        "initial_parameters": initial,
        "batches": batches,
        "checkpoints": checkpoints,
        "torch_version": torch.__version__,
    }


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    for network, layers, activations, loss, seed in NETWORKS:
        for opt_name, opt_ctor, opt_kwargs in OPTIMIZERS:
            data = run(network, layers, activations, loss, seed, opt_name, opt_ctor, opt_kwargs)
            path = os.path.join(here, f"trajectory_{network}_{opt_name}.json")
            with open(path, "w", encoding="utf-8", newline="\n") as f:
                json.dump(data, f, indent=1)
                f.write("\n")
            losses = ", ".join(f"{c['step']}: {c['loss']:.6g}" for c in data["checkpoints"])
            print(f"{os.path.basename(path)}: losses {losses}")


if __name__ == "__main__":
    main()
