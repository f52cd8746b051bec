"""Writes embedded.safetensors, the build-time weights of EmbeddedWeightsTests' networks (3 -> 5 Tanh -> 2 Identity).

PyTorch's nn.Linear layout and names (layers.{i}.weight of shape [out, in], layers.{i}.bias), float32, no metadata,
with values sin(i + 1) in file order so that a test can check any one by hand. Plain Python, no dependencies.
Run: python3 make_embedded.py
"""
import json
import math
import struct

layers = [3, 5, 2]
tensors = []
counter = 0
for i in range(len(layers) - 1):
    for name, shape in ((f"layers.{i}.weight", [layers[i + 1], layers[i]]), (f"layers.{i}.bias", [layers[i + 1]])):
        count = math.prod(shape)
        tensors.append((name, shape, [math.sin(counter + k + 1) for k in range(count)]))
        counter += count

header, data, offset = {}, b"", 0
for name, shape, values in tensors:
    raw = struct.pack(f"<{len(values)}f", *values)
    header[name] = {"dtype": "F32", "shape": shape, "data_offsets": [offset, offset + len(raw)]}
    data += raw
    offset += len(raw)

text = json.dumps(header, separators=(",", ":")).encode()
text += b" " * ((8 - (8 + len(text)) % 8) % 8)
with open("embedded.safetensors", "wb") as file:
    file.write(struct.pack("<Q", len(text)) + text + data)
