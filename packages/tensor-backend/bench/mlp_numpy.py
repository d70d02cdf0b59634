"""MLP 16-128-128-8, batch 256, Adam, MSE: one training step written by hand with numpy (float32).

The reference for bench `mlp-train/numpy`. Prints JSON {"steps_per_s": ..., "threads": ...}.
Usage: python3 mlp_numpy.py [seconds]
"""
import json
import os
import sys
import time

import numpy as np


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 2.0
    rng = np.random.default_rng(0)
    sizes = [16, 128, 128, 8]
    batch = 256
    ws = [(rng.standard_normal((a, b)) * np.sqrt(2.0 / a)).astype(np.float32) for a, b in zip(sizes, sizes[1:])]
    bs = [np.zeros(b, np.float32) for b in sizes[1:]]
    params = ws + bs
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    x = rng.standard_normal((batch, 16)).astype(np.float32)
    t = rng.standard_normal((batch, 8)).astype(np.float32)
    lr, b1, b2, eps = np.float32(1e-3), np.float32(0.9), np.float32(0.999), np.float32(1e-7)
    state = {"step": 0}

    def step() -> None:
        w1, w2, w3 = ws
        c1, c2, c3 = bs
        h1 = np.maximum(x @ w1 + c1, 0)
        h2 = np.maximum(h1 @ w2 + c2, 0)
        y = h2 @ w3 + c3
        dy = (2.0 / y.size) * (y - t)
        gw3 = h2.T @ dy
        gc3 = dy.sum(0)
        dh2 = (dy @ w3.T) * (h2 > 0)
        gw2 = h1.T @ dh2
        gc2 = dh2.sum(0)
        dh1 = (dh2 @ w2.T) * (h1 > 0)
        gw1 = x.T @ dh1
        gc1 = dh1.sum(0)
        state["step"] += 1
        k = state["step"]
        a = lr * np.sqrt(1 - b2**k) / (1 - b1**k)
        for p, g, mi, vi in zip(params, [gw1, gw2, gw3, gc1, gc2, gc3], m, v):
            mi *= b1
            mi += (1 - b1) * g
            vi *= b2
            vi += (1 - b2) * g * g
            p -= a * mi / (np.sqrt(vi) + eps)

    for _ in range(20):
        step()
    n = 0
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        step()
        n += 1
    rate = n / (time.perf_counter() - t0)
    threads = os.environ.get("OPENBLAS_NUM_THREADS") or os.environ.get("OMP_NUM_THREADS") or "default"
    print(json.dumps({"steps_per_s": rate, "threads": threads, "numpy": np.__version__}))


if __name__ == "__main__":
    main()
