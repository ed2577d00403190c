"""Chapter 15's CNN: course_lib next to PyTorch on the CPU, per training epoch and per conv2d.

Run from the repository root:

    python benchmarks/cnn.py                  # 9 timed repeats per side, one thread each
    python benchmarks/cnn.py --repeats 21     # steadier medians on a busy machine

Two rows, each side on the same data in the same run:

* epoch: one training epoch of the chapter's network, Conv2D(8, 3, 'same', relu) ->
  MaxPooling2D(2) -> Flatten -> Dense(10, softmax) (1,370 parameters), on the chapter's 1,200
  training digits (8 x 8 x 1, float32), batch size 32 (38 steps), Adam(learning_rate=0.01,
  epsilon=1e-7), softmax cross-entropy on the logits, shuffled every epoch. Ours:
  ``Sequential.fit(epochs=1)``; PyTorch: the same layers (NCHW) in a plain training loop.
* conv2d: ``conv2d`` + ``conv2d_backward`` on x (64, 28, 28, 8) float32, 16 filters 3x3,
  'same', stride 1; PyTorch: ``torch.nn.functional.conv2d`` + autograd backward.

Both sides use one thread (course_lib's ``fit`` runs BLAS on one thread; PyTorch gets
``torch.set_num_threads(1)``; threadpoolctl limits NumPy's BLAS once around all the timing). After one
warm-up call per side, the two sides are timed in turn, so that load from other programs hits
both alike. ``paired`` is the median of the ratios of calls timed one right after the other,
the steadier number on a shared machine. Aims: epoch within 1.2x, conv2d within 2x.

PyTorch is optional and never a course dependency: ``pip install torch==2.13.0`` installs the
CPU build. Without it our side still runs. A script, not a test: nothing fails.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

# Run from a clone without installing: the package lives one level up; foundation.py beside.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from foundation import conv2d_case  # noqa: E402
from models import torch_training_epoch  # noqa: E402
from course_lib.datasets import load_digits_images  # noqa: E402
from course_lib.layers import Conv2D, Dense, Flatten, MaxPooling2D  # noqa: E402
from course_lib.models import Sequential  # noqa: E402
from course_lib.optimizers import Adam  # noqa: E402
from course_lib.utils import set_random_seed  # noqa: E402

BATCH_SIZE = 32
LEARNING_RATE = 0.01


def chapter_digits():
    """The chapter's 1,200 training digits: the first 1,200 of a default_rng(0) permutation."""
    x, y = load_digits_images()
    train = np.random.default_rng(0).permutation(len(x))[:1200]
    return x[train], y[train]


def alternate(ours, reference, repeats):
    """(median ours, median reference, median paired ratio) in seconds, after a warm-up."""
    ours()
    if reference is None:
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            ours()
            times.append(time.perf_counter() - start)
        return statistics.median(times), None, None
    reference()
    t_ours, t_ref = [], []
    for _ in range(repeats):
        for fn, bucket in ((ours, t_ours), (reference, t_ref)):
            start = time.perf_counter()
            fn()
            bucket.append(time.perf_counter() - start)
    paired = statistics.median(a / b for a, b in zip(t_ours, t_ref))
    return statistics.median(t_ours), statistics.median(t_ref), paired


def epoch_runners(torch):
    x, y = chapter_digits()
    set_random_seed(0)
    model = Sequential([Conv2D(8, 3, padding="same", activation="relu", input_shape=(8, 8, 1)),
                        MaxPooling2D(2), Flatten(), Dense(10, activation="softmax")])
    model.compile(optimizer=Adam(learning_rate=LEARNING_RATE),
                  loss="sparse_categorical_crossentropy")

    def ours():
        model.fit(x, y, batch_size=BATCH_SIZE, epochs=1, verbose=0)

    if torch is None:
        return ours, None, ""
    nn = torch.nn
    torch.manual_seed(0)
    net = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                        nn.Linear(8 * 4 * 4, 10))
    reference, n_torch = torch_training_epoch(torch, net, x, y, LEARNING_RATE, BATCH_SIZE)
    note = f"{model.count_params()} vs {n_torch} parameters; aim < 1.2x"
    return ours, reference, note


def conv_runners(torch):
    """foundation.py's conv2d forward + backward, course_lib against PyTorch."""
    ours, reference, err = conv2d_case(torch)
    return ours, reference, "" if torch is None else f"max difference {err:.1e}; aim < 2x"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=9, help="timed calls per side")
    args = parser.parse_args(argv)
    try:
        import torch
        torch.set_num_threads(1)
        version = f"PyTorch {torch.__version__}"
    except ImportError:
        torch, version = None, "PyTorch not installed (pip install torch==2.13.0)"
    print(f"one thread per side, {args.repeats} repeats; {version}")
    print(f"{'row':<8} {'ours ms':>9} {'ref ms':>9} {'ratio':>6} {'paired':>7}  note")
    for name, make in (("epoch", epoch_runners), ("conv2d", conv_runners)):
        ours, reference, note = make(torch)
        with threadpool_limits(limits=1, user_api="blas"):  # once, outside the timed calls
            t_ours, t_ref, paired = alternate(ours, reference, args.repeats)
        if t_ref is None:
            print(f"{name:<8} {1e3 * t_ours:>9.1f} {'-':>9} {'-':>6} {'-':>7}  {note}")
        else:
            print(f"{name:<8} {1e3 * t_ours:>9.1f} {1e3 * t_ref:>9.1f} {t_ours / t_ref:>6.2f} "
                  f"{paired:>7.2f}  {note}")


if __name__ == "__main__":
    main()
