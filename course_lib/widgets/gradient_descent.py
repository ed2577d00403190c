"""Chapter 06's explorers: gradient descent on a loss surface, and a line fitted batch by batch.

**The learning-rate explorer.** The loss surface is a tilted, elongated bowl over two weights
``w = (w1, w2)``::

    L(w) = 1/2 (w - w_min)^T H (w - w_min),     dL/dw = H (w - w_min),

with ``H = [[5.5, 4.5], [4.5, 5.5]]``, whose eigenvalues are 10 (along (1, 1)) and 1 (along
(1, -1)). Plain gradient descent ``w <- w - lr * dL/dw`` multiplies the distance to the minimum
along each eigenvector by ``1 - lr * lambda``, so it converges exactly when
``lr < 2 / lambda_max = 0.2``; between 0.1 and 0.2 it zig-zags across the steep direction, and
above 0.2 the zig-zag grows and the path diverges. With a tiny rate it crawls along the flat
direction. The optimizers are the library's (:mod:`course_lib.optimizers`), so the picture is
exactly what their ``apply_gradients`` does.

**The mini-batch explorer.** A line ``y_hat = w x + b`` is fitted to seeded data by mini-batch
SGD on the mean squared error; a slider runs through the iterations (one iteration = one
batch = one update), showing the batch that made the update, the line before and after it,
and the loss on the whole data set, with epoch boundaries marked.
"""
from __future__ import annotations

import math

import numpy as np

from .. import losses
from .. import optimizers as _optimizers
from .._validation import as_array, as_rng, check_choice, check_int, check_positive, check_real
from ._base import build_explorer, find_artist, mark_live

__all__ = ["BOWL_HESSIAN", "BOWL_MINIMUM", "BOWL_START", "OPTIMIZERS", "bowl_loss",
           "bowl_gradient", "descent_path", "draw_descent", "learning_rate_explorer",
           "minibatch_sgd_run", "draw_minibatch_fit", "minibatch_fit_explorer"]

BOWL_HESSIAN = np.array([[5.5, 4.5], [4.5, 5.5]])
BOWL_MINIMUM = np.array([1.0, 0.5])
BOWL_START = np.array([-2.5, 2.5])
#: Names of the optimizers the explorer offers, and how each is built from a learning rate.
OPTIMIZERS = {
    "SGD": lambda lr: _optimizers.SGD(learning_rate=lr),
    "SGD + momentum 0.9": lambda lr: _optimizers.SGD(learning_rate=lr, momentum=0.9),
    "RMSprop": lambda lr: _optimizers.RMSprop(learning_rate=lr),
    "Adam": lambda lr: _optimizers.Adam(learning_rate=lr),
}
#: A path whose loss passes this value is called diverged and is not followed further (its
#: weights would soon overflow; nothing more is to be learned from it).
DIVERGED_LOSS = 1e8
# The view of the surface: wide enough for the start, the minimum and the first overshoots.
_W1_LIM = (-4.0, 4.0)
_W2_LIM = (-3.0, 4.0)


def _as_weights(w, func):
    w = as_array(w, "w", func, shape_hint="(2,) or (..., 2)")
    if w.ndim == 0 or w.shape[-1] != 2:
        raise ValueError(f"{func}: argument 'w' must have a last axis of length 2 (w1, w2), "
                         f"got shape {w.shape}")
    return w.astype(np.float64)


def _few_ticks(*axes):
    """Few tick labels and no minor ones: laying out tick text is most of a redraw's cost."""
    from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, NullLocator
    for ax in axes:
        ax.xaxis.set_major_locator(MaxNLocator(4, integer=True))
        if ax.get_yscale() == "log":
            ax.yaxis.set_major_locator(LogLocator(numticks=4))
            # Plain text such as "1e-3": the default labels are math text, parsed on every draw.
            ax.yaxis.set_major_formatter(FuncFormatter(
                lambda v, _: f"1e{round(math.log10(v))}" if v > 0 else "0"))
        else:
            ax.yaxis.set_major_locator(MaxNLocator(4))
        ax.yaxis.set_minor_locator(NullLocator())


