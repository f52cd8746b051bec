#!/usr/bin/python3
"""Peer comparison for Backprop.Gen: the workloads W1-W6 in PyTorch, NumPy and plain C.

Run with Debian's interpreter (python3-torch and python3-numpy are Debian packages):

    /usr/bin/python3 benchmarks/peers/run_peers.py            # full default run, a few minutes
    /usr/bin/python3 benchmarks/peers/run_peers.py --quick    # smaller slices, fewer repetitions

Prints a table and writes benchmarks/peers/results.json (one record per workload and peer).
The math is docs/math.md's: rows are examples, Z = A*W + b with W[l] of shape
n(l-1) x n(l), MSE = sum((P - Y)^2) / m, gradients averaged over the batch, torch.optim
conventions. Every peer starts from the same float32 initial parameters and data, so the
final losses printed in the notes must agree between peers (a check that they all compute
the same thing).

Peers are optional: nothing in the .NET build or tests depends on this script.
"""

import argparse
import json
import math
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

try:
    import torch
    import torch.nn.functional as TF
except ImportError:  # the script still runs the NumPy and C peers
    torch = None

HERE = os.path.dirname(os.path.abspath(__file__))

# ----------------------------------------------------------------------------------------------
# Workload definitions and FLOP counts
# ----------------------------------------------------------------------------------------------


def forward_flops(sizes):
    """F = 2 * sum(n_in * n_out) per example."""
    return 2 * sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))


def training_flops(sizes):
    """3F - 2*n0*n1 per example: forward, dW and dA, without the gradient w.r.t. the inputs."""
    return 3 * forward_flops(sizes) - 2 * sizes[0] * sizes[1]


W1 = dict(name="W1", sizes=[8, 4, 1], acts=["relu", "sigmoid"], m=4096, batch=4096, lr=0.1,
          opt="sgd", full_steps=1000)
W2 = dict(name="W2", sizes=[64, 32, 16, 1], acts=["tanh", "tanh", "identity"], m=65536, batch=32,
          lr=0.01, opt="sgd", full_epochs=10)
W3 = dict(name="W3", sizes=[784, 128, 64, 10], acts=["relu", "relu", "identity"], m=60000, batch=64,
          lr=0.01, opt="sgd", full_epochs=3)
W5 = dict(name="W5", sizes=[4, 32, 16, 4], acts=["tanh", "tanh", "identity"], m=10000, batch=10000,
          lr=1e-3, opt="adam", full_steps=10000)
W4_NETS = [("W4 8-4-1", W1), ("W4 784-128-64-10", W3)]

# ----------------------------------------------------------------------------------------------
# Deterministic data and initial parameters (float32)
# ----------------------------------------------------------------------------------------------


def init_params(sizes, acts, seed):
    """math.md: He uniform for ReLU layers, Glorot uniform otherwise, zero biases."""
    rng = np.random.default_rng(seed)
    params = []
    for n_in, n_out, act in zip(sizes[:-1], sizes[1:], acts):
        bound = math.sqrt(6.0 / n_in) if act in ("relu", "leakyrelu") else math.sqrt(6.0 / (n_in + n_out))
        W = rng.uniform(-bound, bound, size=(n_in, n_out)).astype(np.float32)
        params.append((W, np.zeros(n_out, np.float32)))
    return params


def expm2x2(X):
    """exp of each row of X (m x 4) read as a row-major 2x2 matrix, closed form, float64.

    A = s I + N with s = trace/2 and N traceless, N^2 = q^2 I, so
    exp(A) = e^s (cosh(q) I + sinh(q)/q N), q possibly imaginary.
    """
    X = X.astype(np.float64)
    a, b, c, d = X[:, 0], X[:, 1], X[:, 2], X[:, 3]
    s = (a + d) / 2
    q = np.sqrt(((a - d) / 2) ** 2 + b * c + 0j)
    ch = np.cosh(q).real
    small = np.abs(q) < 1e-8
    sh = np.where(small, 1.0, (np.sinh(q) / np.where(small, 1.0, q)).real)
    e = np.exp(s)
    return np.stack([e * (ch + sh * (a - s)), e * sh * b, e * sh * c, e * (ch + sh * (d - s))], axis=1)


