"""Make digits04_cnn.npz: the small CNN of chapter 15 trained on the digits 0-4 only.

Run from anywhere: ``python assets/15_cnns/make_pretrained.py``. Deterministic (seeded data
split, seeded initial weights and shuffles, float32, BLAS on one thread inside ``fit``), so it
writes the same weights every time; the notebook reuses them for the digits 5-9.

The data: scikit-learn's bundled digits, split by the chapter's own permutation
(``default_rng(0)``): the first 1,200 images are the chapter's training pool, and only the
digits 0-4 among them (about 600 images) are used here. The held-out images of the chapter are
never seen.
"""
from pathlib import Path

import numpy as np

from course_lib.datasets import load_digits_images
from course_lib.optimizers import Adam
from course_lib.pretrained import digits_cnn, save_weights_npz
from course_lib.utils import set_random_seed

HERE = Path(__file__).resolve().parent
N_POOL = 1200  # the chapter's training pool: idx[:1200] of the seeded permutation


def main(out=HERE / "digits04_cnn.npz"):
    """Train on the digits 0-4 of the training pool and write the weights to ``out``."""
    x, y = load_digits_images()
    pool = np.random.default_rng(0).permutation(len(x))[:N_POOL]
    keep = pool[y[pool] < 5]
    set_random_seed(0)
    model = digits_cnn(5)
    model.compile(optimizer=Adam(learning_rate=0.01), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(x[keep], y[keep], batch_size=32, epochs=10, verbose=0)
    save_weights_npz(model, out)
    print(f"trained on {len(keep)} images of the digits 0-4, final training accuracy "
          f"{history.history['accuracy'][-1]:.3f}; wrote {out}")


if __name__ == "__main__":
    main()