def _title(ax, text, **kwargs):
    """Set a title at a fixed height: an automatic height costs a layout of every tick label."""
    ax.set_title(text, y=1.0, fontsize="medium", **kwargs)


def bowl_loss(w):
    """The explorer's loss ``L(w) = 1/2 (w - w_min)^T H (w - w_min)``.

    ``w: (..., 2)`` -> ``(...)``: one loss per point, so a whole grid can be evaluated at once.
    """
    d = _as_weights(w, "bowl_loss") - BOWL_MINIMUM
    return 0.5 * np.einsum("...i,ij,...j->...", d, BOWL_HESSIAN, d)


def bowl_gradient(w):
    """Its gradient ``dL/dw = H (w - w_min)``; ``w: (..., 2)`` -> ``(..., 2)``."""
    d = _as_weights(w, "bowl_gradient") - BOWL_MINIMUM
    return d @ BOWL_HESSIAN.T


def descent_path(learning_rate, n_steps, optimizer="SGD", start=None):
    """Run ``n_steps`` updates of ``optimizer`` on the bowl from ``start`` (default BOWL_START).

    Returns ``(path, loss)``: ``path: (k + 1, 2)`` the weights before the first and after each
    update, ``loss: (k + 1,)`` the loss there. ``k = n_steps`` unless the loss passed
    ``DIVERGED_LOSS``, where the run stops (``k`` is then the step at which it did).
    """
    func = "descent_path"
    learning_rate = float(check_positive(check_real(learning_rate, "learning_rate", func),
                                         "learning_rate", func))
    n_steps = check_int(n_steps, "n_steps", func, minimum=0)
    optimizer = check_choice(optimizer, "optimizer", func, tuple(OPTIMIZERS))
    w = BOWL_START.copy() if start is None else _as_weights(start, func).reshape(2).copy()
    opt = OPTIMIZERS[optimizer](learning_rate)
    path = [w.copy()]
    loss = [float(bowl_loss(w))]
    for _ in range(n_steps):
        opt.apply_gradients([w], [bowl_gradient(w)])
        path.append(w.copy())
        loss.append(float(bowl_loss(w)))
        if loss[-1] > DIVERGED_LOSS:
            break
    return np.array(path), np.array(loss)


def draw_descent(fig, learning_rate, n_steps, optimizer="SGD"):
    """Draw the path of ``optimizer`` on the bowl's contours (left) and its loss curve (right).

    On the first call the two axes are added to ``fig`` and the contours drawn; later calls
    only move the path and the curve (that keeps a slider move fast). Returns
    ``(final_loss, diverged)``.
    """
    path, loss = descent_path(learning_rate, n_steps, optimizer)
    diverged = loss[-1] > DIVERGED_LOSS
    if not fig.axes:
        ax_path, ax_loss = fig.subplots(1, 2, width_ratios=[1.1, 1])
        w1 = np.linspace(*_W1_LIM, 120)
        w2 = np.linspace(*_W2_LIM, 120)
        grid = np.stack(np.meshgrid(w1, w2), axis=-1)
        levels = np.geomspace(0.05, 200, 12)
        ax_path.contour(w1, w2, bowl_loss(grid), levels=levels, colors="gray",
                        linewidths=0.7)
        # Text labels rather than a legend: a legend box costs about 10 ms on every redraw.
        ax_path.plot(*BOWL_MINIMUM, "*", color="tab:green", ms=14, zorder=4)
        ax_path.text(BOWL_MINIMUM[0] + 0.4, BOWL_MINIMUM[1] - 0.8, "minimum",
                     color="tab:green", fontsize="small")
        ax_path.plot(*BOWL_START, "o", color="black", ms=7, zorder=4)
        ax_path.text(BOWL_START[0] - 0.3, BOWL_START[1] + 0.35, "start", fontsize="small")
        ax_path.plot([], [], "-o", color="tab:red", lw=1.5, ms=3, gid="path")
        ax_path.set_xlim(*_W1_LIM)
        ax_path.set_ylim(*_W2_LIM)
        ax_path.set_xlabel("$w_1$")
        ax_path.set_ylabel("$w_2$")
        ax_path.set_aspect("equal")
        ax_loss.plot([], [], "-", color="tab:red", lw=1.5, gid="loss")
        ax_loss.set_yscale("log")
        _few_ticks(ax_path, ax_loss)
        ax_loss.set_xlabel("step")
        ax_loss.set_ylabel("loss L(w)")
    ax_path, ax_loss = fig.axes[:2]
    find_artist(ax_path, "path").set_data(path[:, 0], path[:, 1])
    steps = np.arange(len(loss))
    # The log axis cannot show 0; a loss that small is at the minimum anyway.
    find_artist(ax_loss, "loss").set_data(steps, np.maximum(loss, 1e-12))
    ax_loss.set_xlim(0, max(n_steps, 1))
    low = max(float(loss.min()), 1e-12)
    ax_loss.set_ylim(low / 3, max(float(loss.max()), float(loss[0])) * 3)
    if diverged:
        _title(ax_path, f"lr = {learning_rate:.3g}: diverged at step {len(loss) - 1}",
               color="tab:red")
    else:
        _title(ax_path, f"lr = {learning_rate:.3g}, {optimizer}", color="black")
    _title(ax_loss, f"loss after {len(loss) - 1} steps: {loss[-1]:.3g}")
    return float(loss[-1]), bool(diverged)