def make_data(w):
    rng = np.random.default_rng({"W1": 11, "W2": 12, "W3": 13, "W5": 15}[w["name"]])
    m, n0, nL = w["m"], w["sizes"][0], w["sizes"][-1]
    if w["name"] == "W1":
        X = rng.standard_normal((m, n0)).astype(np.float32)
        Y = (X[:, :4].sum(1, keepdims=True) > X[:, 4:].sum(1, keepdims=True)).astype(np.float32)
    elif w["name"] == "W2":
        X = rng.standard_normal((m, n0)).astype(np.float32)
        v = rng.standard_normal((n0, 1)) / math.sqrt(n0)
        Y = np.tanh(X @ v).astype(np.float32)
    elif w["name"] == "W3":  # MNIST-shaped random inputs in [0, 1), one-hot random labels
        X = rng.random((m, n0), dtype=np.float32)
        Y = np.eye(nL, dtype=np.float32)[rng.integers(0, nL, m)]
    else:  # W5, the SimpleChains.jl benchmark
        X = rng.standard_normal((m, n0)).astype(np.float32)
        Y = expm2x2(X).astype(np.float32)
    return np.ascontiguousarray(X), np.ascontiguousarray(Y)


# ----------------------------------------------------------------------------------------------
# Timing helpers
# ----------------------------------------------------------------------------------------------


def summarize(seconds):
    return statistics.median(seconds), min(seconds)


def time_reps(fn, reps):
    """fn() runs one repetition and returns (seconds, extra); the caller runs any warm-up."""
    out = []
    extra = None
    for _ in range(reps):
        s, extra = fn()
        out.append(s)
    return out, extra


def calibrate_calls(call, target_s):
    """How many calls take about target_s."""
    n = 8
    while True:
        t0 = time.perf_counter()
        for _ in range(n):
            call()
        dt = time.perf_counter() - t0
        if dt >= target_s / 4 or n >= 1 << 26:
            return max(1, int(n * target_s / max(dt, 1e-9)))
        n *= 4


def time_calls_ns(call, reps, target_s):
    n = calibrate_calls(call, target_s)
    res = []
    for _ in range(reps):
        t0 = time.perf_counter_ns()
        for _ in range(n):
            call()
        res.append((time.perf_counter_ns() - t0) / n)
    return res, n


# ----------------------------------------------------------------------------------------------
# NumPy peer: forward and backward by hand with float32 matmuls
# ----------------------------------------------------------------------------------------------


class NumpyMLP:
    def __init__(self, params, acts, opt, lr):
        self.W = [W.copy() for W, _ in params]
        self.b = [b.copy() for _, b in params]
        self.acts, self.opt, self.lr = acts, opt, np.float32(lr)
        if opt == "adam":
            self.t = 0
            self.m = [np.zeros_like(p) for p in self.W + self.b]
            self.v = [np.zeros_like(p) for p in self.W + self.b]

    @staticmethod
    def act(name, Z):
        if name == "relu":
            return np.maximum(Z, np.float32(0))
        if name == "tanh":
            return np.tanh(Z)
        if name == "sigmoid":
            return np.float32(1) / (np.float32(1) + np.exp(-Z))
        return Z

    def predict(self, X):
        A = X
        for W, b, g in zip(self.W, self.b, self.acts):
            A = self.act(g, A @ W + b)
        return A

    def loss(self, X, Y):
        D = self.predict(X).astype(np.float64) - Y
        return float((D * D).sum() / X.shape[0])

    def step(self, X, Y):
        As, Zs = [X], []
        A = X
        for W, b, g in zip(self.W, self.b, self.acts):
            Z = A @ W + b
            A = self.act(g, Z)
            Zs.append(Z)
            As.append(A)
        dA = np.float32(2.0 / X.shape[0]) * (A - Y)
        grads_W, grads_b = [None] * len(self.W), [None] * len(self.W)
        for l in range(len(self.W) - 1, -1, -1):
            g, A, Z = self.acts[l], As[l + 1], Zs[l]
            if g == "relu":
                dZ = dA * (Z > 0)
            elif g == "tanh":
                dZ = dA * (np.float32(1) - A * A)
            elif g == "sigmoid":
                dZ = dA * A * (np.float32(1) - A)
            else:
                dZ = dA
            grads_W[l] = As[l].T @ dZ
            grads_b[l] = dZ.sum(0)
            if l > 0:
                dA = dZ @ self.W[l].T
        params, grads = self.W + self.b, grads_W + grads_b
        if self.opt == "sgd":
            for p, gr in zip(params, grads):
                p -= self.lr * gr
        else:  # Adam, torch.optim defaults
            b1, b2, eps = np.float32(0.9), np.float32(0.999), np.float32(1e-8)
            self.t += 1
            c1, c2 = np.float32(1 - 0.9 ** self.t), np.float32(1 - 0.999 ** self.t)
            for p, gr, mm, vv in zip(params, grads, self.m, self.v):
                mm *= b1
                mm += (1 - b1) * gr
                vv *= b2
                vv += (1 - b2) * gr * gr
                p -= self.lr * (mm / c1) / (np.sqrt(vv / c2) + eps)


