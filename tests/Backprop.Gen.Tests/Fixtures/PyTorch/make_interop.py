#!/usr/bin/python3
"""Safetensors interop fixtures for PyTorchInteropTests.cs and samples/PyTorchInterop.

Writes into ../Interop/ (tests/Backprop.Gen.Tests/Fixtures/Interop/):

(a) A model trained HERE, in PyTorch, read by Backprop.Gen:
    nn.Sequential(nn.Linear(4, 16), nn.Tanh(), nn.Linear(16, 3)), a 3-class
    classifier trained in float32 with fixed seeds (200 full-batch Adam steps,
    CrossEntropyLoss) on synthetic Gaussian blobs.
      torch_sequential.safetensors      state dict, F32, names 0.weight, 0.bias,
                                        2.weight, 2.bias, __metadata__ {"format": "pt"}
      torch_sequential_f64.safetensors  the same weights widened to F64 (exact), no __metadata__
      torch_sequential_f16.safetensors  the same weights rounded to F16 (nearest, ties to even)
      torch_sequential.json             20 input rows and the softmax probabilities the
                                        float32 model computes for them ("probabilities"), plus
                                        the float64 evaluation of the same float32 weights and
                                        inputs ("probabilities_float64")
      torch_sequential_f16.json         the probabilities of a float32 model holding the
                                        F16-rounded weights (same inputs)
    The same model file and the first rows of torch_sequential.json also go to
    samples/PyTorchInterop/data/ (torch_sequential.safetensors, torch_predictions.csv).

(b) A file written by Backprop.Gen, read by PyTorch:
      backprop_written.safetensors      written by the C# test helper (see below): the network
                                        [5, 8, 2] ReLU/Sigmoid, BinaryCrossEntropy, Initialize(seed: 3)
      backprop_written.json             20 input rows and the outputs of
                                        nn.Sequential(Linear(5, 8), ReLU(), Linear(8, 2), Sigmoid())
                                        holding that file's tensors (float32), the file's
                                        __metadata__ as read here, and the file's SHA-256.
    The C# file comes first. From the repository root:

        BACKPROP_WRITE_FIXTURES=1 dotnet test tests/Backprop.Gen.Tests \\
            --filter "FullyQualifiedName~PyTorchInteropTests.BackpropWrittenFileIsReproducible"
        /usr/bin/python3 tests/Backprop.Gen.Tests/Fixtures/PyTorch/make_interop.py

    If backprop_written.safetensors is missing, part (b) is skipped with a message.

The `safetensors` Python package is not needed (Debian has no package for it):
read_safetensors/write_safetensors below implement the format, which is an
8-byte little-endian header length, a JSON header {name: {dtype, shape,
data_offsets}} plus an optional "__metadata__" map of strings, padded with
spaces to a multiple of 8 bytes, then the raw little-endian data. With the
package installed, safetensors.torch.save_file / load_file do the same.

Floats are stored in JSON with Python's repr of the float64 value, so float32
results round-trip exactly. Generated with torch 1.13.0a0 (Debian 12
python3-torch), recorded as "torch_version"; re-running with the same torch
reproduces the files bit for bit.
"""

import hashlib
import json
import os
import struct
import sys

import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.normpath(os.path.join(HERE, "..", "Interop"))
SAMPLE_DATA = os.path.normpath(os.path.join(HERE, "..", "..", "..", "..", "samples", "PyTorchInterop", "data"))

ROWS = 20
SAMPLE_ROWS = 6
CLASSES = 3

DTYPES = {torch.float16: "F16", torch.float32: "F32", torch.float64: "F64"}
TORCH_DTYPES = {v: k for k, v in DTYPES.items()}
ELEMENT_SIZES = {"F16": 2, "F32": 4, "F64": 8}


# --- safetensors, the plain way -------------------------------------------------------------------------------------

