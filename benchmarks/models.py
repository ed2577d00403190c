"""Seconds per training epoch: course_lib's Sequential next to PyTorch on the CPU.

Run from the repository root:

    python benchmarks/models.py                 # both models, 5 epochs timed per side
    python benchmarks/models.py --repeats 11    # more epochs on a noisy machine
    python benchmarks/models.py --threads 2     # let PyTorch use 2 threads (ours uses 1)

The data are scikit-learn's digits (1,347 training images of 8 x 8, the split of the tests).
Both sides train the same networks with the same batch size (32), optimizer (Adam,
learning_rate=0.001, epsilon=1e-7) and loss (softmax + cross-entropy on the logits):

* MLP: Flatten, Dense(128, relu), Dense(10, softmax)  (9,610 parameters)
* CNN: Conv2D(16, 3, same) + BatchNorm + relu, MaxPool, Conv2D(32, 3, same) + BatchNorm +
  relu, MaxPool, Flatten, Dense(64, relu), Dense(10, softmax)  (~12,000 parameters)

One timed call is one full epoch (shuffle, every mini-batch forward, backward and update).
After a warm-up epoch per side, the two sides run in turn so that load from other programs
hits both alike; the table shows the median epoch time of each and the ratio ours / PyTorch.

course_lib's fit runs BLAS on one thread (see course_lib.models); PyTorch gets ``--threads``
(default 1, the fair comparison). PyTorch is optional and never a course dependency
(``pip install torch`` for the CPU); without it, our side still runs and the script says so.
It is a script, not a test: nothing fails, it only reports.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

# Run from a clone without installing: the package lives one level up.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sklearn.datasets import load_digits  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402

from course_lib.layers import (Activation, BatchNormalization, Conv2D, Dense,  # noqa: E402
                               Flatten, MaxPooling2D)
from course_lib.models import Sequential  # noqa: E402
from course_lib.optimizers import Adam  # noqa: E402
from course_lib.utils import set_random_seed  # noqa: E402

BATCH_SIZE = 32
LEARNING_RATE = 1e-3


def digits():
    data = load_digits()
    x = (data.images / 16.0).astype(np.float32)[..., None]
    x_train, _, y_train, _ = train_test_split(x, data.target, test_size=0.25, random_state=0,
                                              stratify=data.target)
    return x_train, y_train


def ours(kind):
    set_random_seed(0)
    if kind == "mlp":
        layers = [Flatten(input_shape=(8, 8, 1)), Dense(128, activation="relu"),
                  Dense(10, activation="softmax")]
    else:
        layers = [Conv2D(16, 3, padding="same", input_shape=(8, 8, 1)), BatchNormalization(),
                  Activation("relu"), MaxPooling2D(),
                  Conv2D(32, 3, padding="same"), BatchNormalization(), Activation("relu"),
                  MaxPooling2D(), Flatten(), Dense(64, activation="relu"),
                  Dense(10, activation="softmax")]
    model = Sequential(layers)
    model.compile(Adam(learning_rate=LEARNING_RATE), "sparse_categorical_crossentropy")
    return model


def torch_model(kind, torch):
    nn = torch.nn
    torch.manual_seed(0)
    if kind == "mlp":
        return nn.Sequential(nn.Flatten(), nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))
    # Keras' BatchNormalization(momentum=0.99, epsilon=1e-3) is PyTorch's momentum=0.01
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16, eps=1e-3, momentum=0.01), nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32, eps=1e-3, momentum=0.01),
        nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(32 * 2 * 2, 64), nn.ReLU(),
        nn.Linear(64, 10))


def torch_epoch_runner(kind, torch, x, y):
    return torch_training_epoch(torch, torch_model(kind, torch), x, y, LEARNING_RATE)


def torch_training_epoch(torch, model, x, y, learning_rate, batch_size=BATCH_SIZE):
    """One shuffled epoch of ``model`` on NHWC images ``x`` and integer labels ``y`` with Adam
    and cross-entropy, PyTorch's side of a course_lib ``fit(epochs=1)``. Returns the epoch
    function and the model's parameter count (cnn.py uses it too)."""
    optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate, eps=1e-7)
    loss_fn = torch.nn.CrossEntropyLoss()
    xt = torch.from_numpy(np.ascontiguousarray(x.transpose(0, 3, 1, 2)))  # NHWC -> NCHW
    yt = torch.from_numpy(y.astype(np.int64))
    generator = torch.Generator().manual_seed(0)

    def epoch():
        model.train()
        order = torch.randperm(len(xt), generator=generator)
        for start in range(0, len(xt), batch_size):
            idx = order[start:start + batch_size]
            optimizer.zero_grad()
            loss = loss_fn(model(xt[idx]), yt[idx])
            loss.backward()
            optimizer.step()
    return epoch, sum(p.numel() for p in model.parameters())


def median_epochs(runners, repeats):
    """Median seconds per epoch of each runner, after one warm-up epoch, run in turn."""
    for run in runners:
        run()
    times = [[] for _ in runners]
    for _ in range(repeats):
        for run, bucket in zip(runners, times):
            start = time.perf_counter()
            run()
            bucket.append(time.perf_counter() - start)
    return [statistics.median(t) for t in times]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="epochs timed per side")
    parser.add_argument("--threads", type=int, default=1, help="PyTorch threads")
    args = parser.parse_args(argv)

    try:
        import torch
        torch.set_num_threads(args.threads)
    except ImportError:
        torch = None
        print("PyTorch is not installed: timing course_lib only. For the comparison, install "
              "the CPU build: pip install torch (it is never a course dependency).\n")

    x, y = digits()
    print(f"digits: {len(x)} training images, batch size {BATCH_SIZE}, Adam, one epoch = "
          f"{-(-len(x) // BATCH_SIZE)} steps; PyTorch threads: {args.threads}")
    print(f"{'model':<5} {'params':>7} {'course_lib s/epoch':>19} {'PyTorch s/epoch':>16} "
          f"{'ratio':>6}")
    for kind in ("mlp", "cnn"):
        model = ours(kind)
        runners = [lambda m=model: m.fit(x, y, batch_size=BATCH_SIZE, epochs=1, verbose=0)]
        if torch is not None:
            epoch, n_torch = torch_epoch_runner(kind, torch, x, y)
            if n_torch != model.count_params() - sum(w.size for w in model.non_trainable_weights):
                print(f"warning: {kind} parameter counts differ ({n_torch} in PyTorch)")
            runners.append(epoch)
        times = median_epochs(runners, args.repeats)
        if torch is None:
            print(f"{kind:<5} {model.count_params():>7} {times[0]:>19.3f} {'-':>16} {'-':>6}")
        else:
            print(f"{kind:<5} {model.count_params():>7} {times[0]:>19.3f} {times[1]:>16.3f} "
                  f"{times[0] / times[1]:>6.2f}")


if __name__ == "__main__":
    main()