# ----------------------------------------------------------------------------------------------
# PyTorch peer: the ordinary idiom (nn.Sequential, autograd, torch.optim)
# ----------------------------------------------------------------------------------------------


def torch_model(params, acts):
    layers = []
    for (W, b), g in zip(params, acts):
        lin = torch.nn.Linear(W.shape[0], W.shape[1])
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(W.T.copy()))  # nn.Linear.weight is W^T
            lin.bias.copy_(torch.from_numpy(b))
        layers.append(lin)
        if g != "identity":
            layers.append({"relu": torch.nn.ReLU, "tanh": torch.nn.Tanh, "sigmoid": torch.nn.Sigmoid}[g]())
    return torch.nn.Sequential(*layers)


def torch_optimizer(model, w):
    if w["opt"] == "sgd":
        return torch.optim.SGD(model.parameters(), lr=w["lr"])
    return torch.optim.Adam(model.parameters(), lr=w["lr"])


def torch_loss(model, X, Y):
    with torch.no_grad():
        return float(TF.mse_loss(model(X), Y, reduction="sum").double() / X.shape[0])


# ----------------------------------------------------------------------------------------------
# Training workloads
# ----------------------------------------------------------------------------------------------


def batch_plan(w, cfg):
    """(examples used, batches per rep, note) for a minibatch workload."""
    if w["name"] == "W1":
        steps = cfg["w1_steps"]
        return w["m"], steps, f"{steps} full-batch steps of m={w['m']}"
    if w["name"] == "W5":
        steps = cfg["w5_steps"]
        return w["m"], steps, f"{steps} of {w['full_steps']} full-batch Adam steps, m={w['m']}"
    n = cfg["w2_examples"] if w["name"] == "W2" else cfg["w3_examples"]
    n = min(w["m"], n - n % w["batch"])
    note = f"{n} examples ({n // w['batch']} minibatches of {w['batch']}) per rep; full run = {w['full_epochs']} epochs x {w['m']}"
    return n, n // w["batch"], note


