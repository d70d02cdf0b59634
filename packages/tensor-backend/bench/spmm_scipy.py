"""scipy CSR sparse x dense reference for bench `spmm/scipy/d=<d>`.

Usage: python3 spmm_scipy.py ROWS COLS BATCH REPEATS D1 [D2 ...]
Prints JSON {"results": {"<d>": median_ms, ...}, "scipy": version}.
"""
import json
import sys
import time

import numpy as np
import scipy
import scipy.sparse as sp


def main() -> None:
    rows, cols, batch, repeats = (int(v) for v in sys.argv[1:5])
    densities = [float(v) for v in sys.argv[5:]]
    rng = np.random.default_rng(0)
    out = {}
    for d in densities:
        a = sp.random(rows, cols, density=d, format="csr", dtype=np.float32, random_state=rng)
        b = rng.standard_normal((cols, batch)).astype(np.float32)
        for _ in range(3):
            a @ b
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            a @ b
            times.append((time.perf_counter() - t0) * 1000)
        out[str(d)] = float(np.median(times))
    print(json.dumps({"results": out, "scipy": scipy.__version__}))


if __name__ == "__main__":
    main()