def write_safetensors(path, tensors, metadata=None):
    """tensors: list of (name, tensor) in the order to store; metadata: dict of str -> str or None."""
    assert sys.byteorder == "little"
    header = {}
    if metadata is not None:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    blobs = []
    offset = 0
    for name, tensor in tensors:
        t = tensor.detach().contiguous().cpu()
        data = t.numpy().tobytes()
        header[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


def read_safetensors(path):
    """Returns (tensors as an ordered dict name -> tensor, metadata dict or None)."""
    with open(path, "rb") as f:
        raw = f.read()
    (length,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + length].decode("utf-8"))
    data = raw[8 + length:]
    metadata = header.pop("__metadata__", None)
    tensors = {}
    for name, info in header.items():
        begin, end = info["data_offsets"]
        dtype = TORCH_DTYPES[info["dtype"]]
        assert end - begin == ELEMENT_SIZES[info["dtype"]] * int(torch.tensor(info["shape"]).prod().item() if info["shape"] else 1)
        values = torch.frombuffer(bytearray(data[begin:end]), dtype=dtype).clone()
        tensors[name] = values.reshape(info["shape"])
    return tensors, metadata


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def flat(tensor):
    return [float(v) for v in tensor.detach().reshape(-1).tolist()]


def write_json(path, data):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        json.dump(data, f, indent=2)
        f.write("\n")


# --- (a) a model trained in PyTorch ---------------------------------------------------------------------------------

def blobs(gen, centers, per_class):
    xs, ys = [], []
    for label, center in enumerate(centers):
        xs.append(center + 0.8 * torch.randn(per_class, center.shape[0], generator=gen))
        ys.append(torch.full((per_class,), label, dtype=torch.long))
    x, y = torch.cat(xs), torch.cat(ys)
    order = torch.randperm(x.shape[0], generator=gen)
    return x[order], y[order]


def make_torch_model():
    torch.manual_seed(2024)
    gen = torch.Generator().manual_seed(2024)
    centers = 1.5 * torch.randn(CLASSES, 4, generator=gen)
    x_train, y_train = blobs(gen, centers, per_class=50)
    x_probe, _ = blobs(gen, centers, per_class=ROWS)
    x_probe = x_probe[:ROWS].contiguous()

    model = nn.Sequential(nn.Linear(4, 16), nn.Tanh(), nn.Linear(16, CLASSES))
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    loss_fn = nn.CrossEntropyLoss()
    for step in range(200):
        optimizer.zero_grad()
        loss = loss_fn(model(x_train), y_train)
        loss.backward()
        optimizer.step()
    model.eval()
    with torch.no_grad():
        accuracy = (model(x_train).argmax(dim=1) == y_train).float().mean().item()
    print(f"torch model: final training loss {loss.item():.4f}, training accuracy {accuracy:.3f}")
    return model, x_probe


def probabilities(model, x):
    with torch.no_grad():
        return torch.softmax(model(x), dim=1)