def run_training_numpy(w, X, Y, params, cfg):
    n, batches, note = batch_plan(w, cfg)
    bs = w["batch"]
    slices = [(X[i * bs:(i + 1) * bs], Y[i * bs:(i + 1) * bs]) for i in range(batches)] if bs < w["m"] else None

    def one(k=batches):
        net = NumpyMLP(params, w["acts"], w["opt"], w["lr"])
        t0 = time.perf_counter()
        if slices is None:
            for _ in range(k):
                net.step(X, Y)
        else:
            for xb, yb in slices[:k]:
                net.step(xb, yb)
        return time.perf_counter() - t0, net

    one(max(1, batches // 10))  # warm-up
    secs, net = time_reps(one, cfg["reps"])
    return secs, bs * batches, net.loss(X, Y), note


def run_training_torch(w, X, Y, params, cfg):
    n, batches, note = batch_plan(w, cfg)
    bs = w["batch"]
    Xt, Yt = torch.from_numpy(X), torch.from_numpy(Y)
    m_full = w["m"]

    def one(k=batches):
        model = torch_model(params, w["acts"])
        opt = torch_optimizer(model, w)
        t0 = time.perf_counter()
        if bs >= m_full:
            for _ in range(k):
                opt.zero_grad(set_to_none=True)
                loss = TF.mse_loss(model(Xt), Yt, reduction="sum") / m_full
                loss.backward()
                opt.step()
        else:
            for i in range(k):
                xb, yb = Xt[i * bs:(i + 1) * bs], Yt[i * bs:(i + 1) * bs]
                opt.zero_grad(set_to_none=True)
                loss = TF.mse_loss(model(xb), yb, reduction="sum") / bs
                loss.backward()
                opt.step()
        return time.perf_counter() - t0, model

    one(max(1, batches // 10))  # warm-up
    secs, model = time_reps(one, cfg["reps"])
    return secs, bs * batches, torch_loss(model, Xt, Yt), note


def compile_c(tmp, name="w1_loop"):
    cc = shutil.which("gcc") or shutil.which("cc")
    if cc is None:
        return None, "no C compiler"
    exe = os.path.join(tmp, name)
    cmd = [cc, "-O3", "-march=native", os.path.join(HERE, name + ".c"), "-o", exe, "-lm"]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        return None, "compile failed: " + r.stderr.strip()[:300]
    ver = subprocess.run([cc, "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    return exe, ver


def run_c_w1(exe, X, Y, params, cfg, tmp):
    path = os.path.join(tmp, "w1.bin")
    with open(path, "wb") as f:
        f.write(np.int32(X.shape[0]).tobytes())
        for a in (X, Y, params[0][0], params[0][1], params[1][0], params[1][1]):
            f.write(np.ascontiguousarray(a, np.float32).tobytes())
    calls = cfg["c_predict_calls"]
    r = subprocess.run([exe, path, str(cfg["w1_steps"]), str(cfg["reps"]), str(calls)],
                       capture_output=True, text=True, check=True)
    out = {}
    for line in r.stdout.splitlines():
        k, *vals = line.split()
        out[k] = [float(v) for v in vals]
    return out


# ----------------------------------------------------------------------------------------------
# Inference latency (W4)
# ----------------------------------------------------------------------------------------------


def run_c_w4b(exe, cfg):
    """One example through 784-128-64-10 in w4b_predict.c (its own rule weights): ns per call per rep, ns per read of
    every weight once per rep (the memory floor), and the calls per rep."""
    calls = max(1000, cfg["c_predict_calls"] // 200)
    r = subprocess.run([exe, str(calls), str(cfg["reps"])], capture_output=True, text=True, check=True)
    out = {}
    for line in r.stdout.splitlines():
        k, *vals = line.split()
        out[k] = [float(v) for v in vals]
    if "predict_ns" not in out or "read_ns" not in out:
        raise RuntimeError("w4b_predict printed no predict_ns or read_ns")
    return out["predict_ns"], out["read_ns"], calls


def run_w4_numpy(w, params, cfg):
    net = NumpyMLP(params, w["acts"], "sgd", 0.0)
    x = np.random.default_rng(4).standard_normal((1, w["sizes"][0])).astype(np.float32)
    return time_calls_ns(lambda: net.predict(x), cfg["reps"], cfg["w4_target_s"])


def run_w4_torch(w, params, cfg):
    model = torch_model(params, w["acts"]).eval()
    x = torch.from_numpy(np.random.default_rng(4).standard_normal((1, w["sizes"][0])).astype(np.float32))

    def call():
        with torch.no_grad():
            return model(x)

    return time_calls_ns(call, cfg["reps"], cfg["w4_target_s"])


W6 = dict(name="W6", sizes=[2048, 2048, 2048, 10], m=256)


def run_w6_torch(cfg):
    """W6: one gradient (forward, cross-entropy, backward) of 256 rows through 2048-2048-2048-10, ReLU, ReLU."""
    torch.manual_seed(6)
    sizes = W6["sizes"]
    model = torch.nn.Sequential(
        torch.nn.Linear(sizes[0], sizes[1]), torch.nn.ReLU(),
        torch.nn.Linear(sizes[1], sizes[2]), torch.nn.ReLU(),
        torch.nn.Linear(sizes[2], sizes[3]))
    x = torch.randn(W6["m"], sizes[0])
    y = torch.randint(0, sizes[3], (W6["m"],))
    loss_fn = torch.nn.CrossEntropyLoss()

    def step():
        model.zero_grad(set_to_none=False)
        t0 = time.perf_counter()
        loss = loss_fn(model(x), y)
        loss.backward()
        return time.perf_counter() - t0, float(loss)

    step()
    return time_reps(step, cfg["reps"])


def run_sgemm_ref_torch(cfg):
    n = cfg["sgemm_n"]
    a, b = torch.randn(n, n), torch.randn(n, n)
    c = torch.empty(n, n)
    torch.mm(a, b, out=c)
    secs = []
    for _ in range(cfg["reps"]):
        t0 = time.perf_counter()
        torch.mm(a, b, out=c)
        secs.append(time.perf_counter() - t0)
    return secs, 2.0 * n ** 3


def run_sgemm_ref_numpy(cfg):
    n = cfg["sgemm_n"]
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((n, n), np.float32), rng.standard_normal((n, n), np.float32)
    c = np.empty((n, n), np.float32)
    np.matmul(a, b, out=c)
    secs = []
    for _ in range(cfg["reps"]):
        t0 = time.perf_counter()
        np.matmul(a, b, out=c)
        secs.append(time.perf_counter() - t0)
    return secs, 2.0 * n ** 3


# ----------------------------------------------------------------------------------------------
# Environment report
# ----------------------------------------------------------------------------------------------


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            txt = f.read()
        model = re.search(r"^model name\s*:\s*(.*)$", txt, re.M)
        flags = re.search(r"^flags\s*:\s*(.*)$", txt, re.M)
        simd = [x for x in ("avx", "avx2", "fma", "avx512f") if flags and x in flags.group(1).split()]
        return (model.group(1) if model else platform.processor()), simd
    except OSError:
        return platform.processor(), []


class Blas:
    """Which BLAS numpy and torch call (both load libblas.so.3), and its thread count where settable.

    Debian's torch is built with BLAS=generic: it calls whatever libblas.so.3 resolves to and never
    tells an OpenBLAS how many threads to use, so torch.set_num_threads alone does not make an
    OpenBLAS-backed matmul single-threaded. This sets OpenBLAS's count to match each row's threads.
    """

    def __init__(self, libs):
        names = [os.path.basename(p) for p in libs]
        self.path = next((p for p, n in zip(libs, names) if "openblas" in n), None) or \
            next((p for p, n in zip(libs, names) if "mkl" in n or "blas" in n), None)
        self.set_threads_fn = None
        name = os.path.basename(self.path or "")
        if "openblas" in name:
            self.kind = "openblas"
            try:
                import ctypes
                lib = ctypes.CDLL(self.path)
                self.set_threads_fn = lib.openblas_set_num_threads
                self.get_threads_fn = lib.openblas_get_num_threads
            except (OSError, AttributeError):
                pass
        elif self.path and "/blas/libblas.so" in self.path:
            self.kind = "netlib-reference"
        elif "mkl" in name:
            self.kind = "mkl"
        else:
            self.kind = name or "unknown"

    def set_threads(self, n):
        if self.set_threads_fn is not None:
            self.set_threads_fn(int(n))

    def describe(self):
        extra = ""
        if self.set_threads_fn is not None:
            extra = f", {self.get_threads_fn()} threads by default (set per row below)"
        return f"{self.kind} ({self.path}{extra})"


def loaded_libs(pattern):
    """Shared libraries mapped into this process whose path matches pattern (which BLAS is in use)."""
    libs = set()
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                p = line.split()[-1]
                if p.startswith("/") and re.search(pattern, os.path.basename(p)):
                    libs.add(os.path.realpath(p))
    except OSError:
        pass
    return sorted(libs)


# ----------------------------------------------------------------------------------------------
# Main
# ----------------------------------------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="smaller slices and 3 repetitions (about a minute)")
    ap.add_argument("--reps", type=int, help="timed repetitions per measurement (default 5, quick 3)")
    ap.add_argument("--only", default="W1,W2,W3,W4,W5,W6,REF", help="comma-separated subset of W1,W2,W3,W4,W5,W6,REF")
    ap.add_argument("--peers", default="torch,numpy,c", help="comma-separated subset of torch,numpy,c")
    ap.add_argument("--json", default=os.path.join(HERE, "results.json"), help="where to write the records")
    ap.add_argument("--blas-dir", help="a folder holding another libblas.so.3 (e.g. an unpacked OpenBLAS): "
                    "the script re-runs itself with LD_LIBRARY_PATH starting with it; see README.md")
    args = ap.parse_args()
    if args.blas_dir:
        blas_dir = os.path.abspath(args.blas_dir)
        if not os.path.exists(os.path.join(blas_dir, "libblas.so.3")):
            sys.exit(f"--blas-dir: no libblas.so.3 in {blas_dir}")
        if os.environ.get("LD_LIBRARY_PATH", "").split(":")[0] != blas_dir:
            env = dict(os.environ, LD_LIBRARY_PATH=":".join(
                p for p in (blas_dir, os.environ.get("LD_LIBRARY_PATH")) if p))
            os.execve(sys.executable, [sys.executable] + sys.argv, env)

    cfg = dict(reps=5, w1_steps=1000, w2_examples=16384, w3_examples=6400, w5_steps=300,
               w4_target_s=0.2, c_predict_calls=20_000_000, sgemm_n=1024)
    if args.quick:
        cfg.update(reps=3, w1_steps=200, w2_examples=4096, w3_examples=1280, w5_steps=100,
                   w4_target_s=0.05, c_predict_calls=2_000_000, sgemm_n=512)
    if args.reps:
        cfg["reps"] = args.reps
    only = {s.strip().upper() for s in args.only.split(",")}
    peers = {s.strip().lower() for s in args.peers.split(",")}
    if torch is None:
        peers.discard("torch")

    started = time.perf_counter()
    cpu, simd = cpu_model()
    np.ones((4, 4), np.float32) @ np.ones((4, 4), np.float32)  # load the BLAS before listing it
    if torch is not None:
        torch.ones(4, 4) @ torch.ones(4, 4)
    libs = loaded_libs(r"blas|lapack|mkl|dnnl|gomp")
    blas = Blas(libs)
    env = {
        "python": sys.version.split()[0],
        "numpy": np.__version__,
        "torch": torch.__version__ if torch is not None else None,
        "cpu": cpu,
        "simd": simd,
        "logical_cpus": os.cpu_count(),
        "blas": blas.kind,
        "blas_libraries": libs,
        "LD_LIBRARY_PATH": os.environ.get("LD_LIBRARY_PATH"),
        "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE"),
        "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS"),
        "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS"),
        "torch_default_threads": torch.get_num_threads() if torch is not None else None,
        "load_average_at_start": os.getloadavg(),
        "config": cfg,
    }
    print(f"CPU: {cpu} ({', '.join(simd)}), {os.cpu_count()} logical CPUs")
    print(f"python {env['python']} ({sys.executable}), numpy {np.__version__}, torch {env['torch']}"
          f" (default intra-op threads {env['torch_default_threads']})")
    print("BLAS:", blas.describe())
    print("BLAS/OpenMP libraries loaded:", ", ".join(env["blas_libraries"]) or "none found")
    if blas.kind == "netlib-reference":
        print("NOTE: libblas.so.3 resolves to the netlib REFERENCE BLAS (unoptimized, single-threaded): "
              "matmul-heavy peers (W3, REF) are far slower than with OpenBLAS; see README.md.")
    for k in ("OPENBLAS_CORETYPE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "LD_LIBRARY_PATH"):
        print(f"{k}={env[k] if env[k] is not None else '(unset)'}")
    print(f"config: {cfg}")
    print("load average at start (1, 5, 15 min): %.2f %.2f %.2f" % os.getloadavg()
          + ("  <- other processes compete for the cores: expect noise, trust 'best' more" if os.getloadavg()[0] > 0.5 else ""))
    print()

    # Thread settings for PyTorch: 1, and the default; where the default is 1 (PyTorch picks the
    # number of physical cores it detects) while more logical CPUs exist, all of them instead.
    torch_threads = []
    if "torch" in peers:
        default = torch.get_num_threads()
        torch_threads.append((1, "set_num_threads(1)"))
        if default != 1:
            torch_threads.append((default, "default"))
        elif (os.cpu_count() or 1) > 1:
            torch_threads.append((os.cpu_count(), f"set_num_threads({os.cpu_count()}); default is 1 here"))

    records = []

    def record(workload, peer, threads, secs=None, examples=None, flops_per_example=None, ns=None,
               loss=None, notes="", extra=None, rate=True):
        r = dict(workload=workload, peer=peer, threads=threads, examples_per_second=None,
                 examples_per_second_best=None, gflops=None, ns_per_call=None, ns_per_call_best=None,
                 seconds_median=None, reps=cfg["reps"], final_loss=loss, blas=blas.kind, notes=notes)
        if secs is not None:
            med, best = summarize(secs)
            r["seconds_median"] = med
            if rate:
                r.update(examples_per_second=examples / med, examples_per_second_best=examples / best)
            if flops_per_example:
                r["gflops"] = flops_per_example * examples / med / 1e9
        if ns is not None:
            med, best = summarize(ns)
            r.update(ns_per_call=med, ns_per_call_best=best)
            if flops_per_example:
                r["gflops"] = flops_per_example / med
        if extra:
            r.update(extra)
        records.append(r)
        if r["examples_per_second"]:
            rate_txt = f"{r['examples_per_second']:>13,.0f} {r['examples_per_second_best']:>13,.0f}"
        elif r["ns_per_call"] is not None:
            rate_txt = f"{r['ns_per_call']:>10,.1f} ns {r['ns_per_call_best']:>10,.1f} ns"
        else:
            rate_txt = " " * 27
        gf = f"{r['gflops']:>8.3f}" if r["gflops"] is not None else " " * 8
        ls = f"{loss:.6g}" if loss is not None else ""
        print(f"{workload:<17} {peer:<7} {str(threads):>3} {rate_txt} {gf}  {ls:<9} {notes}", flush=True)

    print(f"{'workload':<17} {'peer':<7} {'thr':>3} {'median':>13} {'best':>13} {'GFLOP/s':>8}  {'loss':<9} notes")
    print(f"{'':<29} {'(examples/s or ns per predict call)':<27}")

    tmp = tempfile.mkdtemp(prefix="peers-")
    try:
        for w in (W1, W2, W3, W5):
            if w["name"] not in only:
                continue
            X, Y = make_data(w)
            params = init_params(w["sizes"], w["acts"], seed=42)
            tf = training_flops(w["sizes"])
            label = f"{w['name']} {'-'.join(map(str, w['sizes']))}"
            full_examples = (w["full_steps"] * w["m"]) if "full_steps" in w else w["full_epochs"] * w["m"]

            def extrap(examples_per_s):
                return {"extrapolated_full_seconds": full_examples / examples_per_s}

            for threads, how in torch_threads:
                torch.set_num_threads(threads)
                blas.set_threads(threads)
                secs, ex, loss, note = run_training_torch(w, X, Y, params, cfg)
                med = statistics.median(secs)
                e = extrap(ex / med)
                record(label, "pytorch", threads, secs, ex, tf, loss=loss, extra=e,
                       notes=f"{how}; {note}; full run ~{e['extrapolated_full_seconds']:.1f} s")
            if "numpy" in peers:
                blas.set_threads(1)
                secs, ex, loss, note = run_training_numpy(w, X, Y, params, cfg)
                e = extrap(ex / statistics.median(secs))
                record(label, "numpy", 1, secs, ex, tf, loss=loss, extra=e,
                       notes=f"{note}; full run ~{e['extrapolated_full_seconds']:.1f} s")
            if w["name"] == "W1" and "c" in peers:
                exe, ccver = compile_c(tmp)
                if exe is None:
                    print(f"{label:<18} c        skipped: {ccver}")
                else:
                    out = run_c_w1(exe, X, Y, params, cfg, tmp)
                    ex = cfg["w1_steps"] * w["m"]
                    e = extrap(ex / statistics.median(out["train_seconds"]))
                    record(label, "c", 1, out["train_seconds"], ex, tf, loss=out["final_loss"][0], extra=e,
                           notes=f"gcc -O3 -march=native (no -ffast-math), {ccver}; {cfg['w1_steps']} steps")
                    W1["_c_predict_ns"] = out.get("predict_ns")

        if "W4" in only:
            for label, w in W4_NETS:
                params = init_params(w["sizes"], w["acts"], seed=42)
                ff = forward_flops(w["sizes"])
                for threads, how in torch_threads:
                    torch.set_num_threads(threads)
                    blas.set_threads(threads)
                    ns, n = run_w4_torch(w, params, cfg)
                    record(label, "pytorch", threads, ns=ns, flops_per_example=ff,
                           notes=f"{how}; model(x) under torch.no_grad(), x 1x{w['sizes'][0]}; {n} calls/rep")
                if "numpy" in peers:
                    blas.set_threads(1)
                    ns, n = run_w4_numpy(w, params, cfg)
                    record(label, "numpy", 1, ns=ns, flops_per_example=ff,
                           notes=f"x @ W + b per layer, x 1x{w['sizes'][0]}; {n} calls/rep")
                if w is W1 and "c" in peers:
                    if "_c_predict_ns" not in W1 and "W1" not in only:
                        exe, ccver = compile_c(tmp)
                        if exe is not None:
                            X, Y = make_data(W1)
                            cfg_small = dict(cfg, w1_steps=1)
                            W1["_c_predict_ns"] = run_c_w1(exe, X, Y, params, cfg_small, tmp).get("predict_ns")
                    if W1.get("_c_predict_ns"):
                        record(label, "c", 1, ns=W1["_c_predict_ns"], flops_per_example=ff,
                               notes=f"plain loops, gcc -O3 -march=native; {cfg['c_predict_calls']} calls/rep, "
                                     "inputs cycled, outputs summed (throughput of back-to-back calls)")
                if w is W3 and "c" in peers:
                    exe, ccver = compile_c(tmp, "w4b_predict")
                    if exe is not None:
                        ns, read_ns, n = run_c_w4b(exe, cfg)
                        record(label, "c", 1, ns=ns, flops_per_example=ff,
                               notes=f"w4b_predict.c, input-outer loops, gcc -O3 -march=native ({ccver}); {n} calls/rep, "
                                     "64 inputs cycled (throughput of back-to-back calls)")
                        record(label, "c-read-weights", 1, ns=read_ns,
                               notes="w4b_predict.c: every weight and bias read once and summed, nothing else; "
                                     "the memory floor under any one-row predict (L2-resident weights)")

        if "W6" in only and torch_threads:
            tf = training_flops(W6["sizes"])
            for threads, how in torch_threads:
                torch.set_num_threads(threads)
                blas.set_threads(threads)
                secs, loss = run_w6_torch(cfg)
                record("W6 2048-2048-2048-10", "pytorch", threads, secs, W6["m"], tf, loss=loss,
                       notes=f"{how}; one gradient of {W6['m']} rows (forward, cross-entropy, backward)")

        if "REF" in only:
            n = cfg["sgemm_n"]
            for threads, how in torch_threads:
                torch.set_num_threads(threads)
                blas.set_threads(threads)
                secs, fl = run_sgemm_ref_torch(cfg)
                record(f"REF sgemm {n}", "pytorch", threads, secs, 1, fl, notes=f"{how}; torch.mm {n}x{n}x{n} float32", rate=False)
            if "numpy" in peers:
                blas.set_threads(1)
                secs, fl = run_sgemm_ref_numpy(cfg)
                record(f"REF sgemm {n}", "numpy", 1, secs, 1, fl, notes=f"np.matmul {n}x{n}x{n} float32", rate=False)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    total = time.perf_counter() - started
    env["total_seconds"] = total
    env["load_average_at_end"] = os.getloadavg()
    with open(args.json, "w") as f:
        json.dump({"environment": env, "results": records}, f, indent=2)
    print()
    print(f"median and best of {cfg['reps']} timed reps after a warm-up; "
          f"GFLOP/s counts training FLOPs 3F-2*n0*n1 per example (forward F for W4 and REF).")
    print("load average at end (1, 5, 15 min): %.2f %.2f %.2f" % os.getloadavg())
    print(f"wrote {args.json}; total {total:.1f} s")


if __name__ == "__main__":
    main()