def _log_slider(value, exponents, description, *, steps=150, style=None):
    """A ``FloatLogSlider`` (base 10) over ``10**exponents[0] .. 10**exponents[1]`` whose grid of
    exponents passes through ``log10(value)``, so the browser does not snap the start value."""
    import ipywidgets as widgets

    low, high = exponents
    value = float(np.clip(value, 10.0 ** low, 10.0 ** high))
    exponent = float(np.log10(value))
    step = (high - low) / steps
    low = exponent - round((exponent - low) / step) * step
    return widgets.FloatLogSlider(value=value, base=10, min=low,
                                  max=low + steps * step, step=step, description=description,
                                  readout_format=".3g", continuous_update=True,
                                  style=style or {})


def learning_rate_explorer(learning_rate=0.05, n_steps=20, optimizer="SGD", *,
                           figsize=(8.4, 3.5)):
    """Gradient descent on the bowl: sliders for the learning rate and the number of steps.

    Controls: a log-scale slider for the learning rate (0.001 to 1, the first control), a
    slider for the number of steps (0 to 100) and a menu of optimizers (``OPTIMIZERS``).
    For plain SGD, rates above 0.2 diverge on this surface.

    Returns an ``ipywidgets.VBox`` with the CSS class ``course-widget``; its attributes
    ``lr_slider``, ``steps_slider``, ``optimizer_menu``, ``image``, ``readout`` and ``figure``
    give tests and curious students access to the parts.
    """
    import ipywidgets as widgets

    func = "learning_rate_explorer"
    learning_rate = float(check_positive(check_real(learning_rate, "learning_rate", func),
                                         "learning_rate", func))
    n_steps = check_int(n_steps, "n_steps", func, minimum=0, maximum=100)
    optimizer = check_choice(optimizer, "optimizer", func, tuple(OPTIMIZERS))
    style = {"description_width": "initial"}
    controls = {
        "learning_rate": _log_slider(learning_rate, (-3, 0), "learning rate", style=style),
        "n_steps": widgets.IntSlider(value=n_steps, min=0, max=100, description="steps",
                                     continuous_update=True, style=style),
        "optimizer": widgets.Dropdown(options=list(OPTIMIZERS), value=optimizer,
                                      description="optimizer", style=style),
    }

    def draw(fig, learning_rate, n_steps, optimizer):
        final, diverged = draw_descent(fig, learning_rate, n_steps, optimizer)
        # A move redraws the path (and what lies over it) over the contours drawn once, and
        # the loss panel whole: its scales follow the run.
        ax_path, ax_loss = fig.axes[:2]
        mark_live(find_artist(ax_path, "path"), ax_loss)
        if diverged:
            return (f"{optimizer}, learning rate {learning_rate:.3g}: the loss passed "
                    f"{DIVERGED_LOSS:.0e}, <b>diverged</b>")
        return (f"{optimizer}, learning rate {learning_rate:.3g}: loss after {n_steps} "
                f"steps <b>{final:.3g}</b>")

    box = build_explorer(controls, draw, figsize=figsize)
    box.lr_slider, box.steps_slider, box.optimizer_menu = (
        controls["learning_rate"], controls["n_steps"], controls["optimizer"])
    return box


