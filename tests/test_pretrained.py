"""The shipped pre-trained CNN of chapter 15: its architecture, its file, and the script that makes it."""
import importlib.util

import numpy as np
import pytest

from course_lib.datasets import load_digits_images
from course_lib.pretrained import (DIGITS04_WEIGHTS, digits_cnn, load_pretrained_digits04,
                                   load_weights_npz, save_weights_npz)
from course_lib.utils import set_random_seed


def test_architecture_counts_by_hand():
    model = digits_cnn(5)
    # Conv2D (3*3*1 + 1) * 16; Dense (4*4*16 + 1) * 32; Dense (32 + 1) * 5
    assert [layer.count_params() for layer in model.layers] == [160, 0, 0, 8224, 165]
    assert model.output_shape == (None, 5)


def test_save_and_load_round_trip(tmp_path):
    set_random_seed(3)
    a = digits_cnn(3)
    save_weights_npz(a, tmp_path / "w.npz")
    set_random_seed(4)
    b = load_weights_npz(digits_cnn(3), tmp_path / "w.npz")
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_array_equal(wa, wb)
    with pytest.raises(FileNotFoundError, match="path"):
        load_weights_npz(digits_cnn(3), tmp_path / "missing.npz")
    with pytest.raises(ValueError, match="weights"):
        load_weights_npz(digits_cnn(4), tmp_path / "w.npz")   # 4 outputs, file has 3


def test_shipped_weights_know_the_digits_0_to_4_only():
    x, y = load_digits_images()
    held_out = np.random.default_rng(0).permutation(len(x))[1200:]   # never used to train it
    known = held_out[y[held_out] < 5]
    predicted = load_pretrained_digits04().predict(x[known]).argmax(axis=1)
    assert np.mean(predicted == y[known]) > 0.95


def test_the_script_makes_the_shipped_file(tmp_path):
    spec = importlib.util.spec_from_file_location("make_pretrained",
                                                  DIGITS04_WEIGHTS.parent / "make_pretrained.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    script.main(tmp_path / "again.npz")
    with np.load(tmp_path / "again.npz") as again, np.load(DIGITS04_WEIGHTS) as shipped:
        assert sorted(again.files) == sorted(shipped.files)
        for key in shipped.files:
            # equal up to the last bits of float32: BLAS kernels for other processors (AVX-512
            # against AVX2) add the products of a matrix product in another order, and the
            # training carries those differences along (seen: 4e-7 at most, 6e-6 relative)
            np.testing.assert_allclose(again[key], shipped[key], rtol=1e-4, atol=1e-5)
