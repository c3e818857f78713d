"""STREAM-style memory bandwidth (copy, scale, add, triad) with Numba parallel loops.

Arrays of 2**25 float64 (256 MiB each) are far larger than any cache. Bytes counted as in
STREAM: copy/scale move 16 B per element, add/triad 24 B. Best of ``repeats``.
"""

from __future__ import annotations

import argparse
import functools
import json
import time
from pathlib import Path

import numba
import numpy as np
from numba import prange

try:
    from .machine import machine_info
except ImportError:  # run as a script
    from machine import machine_info


@numba.njit(parallel=True, cache=True)
def _copy(a, c):
    for i in prange(a.size):
        c[i] = a[i]


@numba.njit(parallel=True, cache=True)
def _scale(b, c, s):
    for i in prange(c.size):
        b[i] = s * c[i]


@numba.njit(parallel=True, cache=True)
def _add(a, b, c):
    for i in prange(a.size):
        c[i] = a[i] + b[i]


@numba.njit(parallel=True, cache=True)
def _triad(a, b, c, s):
    for i in prange(a.size):
        a[i] = b[i] + s * c[i]


def measure(n: int = 2**25, repeats: int = 10) -> dict:
    """Best bandwidth of each STREAM kernel [GB/s]."""
    a, b, c = np.ones(n), np.full(n, 2.0), np.zeros(n)
    kernels = {
        "copy": (lambda: _copy(a, c), 16),
        "scale": (lambda: _scale(b, c, 3.0), 16),
        "add": (lambda: _add(a, b, c), 24),
        "triad": (lambda: _triad(a, b, c, 3.0), 24),
    }
    result = {}
    for name, (fn, bytes_per) in kernels.items():
        fn()  # compile and touch the pages
        best = min(_timed(fn) for _ in range(repeats))
        result[name] = bytes_per * n / best / 1e9
    return result


def measure_device(n: int = 2**27, repeats: int = 10) -> dict:
    """Best bandwidth of each STREAM kernel on the CUDA GPU [GB/s], with CuPy elementwise
    kernels on device arrays (2**27 float64: 1 GiB each, far beyond the L2), timed with
    CUDA events."""
    import cupy

    a, b, c = cupy.ones(n), cupy.full(n, 2.0), cupy.zeros(n)
    kernels = {
        "copy": (lambda: cupy.copyto(c, a), 16),
        "scale": (lambda: cupy.multiply(c, 3.0, out=b), 16),
        "add": (lambda: cupy.add(a, b, out=c), 24),
        "triad": (lambda: _device_triad(b, c, 3.0, a), 24),
    }
    result = {}
    for name, (fn, bytes_per) in kernels.items():
        fn()  # compile
        best = min(_device_timed(fn, cupy) for _ in range(repeats))
        result[name] = bytes_per * n / best / 1e9
    return result


def _device_triad(b, c, s, out):
    """out = b + s c in one pass (CuPy's operators would make a temporary for s c)."""
    _triad_kernel()(b, c, s, out)


@functools.cache
def _triad_kernel():
    import cupy

    return cupy.ElementwiseKernel("float64 b, float64 c, float64 s", "float64 a", "a = b + s * c")


def _device_timed(fn, cupy):
    start, stop = cupy.cuda.Event(), cupy.cuda.Event()
    start.record()
    fn()
    stop.record()
    stop.synchronize()
    return cupy.cuda.get_elapsed_time(start, stop) / 1e3


def _timed(fn):
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--n", type=int, default=2**25, help="array length (default 2**25)")
    p.add_argument("--repeats", type=int, default=10, help="best of this many (default 10)")
    p.add_argument("--out", default=str(Path(__file__).parent / "results" / "stream.json"))
    args = p.parse_args()
    bw = measure(args.n, args.repeats)
    info = machine_info()
    print(
        f"STREAM, {info['date']}: {info['cpu']}, {info['cores']} cores "
        f"({info['numba_threads']} Numba threads), Numba {info['numba']}, n = {args.n}, "
        f"best of {args.repeats}"
    )
    print("| kernel | GB/s |\n|---|---|")
    for name, value in bw.items():
        print(f"| {name} | {value:.2f} |")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    report = {"machine": info, "n": args.n, "repeats": args.repeats, "GB/s": bw}
    Path(args.out).write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