# ---------------------------------------------------------------------------------------------
# a line fitted batch by batch
# ---------------------------------------------------------------------------------------------

def _default_line_data():
    """30 seeded points around y = 2 x + 1 (the explorer's data when none is given)."""
    rng = np.random.default_rng(6)
    x = rng.uniform(-2.0, 2.0, 30)
    return x, 2.0 * x + 1.0 + rng.normal(0.0, 0.6, 30)


def _line_data(x, y, func):
    if x is None and y is None:
        return _default_line_data()
    x = as_array(x, "x", func, ndim=1, shape_hint="(N,)").astype(np.float64)
    y = as_array(y, "y", func, ndim=1, shape_hint="(N,)").astype(np.float64)
    if x.shape != y.shape or x.size == 0:
        raise ValueError(f"{func}: arguments 'x' and 'y' must be two non-empty arrays of the "
                         f"same length, got shapes {x.shape} and {y.shape}")
    return x, y


def minibatch_sgd_run(x=None, y=None, *, batch_size=8, learning_rate=0.1, epochs=5,
                      random_state=0, w=0.0, b=0.0):
    """Fit ``y_hat = w x + b`` to ``x, y: (N,)`` by mini-batch SGD on the MSE, and record it.

    Each epoch shuffles the samples (one seeded generator for the whole run) and cuts them into
    ``ceil(N / batch_size)`` batches, the last one smaller when ``batch_size`` does not divide
    ``N``. Every batch makes one update ``(w, b) <- (w, b) - lr * dL_batch/d(w, b)`` with the
    library's ``SGD``, where ``dL/dy_hat`` is :func:`course_lib.losses.mean_squared_error_gradient`
    and ``dL/dw = sum(dL/dy_hat * x)``, ``dL/db = sum(dL/dy_hat)`` over the batch.

    Returns a dict: ``x, y``; ``w, b: (T + 1,)`` the line before the first and after each of
    the ``T = epochs * ceil(N / batch_size)`` iterations; ``batches``: list of ``T`` index arrays;
    ``epoch: (T + 1,)`` the epoch (1-based) each iteration belongs to (0 for the start);
    ``loss: (T + 1,)`` the MSE on all N points; ``batches_per_epoch``.
    """
    func = "minibatch_sgd_run"
    x, y = _line_data(x, y, func)
    n = x.size
    batch_size = check_int(batch_size, "batch_size", func, minimum=1)
    learning_rate = float(check_positive(check_real(learning_rate, "learning_rate", func),
                                         "learning_rate", func))
    epochs = check_int(epochs, "epochs", func, minimum=1)
    rng = as_rng(random_state, func)
    params = np.array([check_real(w, "w", func), check_real(b, "b", func)])
    opt = _optimizers.SGD(learning_rate=learning_rate)
    history, batches, epoch_of = [params.copy()], [], [0]
    for epoch in range(1, epochs + 1):
        order = rng.permutation(n)
        for start in range(0, n, batch_size):
            idx = order[start:start + batch_size]
            xb, yb = x[idx], y[idx]
            g = losses.mean_squared_error_gradient(yb, params[0] * xb + params[1])
            opt.apply_gradients([params], [np.array([np.sum(g * xb), np.sum(g)])])
            history.append(params.copy())
            batches.append(idx)
            epoch_of.append(epoch)
    history = np.array(history)
    predictions = history[:, :1] * x + history[:, 1:]
    loss = np.mean((predictions - y) ** 2, axis=1)
    return {"x": x, "y": y, "w": history[:, 0], "b": history[:, 1], "batches": batches,
            "epoch": np.array(epoch_of), "loss": loss,
            "batches_per_epoch": math.ceil(n / batch_size)}