def part_a():
    model, x = make_torch_model()
    state = model.state_dict()
    assert list(state.keys()) == ["0.weight", "0.bias", "2.weight", "2.bias"], list(state.keys())
    assert all(t.dtype == torch.float32 for t in state.values())
    p32 = probabilities(model, x)
    model64 = nn.Sequential(nn.Linear(4, 16), nn.Tanh(), nn.Linear(16, CLASSES)).double()
    model64.load_state_dict({k: v.double() for k, v in state.items()})
    p64 = probabilities(model64, x.double())

    items = list(state.items())
    path32 = os.path.join(OUT, "torch_sequential.safetensors")
    write_safetensors(path32, items, metadata={"format": "pt"})
    write_safetensors(os.path.join(OUT, "torch_sequential_f64.safetensors"), [(k, v.double()) for k, v in items])
    write_safetensors(os.path.join(OUT, "torch_sequential_f16.safetensors"), [(k, v.half()) for k, v in items])

    # The files read back as what was written.
    back, meta = read_safetensors(path32)
    assert meta == {"format": "pt"} and all(torch.equal(back[k], v) for k, v in items)

    common = {"layers": [4, 16, CLASSES], "activations": ["Tanh", "Softmax"], "rows": ROWS,
              "torch_version": torch.__version__}
    write_json(os.path.join(OUT, "torch_sequential.json"), {
        **common,
        "inputs": flat(x),
        "probabilities": flat(p32),
        "probabilities_float64": flat(p64),
    })

    # F16: PyTorch's own rounding (.half(), nearest, ties to even), widened back into a float32 model.
    model16 = nn.Sequential(nn.Linear(4, 16), nn.Tanh(), nn.Linear(16, CLASSES))
    model16.load_state_dict({k: v.half().float() for k, v in items})
    p16 = probabilities(model16, x)
    write_json(os.path.join(OUT, "torch_sequential_f16.json"), {
        **common,
        "inputs": flat(x),
        "probabilities": flat(p16),
    })
    print(f"(a) {path32} and its F64/F16 copies; float32 vs float64 probabilities differ by at most "
          f"{(p32.double() - p64).abs().max().item():.3e}, F16 weights move them by at most "
          f"{(p16 - p32).abs().max().item():.3e}")

    # The sample's copy: the model file and the first rows with PyTorch's probabilities.
    os.makedirs(SAMPLE_DATA, exist_ok=True)
    with open(path32, "rb") as src, open(os.path.join(SAMPLE_DATA, "torch_sequential.safetensors"), "wb") as dst:
        dst.write(src.read())
    with open(os.path.join(SAMPLE_DATA, "torch_predictions.csv"), "w", encoding="utf-8", newline="\n") as f:
        f.write(f"# {SAMPLE_ROWS} rows from tests/Backprop.Gen.Tests/Fixtures/Interop/torch_sequential.json "
                f"(make_interop.py, torch {torch.__version__}): 4 inputs, then the 3 softmax probabilities "
                "PyTorch computed in float32\n")
        f.write("x0,x1,x2,x3,p0,p1,p2\n")
        for i in range(SAMPLE_ROWS):
            f.write(",".join(repr(v) for v in flat(x[i]) + flat(p32[i])) + "\n")


# --- (b) a file written by Backprop.Gen -----------------------------------------------------------------------------

def part_b():
    path = os.path.join(OUT, "backprop_written.safetensors")
    if not os.path.exists(path):
        print(f"(b) skipped: {path} does not exist. Write it first with\n"
              "    BACKPROP_WRITE_FIXTURES=1 dotnet test tests/Backprop.Gen.Tests "
              "--filter \"FullyQualifiedName~PyTorchInteropTests.BackpropWrittenFileIsReproducible\"")
        return
    tensors, metadata = read_safetensors(path)
    print(f"(b) {path}")
    print(f"    __metadata__: {json.dumps(metadata)}")
    for name, t in tensors.items():
        print(f"    {name}: {str(t.dtype).replace('torch.', '')} {list(t.shape)}")
    expected_meta = {"format": "backprop-gen", "layers": "5,8,2", "activations": "ReLU,Sigmoid",
                     "loss": "BinaryCrossEntropy", "bias": "true", "element_type": "float32"}
    assert metadata == expected_meta, metadata
    assert list(tensors.keys()) == ["layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias"]

    # layers.{i} -> Sequential index: the Linear modules sit at 0 and 2, the activations between them.
    rename = {"layers.0": "0", "layers.1": "2"}
    state = {rename[k.rsplit(".", 1)[0]] + "." + k.rsplit(".", 1)[1]: v for k, v in tensors.items()}
    model = nn.Sequential(nn.Linear(5, 8), nn.ReLU(), nn.Linear(8, 2), nn.Sigmoid())
    model.load_state_dict(state)  # strict: every name and shape must match; no transpose needed
    model.eval()

    gen = torch.Generator().manual_seed(3003)
    x = torch.randn(ROWS, 5, generator=gen)
    with torch.no_grad():
        y = model(x)
    write_json(os.path.join(OUT, "backprop_written.json"), {
        "layers": [5, 8, 2],
        "activations": ["ReLU", "Sigmoid"],
        "rows": ROWS,
        "source_sha256": sha256(path),
        "metadata": metadata,
        "inputs": flat(x),
        "outputs": flat(y),
        "torch_version": torch.__version__,
    })
    print(f"    PyTorch outputs for {ROWS} rows written to backprop_written.json")


def main():
    os.makedirs(OUT, exist_ok=True)
    part_a()
    part_b()


if __name__ == "__main__":
    main()
