"""How fast is course_lib next to the libraries students will use next?

Run from the repository root:

    python benchmarks/foundation.py                # all rows, threads = CPU cores
    python benchmarks/foundation.py --threads 1    # single-threaded on both sides
    python benchmarks/foundation.py --repeats 21   # more repeats on a noisy machine
    python benchmarks/foundation.py --only conv2d  # one row

Each row times course_lib and a reference implementation on the same data in the same run,
with the same number of threads (BLAS and OpenMP through threadpoolctl, PyTorch through
torch.set_num_threads). After one warm-up call per side, the two sides are timed in turn,
``--repeats`` times each, so that load from other programs hits both alike; the table shows
the median of each and the ratio ours / reference (below 1: course_lib is faster).

Rows:

* conv2d forward + backward, x (64, 28, 28, 8) float32, 16 filters 3x3, 'same', stride 1,
  against PyTorch on the CPU (NCHW, torch.nn.functional.conv2d + autograd). PyTorch is optional
  and never a course dependency; without it the row says how to install it.
* KMeans, 10,000 x 20 points from make_blobs with 8 centres, k-means++, the same n_init,
  max_iter and tol, against sklearn.cluster.KMeans.
* PCA fit on the same data against sklearn.decomposition.PCA(svd_solver='full').

It is a script, not a test: nothing fails, it only reports. See benchmarks/README.md.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

# Run from a clone without installing: the package lives one level up.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def alternate(ours, reference, repeats):
    """Seconds per call of each callable, after a warm-up, timed in turn to share the noise.

    Returns (median ours, median reference, median of the ratios of the calls timed side by
    side). The last follows the load of the moment, so it is the steadier ratio on a busy machine.
    """
    ours()
    reference()
    t_ours, t_ref = [], []
    for _ in range(repeats):
        for fn, times in ((ours, t_ours), (reference, t_ref)):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
    paired = statistics.median(a / b for a, b in zip(t_ours, t_ref))
    return statistics.median(t_ours), statistics.median(t_ref), paired


# ----------------------------------------------------------------------------------------------

def conv2d_case(torch=None):
    """The conv2d forward + backward that this script and cnn.py time: x (64, 28, 28, 8) float32,
    16 filters 3x3, 'same'. Returns ``(ours, reference, max_difference)``; without ``torch``
    the last two are None. Both sides are checked to compute the same thing first."""
    from course_lib.convolution import conv2d, conv2d_backward

    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 28, 28, 8)).astype(np.float32)
    kernel = (rng.normal(size=(3, 3, 8, 16)) * 0.1).astype(np.float32)
    bias = np.zeros(16, dtype=np.float32)
    grad_y = rng.normal(size=(64, 28, 28, 16)).astype(np.float32)

    def ours():
        y = conv2d(x, kernel, bias, strides=1, padding="same")
        return y, conv2d_backward(grad_y, x, kernel, strides=1, padding="same")

    if torch is None:
        return ours, None, None
    # PyTorch wants NCHW images and (C_out, C_in, kh, kw) kernels
    xt = torch.from_numpy(x.transpose(0, 3, 1, 2).copy()).requires_grad_(True)
    kt = torch.from_numpy(kernel.transpose(3, 2, 0, 1).copy()).requires_grad_(True)
    bt = torch.from_numpy(bias.copy()).requires_grad_(True)
    gt = torch.from_numpy(grad_y.transpose(0, 3, 1, 2).copy())

    def reference():
        xt.grad = kt.grad = bt.grad = None
        y = torch.nn.functional.conv2d(xt, kt, bt, stride=1, padding=1)
        y.backward(gt)
        return y

    # both sides must compute the same thing before their times mean anything
    y, (dx, dk, db) = ours()
    yt = reference()
    err = max(np.abs(y - yt.detach().numpy().transpose(0, 2, 3, 1)).max(),
              np.abs(dx - xt.grad.numpy().transpose(0, 2, 3, 1)).max(),
              np.abs(dk - kt.grad.numpy().transpose(2, 3, 1, 0)).max() / np.abs(dk).max(),
              np.abs(db - bt.grad.numpy()).max() / np.abs(db).max())
    return ours, reference, err


def bench_conv2d(repeats, threads):
    label = "conv2d fwd+bwd (64,28,28,8) f32, 16 3x3 'same'"
    try:
        import torch
    except ImportError:
        return [label, None, "PyTorch is not installed; optional: "
                                   "pip install torch==2.13.0 (never a course dependency)"]
    torch.set_num_threads(threads)
    ours, reference, err = conv2d_case(torch)
    times = alternate(ours, reference, repeats)
    return [label, times, f"PyTorch {torch.__version__}; max difference {err:.1e}; aim < 3x"]


def blobs():
    from sklearn.datasets import make_blobs

    X, _ = make_blobs(n_samples=10_000, n_features=20, centers=8, random_state=0)
    return X


def bench_kmeans(repeats, n_init):
    from sklearn.cluster import KMeans as SkKMeans

    label = f"KMeans 10000x20, k=8, k-means++, n_init={n_init}"
    try:
        from course_lib.clustering import KMeans
    except ImportError as exc:
        return [label, None, f"course_lib.clustering not available ({exc})"]
    X = blobs()
    params = dict(n_clusters=8, init="k-means++", n_init=n_init, max_iter=300, tol=1e-4,
                  random_state=0)
    fitted = {}

    def ours():
        fitted["ours"] = KMeans(**params).fit(X)

    def reference():
        fitted["ref"] = SkKMeans(**params).fit(X)

    times = alternate(ours, reference, repeats)
    a, b = fitted["ours"], fitted["ref"]
    return [label, times, f"inertia ours/sklearn {a.inertia_ / b.inertia_:.6f}, "
                                  f"n_iter {a.n_iter_} vs {b.n_iter_}; aim < 2x"]


def bench_pca(repeats):
    from sklearn.decomposition import PCA as SkPCA

    label = "PCA fit 10000x20, all components"
    try:
        from course_lib.decomposition import PCA
    except ImportError as exc:
        return [label, None, f"course_lib.decomposition not available ({exc})"]
    X = blobs()
    fitted = {}

    def ours():
        fitted["ours"] = PCA().fit(X)

    def reference():
        fitted["ref"] = SkPCA(svd_solver="full").fit(X)

    times = alternate(ours, reference, repeats)
    diff = np.abs(fitted["ours"].explained_variance_ - fitted["ref"].explained_variance_).max()
    return [label, times, f"max |explained_variance_ difference| {diff:.1e}"]


# ----------------------------------------------------------------------------------------------

def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1,
                        help="threads for both sides (default: the number of CPU cores)")
    parser.add_argument("--repeats", type=int, default=11,
                        help="timed calls per side for conv2d and PCA (default 11)")
    parser.add_argument("--kmeans-repeats", type=int, default=5,
                        help="timed fits per side for KMeans (default 5)")
    parser.add_argument("--n-init", type=int, default=10, help="KMeans restarts (default 10)")
    parser.add_argument("--only", choices=["conv2d", "kmeans", "pca"], action="append",
                        help="run only this row (may be given more than once)")
    args = parser.parse_args(argv)

    from threadpoolctl import threadpool_limits

    print(f"course_lib foundation benchmark: {args.threads} thread(s) on each side "
          f"(machine: {os.cpu_count()} cores), NumPy {np.__version__}")
    with threadpool_limits(limits=args.threads):
        benches = {"conv2d": lambda: bench_conv2d(args.repeats, args.threads),
                   "kmeans": lambda: bench_kmeans(args.kmeans_repeats, args.n_init),
                   "pca": lambda: bench_pca(args.repeats)}
        rows = [run() for name, run in benches.items() if not args.only or name in args.only]

    width = max(len(r[0]) for r in rows)
    print(f"\n{'task':<{width}}  {'ours ms':>9}  {'ref ms':>9}  {'ratio':>6}  {'paired':>6}  notes")
    for label, times, note in rows:
        if times is None:
            print(f"{label:<{width}}  {'-':>9}  {'-':>9}  {'-':>6}  {'-':>6}  {note}")
        else:
            med_ours, med_ref, paired = times
            print(f"{label:<{width}}  {med_ours * 1e3:9.2f}  {med_ref * 1e3:9.2f}  "
                  f"{med_ours / med_ref:6.2f}  {paired:6.2f}  {note}")
    print("\nours ms, ref ms: median time per call; ratio = median ours / median reference "
          "(PyTorch or\nscikit-learn), below 1 means course_lib is faster; paired = median of "
          "ours / reference over\ncalls timed one after the other, steadier when other "
          "programs share the machine.")


if __name__ == "__main__":
    main()