def draw_minibatch_fit(fig, run, iteration):
    """Draw iteration ``iteration`` of a :func:`minibatch_sgd_run` result ``run``.

    Left: all points, the batch of this iteration in red, the line before this update (dashed)
    and after it (solid). Right: the MSE on all points per iteration, epochs separated by
    dotted lines, a marker at this iteration. Iteration 0 is the starting line. Returns the
    loss after this iteration.
    """
    func = "draw_minibatch_fit"
    n_iter = len(run["batches"])
    iteration = check_int(iteration, "iteration", func, minimum=0, maximum=n_iter)
    x, y = run["x"], run["y"]
    if not fig.axes:
        ax_fit, ax_loss = fig.subplots(1, 2)
        ax_fit.scatter(x, y, s=16, color="tab:blue", alpha=0.5, gid="points")
        ax_fit.scatter([], [], s=40, color="tab:red", zorder=3, gid="batch")
        ax_fit.plot([], [], "--", color="gray", lw=1.2, gid="before")
        ax_fit.plot([], [], "-", color="black", lw=2, gid="after")
        # One line of text rather than a legend box, which would cost ~10 ms per redraw.
        ax_fit.text(0.02, 0.97, "red: this batch   dashed: before   solid: after",
                    transform=ax_fit.transAxes, va="top", fontsize="small")
        pad_x, pad_y = 0.05 * (np.ptp(x) or 1.0), 0.2 * (np.ptp(y) or 1.0)
        ax_fit.set_xlim(x.min() - pad_x, x.max() + pad_x)
        ax_fit.set_ylim(y.min() - pad_y, y.max() + pad_y)
        ax_fit.set_xlabel("x")
        ax_fit.set_ylabel("y")
        ax_loss.plot([], [], "-", color="tab:blue", lw=1.2, gid="curve")
        ax_loss.plot([], [], "o", color="tab:red", ms=7, gid="here")
        ax_loss.set_yscale("log")
        _few_ticks(ax_fit, ax_loss)
        ax_loss.set_xlabel("iteration (one update per batch)")
        ax_loss.set_ylabel("MSE on all points")
        ax_loss.set_gid("loss-axes")
    ax_fit, ax_loss = fig.axes[:2]
    # A new run (another batch size) redraws the curve and the epoch marks.
    if getattr(ax_loss, "_run_id", None) != id(run):
        ax_loss._run_id = id(run)
        for line in [a for a in ax_loss.lines if a.get_gid() == "epoch-mark"]:
            line.remove()
        steps = np.arange(n_iter + 1)
        find_artist(ax_loss, "curve").set_data(steps, run["loss"])
        for e in range(1, int(run["epoch"][-1])):
            ax_loss.axvline(e * run["batches_per_epoch"] + 0.5, color="gray", lw=0.8,
                            ls=":", gid="epoch-mark")
        ax_loss.set_xlim(-0.5, n_iter + 0.5)
        ax_loss.set_ylim(run["loss"].min() / 1.5, run["loss"].max() * 1.5)
    x0, x1 = ax_fit.get_xlim()
    before = max(iteration - 1, 0)
    w, b = run["w"], run["b"]
    find_artist(ax_fit, "after").set_data([x0, x1], [w[iteration] * x0 + b[iteration],
                                                     w[iteration] * x1 + b[iteration]])
    batch = find_artist(ax_fit, "batch")
    old = find_artist(ax_fit, "before")
    if iteration == 0:
        batch.set_offsets(np.empty((0, 2)))
        old.set_data([], [])
        _title(ax_fit, "start: no update yet")
    else:
        idx = run["batches"][iteration - 1]
        batch.set_offsets(np.column_stack([x[idx], y[idx]]))
        old.set_data([x0, x1], [w[before] * x0 + b[before], w[before] * x1 + b[before]])
        k = (iteration - 1) % run["batches_per_epoch"] + 1
        _title(ax_fit, f"epoch {run['epoch'][iteration]}, batch {k} of "
                       f"{run['batches_per_epoch']} ({len(idx)} points)")
    find_artist(ax_loss, "here").set_data([iteration], [run["loss"][iteration]])
    _title(ax_loss, f"iteration {iteration}: w = {w[iteration]:.2f}, b = {b[iteration]:.2f}")
    return float(run["loss"][iteration])


