"""How live do the chapters' explorers feel? Time the slider moves of each.

Run from the repository root:

    python benchmarks/widgets.py               # every explorer, 40 moves each
    python benchmarks/widgets.py --moves 100   # more moves on a noisy machine
    python benchmarks/widgets.py --only neuron # the rows whose name contains "neuron"

Each explorer is built as its chapter builds it (the same arguments, the same data). Each of
its sliders is then dragged in turn: ``--moves`` values spread over the slider's range, forth
and back, so that consecutive moves are small steps, as in a drag. Setting a slider's ``value``
from Python runs the observer a browser drag runs (the drawing function, the PNG render, the
read-out), so one assignment takes what the kernel needs per move. The browser's part (sending
the 4-45 kB PNG over the websocket and painting it) comes on top and is not measured here.

The table shows, per explorer and slider, the median and the slowest move in wall time and in
CPU time of this process (CPU time leaves out waiting for a busy machine's other programs). The
chapters' aim is "well under 100 ms for a typical slider move": the median.

It is a script, not a test: nothing fails, it only reports. See benchmarks/README.md.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")
# Run from a clone without installing: the package lives one level up.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402


def _line_fit():
    from course_lib.widgets.line_fit import line_fit_explorer

    return line_fit_explorer([1.0, 2.0, 3.0, 4.0, 5.0], [2.1, 3.9, 6.2, 7.8, 10.1],
                             w=1.0, b=0.0)


def _tensor_slice():
    from course_lib.datasets import load_digits_images
    from course_lib.widgets.tensors import tensor_slice_explorer

    x_digits = load_digits_images()[0]
    return tensor_slice_explorer(x_digits[:12], axis=0, index=0, name="x_digits[:12]")


def _neuron():
    from course_lib.widgets.neuron import neuron_explorer

    return neuron_explorer(n_inputs=2, x=[1.0, 2.0], w=[-0.55, 0.1], b=0.0, activation="relu")


def _activation():
    from course_lib.widgets.activations import activation_explorer

    return activation_explorer("sigmoid", w=1.0, b=0.0)


def _losses():
    from course_lib.widgets.losses import loss_explorer

    return loss_explorer(p=0.05, y=1, wrt="logit")


def _learning_rate():
    from course_lib.widgets.gradient_descent import learning_rate_explorer

    return learning_rate_explorer(learning_rate=0.05, n_steps=20)


def _minibatch_fit():
    from course_lib.widgets.gradient_descent import minibatch_fit_explorer

    rng = np.random.default_rng(0)
    x = rng.uniform(0.0, 10.0, 64)
    y = 2.0 * x + 1.0 + rng.normal(0.0, 1.5, 64)
    return minibatch_fit_explorer(x, y, batch_size=8, learning_rate=0.1, epochs=5,
                                  random_state=0)


def _backprop():
    from course_lib.widgets.backprop import backprop_explorer

    return backprop_explorer()


def _training_curves():
    """Chapter 08's callback after a short run on the digits, its epoch slider then dragged."""
    from course_lib.datasets import load_digits_images
    from course_lib.keras.layers import Dense, Flatten
    from course_lib.keras.models import Sequential
    from course_lib.utils import set_random_seed
    from course_lib.widgets.training import TrainingCurves

    set_random_seed(0)
    x, y = load_digits_images()
    model = Sequential([Flatten(), Dense(32, activation="relu"),
                        Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    curves = TrainingCurves(display=False)
    model.fit(x[:600], y[:600], epochs=20, batch_size=32, validation_split=0.2,
              verbose=0, callbacks=[curves])
    return curves.widget


def _initialization():
    from course_lib.widgets.initialization import initialization_explorer

    return initialization_explorer("standard_normal", "sigmoid", depth=10)


def _model_size():
    from course_lib.widgets.regularization import model_size_explorer

    return model_size_explorer(degree=3, n_train=20)


def _fold_picture():
    from course_lib.widgets.validation import fold_explorer

    return fold_explorer("K-fold", n_samples=10, n_splits=3)


def _kmeans_stepper():
    from course_lib.widgets.kmeans import kmeans_stepper

    rng = np.random.default_rng(13)
    centres = np.array([[0, 0], [4, 0.5], [8, 0], [1.5, 4], [6, 4.5], [3.5, 8]])
    X = np.concatenate([c + rng.normal(0, 0.7, (50, 2)) for c in centres])
    return kmeans_stepper(X, 6, init="random", seed=0)


def _pca_explorer():
    from course_lib.datasets import load_wine
    from course_lib.widgets.pca import pca_explorer

    X_wine, y_wine = load_wine()
    columns = ["alcohol", "malic_acid", "magnesium", "flavanoids", "color_intensity",
               "proline"]
    return pca_explorer(X_wine[columns], classes=y_wine.to_numpy())


def _convolution():
    from course_lib.widgets.convolution import convolution_explorer

    return convolution_explorer(kernel="vertical edges (Sobel x) 3x3", stride=1,
                                padding="valid", row=10, col=10)


def _feature_maps():
    from course_lib.datasets import load_digits_images
    from course_lib.pretrained import load_pretrained_digits04
    from course_lib.widgets.cnn import feature_map_explorer

    x, y = load_digits_images()
    return feature_map_explorer(load_pretrained_digits04(), x[:60], y[:60])


def _smoothing():
    from course_lib.datasets import make_car_prices
    from course_lib.model_selection import train_test_split
    from course_lib.widgets.preprocessing import smoothing_explorer

    cars_train, _ = train_test_split(make_car_prices(300, random_state=0), test_size=0.25,
                                     random_state=0)
    return smoothing_explorer(cars_train["make"], cars_train["price"], m=5.0)


def _denoising():
    """Chapter 16's denoising explorer: a plain and a denoising autoencoder trained as there."""
    from course_lib.datasets import load_digits_images
    from course_lib.keras.layers import Dense
    from course_lib.keras.models import Sequential
    from course_lib.keras.optimizers import Adam
    from course_lib.keras.utils import set_random_seed
    from course_lib.widgets.autoencoder import corrupt, denoising_explorer

    x, y = load_digits_images()
    rows = x.reshape(len(x), 64)
    order = np.random.default_rng(0).permutation(len(rows))
    x_train, x_test, y_test = rows[order[:1200]], rows[order[1200:1500]], y[order[1200:1500]]

    def fitted(inputs, targets, epochs):
        set_random_seed(0)
        model = Sequential([Dense(16, activation="relu", input_shape=(64,)),
                            Dense(64, activation="sigmoid")])
        model.compile(optimizer=Adam(learning_rate=0.01), loss="mse")
        model.fit(inputs, targets, batch_size=32, epochs=epochs, verbose=0)
        return model

    plain = fitted(x_train, x_train, 20)
    rng = np.random.default_rng(1)
    noisy = np.concatenate([corrupt(x_train, 0.3, rng.standard_normal(x_train.shape))
                            for _ in range(2)]).astype(np.float32)
    denoiser = fitted(noisy, np.concatenate([x_train, x_train]), 10)
    return denoising_explorer(denoiser, x_test[:40].reshape(40, 8, 8), y_test[:40],
                              compare=plain, noise=0.3, max_noise=0.6, step=0.05)


EXPLORERS = {
    "01 line_fit_explorer": _line_fit,
    "02 tensor_slice_explorer": _tensor_slice,
    "03 neuron_explorer": _neuron,
    "04 activation_explorer": _activation,
    "05 loss_explorer": _losses,
    "06 learning_rate_explorer": _learning_rate,
    "06 minibatch_fit_explorer": _minibatch_fit,
    "07 backprop_explorer": _backprop,
    "08 TrainingCurves (epoch)": _training_curves,
    "09 initialization_explorer": _initialization,
    "10 model_size_explorer": _model_size,
    "11 fold_explorer": _fold_picture,
    "12 smoothing_explorer": _smoothing,
    "13 kmeans_stepper": _kmeans_stepper,
    "13 pca_explorer": _pca_explorer,
    "14 convolution_explorer": _convolution,
    "15 feature_map_explorer": _feature_maps,
    "16 denoising_explorer": _denoising,
}


def sliders(box):
    """The controls with a numeric range, in order (the browser test drags the first)."""
    return [(name, control) for name, control in box.controls.items()
            if hasattr(control, "min") and hasattr(control, "max")]


def drag_values(slider, moves):
    """``moves`` slider positions, forth then back over the range in equal steps, as a drag
    goes (a log slider in equal steps of its exponent). The current value is left out: setting
    it again would not fire the observer."""
    forth = np.linspace(slider.min, slider.max, max(2, moves // 2 + 1))
    if hasattr(slider, "base"):  # FloatLogSlider: min and max are exponents
        forth = slider.base ** forth
    kind = type(slider.value)
    path = [kind(round(v)) if kind is int else kind(v) for v in forth]
    path += path[-2::-1]
    values = []
    for v in path:
        if v != (values[-1] if values else slider.value):
            values.append(v)
    return values[:moves]


def time_moves(slider, moves):
    """Wall and CPU seconds of each move, then the slider back where it was."""
    start, wall, cpu = slider.value, [], []
    for value in drag_values(slider, moves):
        w0, c0 = time.perf_counter(), time.process_time()
        slider.value = value
        wall.append(time.perf_counter() - w0)
        cpu.append(time.process_time() - c0)
    slider.value = start
    return wall, cpu


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--moves", type=int, default=40, help="slider moves per explorer")
    parser.add_argument("--only", default="", help="only rows whose name contains this")
    args = parser.parse_args(argv)
    if args.moves < 2:
        parser.error(f"--moves must be at least 2, got {args.moves}")

    rows = [(name, build) for name, build in EXPLORERS.items() if args.only in name]
    if not rows:
        parser.error(f"--only {args.only!r} matches none of {list(EXPLORERS)}")
    print(f"{'explorer':28} {'slider':>14} {'moves':>6}  {'wall ms median / max':>20}  "
          f"{'CPU ms median / max':>20}")
    for name, build in rows:
        box = build()
        for slider_name, slider in sliders(box):
            wall, cpu = time_moves(slider, args.moves)
            ms = [1000 * statistics.median(wall), 1000 * max(wall),
                  1000 * statistics.median(cpu), 1000 * max(cpu)]
            print(f"{name:28} {slider_name:>14} {len(wall):>6}  {ms[0]:>9.0f} / {ms[1]:<8.0f}"
                  f"  {ms[2]:>9.0f} / {ms[3]:<8.0f}", flush=True)


if __name__ == "__main__":
    main()