def minibatch_fit_explorer(x=None, y=None, *, batch_size=8, learning_rate=0.1, epochs=5,
                           random_state=0, batch_sizes=None, figsize=(8.4, 3.4)):
    """A line fitted batch by batch: a slider over the iterations of a seeded SGD run.

    Controls: the iteration (0 to ``epochs * ceil(N / batch_size)``, the first control) and a
    menu of batch sizes (default ``1, 4, 8`` and ``N``, full-batch gradient descent); choosing
    another batch size reruns the fit with the same seed and resizes the slider. Runs are
    cached, so a slider move only redraws.

    Returns an ``ipywidgets.VBox`` with the CSS class ``course-widget``; its attributes
    ``iteration_slider``, ``batch_menu``, ``runs`` (batch size -> run), ``image``, ``readout``
    and ``figure`` give tests and curious students access to the parts.
    """
    import ipywidgets as widgets

    func = "minibatch_fit_explorer"
    x, y = _line_data(x, y, func)
    n = x.size
    batch_size = check_int(batch_size, "batch_size", func, minimum=1, maximum=n)
    if batch_sizes is None:
        batch_sizes = sorted({1, min(4, n), min(8, n), n, batch_size})
    else:
        batch_sizes = sorted({check_int(s, "batch_sizes", func, minimum=1, maximum=n)
                              for s in batch_sizes} | {batch_size})
    runs = {}

    def run_for(size):
        if size not in runs:
            runs[size] = minibatch_sgd_run(x, y, batch_size=size, learning_rate=learning_rate,
                                           epochs=epochs, random_state=random_state)
        return runs[size]

    first = run_for(batch_size)
    style = {"description_width": "initial"}
    slider = widgets.IntSlider(value=0, min=0, max=len(first["batches"]),
                               description="iteration", continuous_update=True, style=style)
    menu = widgets.Dropdown(options=[(f"{s} (full batch)" if s == n else str(s), s)
                                     for s in batch_sizes],
                            value=batch_size, description="batch size", style=style)

    # Registered before build_explorer's own observer, so the slider fits the new run before
    # the picture is redrawn.
    def resize(change):
        n_iter = len(run_for(change["new"])["batches"])
        if slider.value > n_iter:
            slider.value = n_iter
        slider.max = n_iter

    menu.observe(resize, names="value")

    def draw(fig, iteration, batch_size):
        run = run_for(batch_size)
        iteration = min(iteration, len(run["batches"]))
        loss = draw_minibatch_fit(fig, run, iteration)
        # A move redraws the lines, the batch and the marker (and what lies over them); the
        # points, the loss curve and the ticks stay as drawn once per run.
        ax_fit, ax_loss = fig.axes[:2]
        mark_live(*(find_artist(ax_fit, gid) for gid in ("before", "after", "batch")),
                  find_artist(ax_loss, "here"))
        epoch = int(run["epoch"][iteration])
        return (f"batch size {batch_size}: {run['batches_per_epoch']} iterations per epoch; "
                f"iteration {iteration} (epoch {epoch}), MSE on all points <b>{loss:.3f}</b>")

    box = build_explorer({"iteration": slider, "batch_size": menu}, draw, figsize=figsize)
    box.iteration_slider, box.batch_menu, box.runs = slider, menu, runs
    return box
