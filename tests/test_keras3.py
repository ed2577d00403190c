"""Keras 3 spellings next to Keras 2's: ``Input(shape=...)`` first in a Sequential model and
``LeakyReLU(negative_slope=...)`` next to ``LeakyReLU(alpha=...)``.

Parameter counts are worked out by hand here, and every Input model is compared with the same
model written with ``input_shape=`` on its first layer (the Keras 2 path the chapters use).
"""
import io
from contextlib import redirect_stdout

import numpy as np
import pytest

from course_lib import keras
from course_lib.keras.layers import (Conv2D, Dense, Flatten, Input, InputLayer, LeakyReLU,
                                     MaxPooling2D)
from course_lib.keras.models import Sequential
from course_lib.utils import set_random_seed
from reference import centred_differences


def summary_text(model):
    out = io.StringIO()
    with redirect_stdout(out):
        model.summary()
    return out.getvalue()


# --- Input ------------------------------------------------------------------------------

def test_input_first_builds_the_same_model_as_input_shape():
    set_random_seed(0)
    with_input = Sequential([Input(shape=(8, 8, 1)), Flatten(), Dense(10, activation="softmax")])
    set_random_seed(0)
    keras.backend.clear_session()  # the same names again, for the summaries to compare
    with_shape = Sequential([Flatten(input_shape=(8, 8, 1)), Dense(10, activation="softmax")])
    assert with_input.built and with_input.input_shape == (None, 8, 8, 1)
    assert with_input.count_params() == 8 * 8 * 1 * 10 + 10 == with_shape.count_params()
    assert [layer.name for layer in with_input.layers] == ["flatten", "dense"]
    assert len(with_input.layers) == 2  # the Input is not a layer of the model, as in Keras
    assert summary_text(with_input) == summary_text(with_shape)
    assert "InputLayer" not in summary_text(with_input)
    for a, b in zip(with_input.get_weights(), with_shape.get_weights()):
        np.testing.assert_array_equal(a, b)  # same seed, same weights
    x = np.random.default_rng(0).random((5, 8, 8, 1))
    np.testing.assert_array_equal(with_input.predict(x), with_shape.predict(x))


def test_input_with_add_and_a_cnn_counts_by_hand():
    set_random_seed(0)
    model = keras.Sequential()
    model.add(keras.Input(shape=(28, 28, 1)))
    model.add(Conv2D(8, 3, activation="relu"))
    model.add(MaxPooling2D(2))
    model.add(Flatten())
    model.add(Dense(10, activation="softmax"))
    conv = 3 * 3 * 1 * 8 + 8                  # 80
    dense = 13 * 13 * 8 * 10 + 10             # 26 -> 13 after pooling: 13530
    assert model.count_params() == conv + dense == 13610
    assert model.output_shape == (None, 10)
    set_random_seed(0)
    keras.utils.clear_session()
    same = Sequential([Conv2D(8, 3, activation="relu", input_shape=(28, 28, 1)),
                       MaxPooling2D(2), Flatten(), Dense(10, activation="softmax")])
    assert summary_text(model) == summary_text(same)


def test_input_model_trains_like_the_input_shape_model():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(40, 4)), rng.integers(0, 3, 40)

    def trained(first):
        set_random_seed(0)
        model = Sequential([*first, Dense(3, activation="softmax")])
        model.compile("adam", "sparse_categorical_crossentropy")
        model.fit(x, y, batch_size=8, epochs=2, verbose=0)
        return model.get_weights()

    a = trained([Input(shape=(4,)), Dense(5, activation="relu")])
    b = trained([Dense(5, activation="relu", input_shape=(4,))])
    assert [w.shape for w in a] == [(4, 5), (5,), (5, 3), (3,)]
    for wa, wb in zip(a, b):
        np.testing.assert_array_equal(wa, wb)


def test_input_spellings():
    assert Input(shape=(3,)).shape == (3,)
    assert Input(batch_shape=(None, 3)).shape == (3,)
    assert InputLayer(input_shape=(3,)).shape == (3,)   # Keras 2's InputLayer argument
    assert keras.layers.Input is keras.Input
    layer = Input(shape=(2, 2), batch_size=16)
    assert layer.batch_shape == (16, 2, 2)
    model = Sequential([layer, Dense(1)])
    assert model.input_shape == (None, 2, 2) and model.count_params() == 2 + 1
    model = Sequential([Input(shape=(3,), dtype="float64"), Dense(1)])
    assert model.dtype == np.float64 and model.layers[0].kernel.dtype == np.float64


def test_input_bad_uses_are_errors():
    with pytest.raises(TypeError, match="InputLayer: argument 'shape' is required"):
        Input()
    with pytest.raises(TypeError, match="'shape' and 'batch_shape'"):
        Input(shape=(3,), batch_shape=(None, 3))
    with pytest.raises(ValueError, match="'shape' must be >= 1, got 0"):
        Input(shape=(0,))
    with pytest.raises(ValueError, match="'batch_shape' must include the batch axis"):
        Input(batch_shape=(3,))
    with pytest.raises(ValueError, match=r"'layer' is an Input.*first element"):
        Sequential([Dense(2, input_shape=(3,)), Input(shape=(2,))])
    with pytest.raises(ValueError, match=r"'layer' is an Input.*first element"):
        Sequential([Input(shape=(3,)), Input(shape=(3,))])
    with pytest.raises(ValueError, match=r"input_shape=\(5,\).*Input has shape=\(4,\)"):
        Sequential([Input(shape=(4,)), Dense(2, input_shape=(5,))])
    assert Sequential([Input(shape=(4,)), Dense(2, input_shape=(4,))]).count_params() == 10
    with pytest.raises(TypeError, match="functional API"):
        Dense(2)(Input(shape=(3,)))


# --- LeakyReLU --------------------------------------------------------------------------

def test_leaky_relu_both_spellings():
    x = np.array([[-3.0, -1.0, 0.0, 2.0]])
    np.testing.assert_allclose(LeakyReLU()(x), [[-0.9, -0.3, 0.0, 2.0]], rtol=1e-6)  # 0.3
    np.testing.assert_allclose(LeakyReLU(negative_slope=0.1)(x), [[-0.3, -0.1, 0.0, 2.0]],
                               rtol=1e-6)
    np.testing.assert_allclose(LeakyReLU(alpha=0.1)(x), [[-0.3, -0.1, 0.0, 2.0]], rtol=1e-6)
    np.testing.assert_allclose(LeakyReLU(0.1)(x), [[-0.3, -0.1, 0.0, 2.0]], rtol=1e-6)
    assert LeakyReLU(alpha=0.2).negative_slope == LeakyReLU(negative_slope=0.2).alpha == 0.2
    keras.backend.clear_session()
    assert LeakyReLU().name == "leaky_re_lu"  # Keras' automatic name
    assert keras.layers.LeakyReLU is LeakyReLU
    from course_lib.keras.layers.advanced_activations import LeakyReLU as keras2_path
    assert keras2_path is LeakyReLU


def test_leaky_relu_bad_arguments():
    with pytest.raises(TypeError, match="'negative_slope' and 'alpha'.*one of them"):
        LeakyReLU(negative_slope=0.1, alpha=0.1)
    with pytest.raises(ValueError, match="'negative_slope' must be a finite number >= 0"):
        LeakyReLU(negative_slope=-0.1)
    with pytest.raises(ValueError, match="'alpha' must be a finite number >= 0"):
        LeakyReLU(alpha=float("nan"))
    with pytest.raises(TypeError, match="'alpha' must be a number"):
        LeakyReLU(alpha="0.1")


def test_leaky_relu_in_a_model_counts_and_gradients():
    set_random_seed(0)
    model = Sequential([Input(shape=(4,)), Dense(5), LeakyReLU(negative_slope=0.2),
                        Dense(2, activation="softmax")])
    assert [layer.name for layer in model.layers] == ["dense", "leaky_re_lu", "dense_1"]
    assert model.count_params() == (4 * 5 + 5) + 0 + (5 * 2 + 2)
    layer = LeakyReLU(negative_slope=0.2)
    x = np.random.default_rng(1).normal(size=(3, 4))
    x[np.abs(x) < 1e-3] = 0.5  # away from the kink
    layer._ensure_built((4,), "float64")
    dy = np.random.default_rng(2).normal(size=(3, 4))
    layer.call(x)
    dx = layer.backward(dy)
    numeric = centred_differences(lambda: np.sum(layer.call(x) * dy), x)
    np.testing.assert_allclose(dx, numeric, rtol=1e-6, atol=1e-8)


# --- automatic names: counted over the session, as Keras 3 (and Keras 2) count them ------------
# Keras 3's keras/src/utils/naming.py: auto_name(prefix) = uniquify(to_snake_case(prefix)), with
# one counter per prefix in the global state that keras.utils.clear_session() empties. A layer is
# named when it is constructed, used or not; a Sequential model is a layer named the same way.
# (tests/conftest.py clears the session before each test, as Keras' own tests do.)

def test_layer_names_count_across_the_models_of_a_session():
    first = Sequential([Dense(4, activation="relu", input_shape=(3,)), Dense(1)])
    second = Sequential([Input(shape=(3,)), Dense(4), keras.layers.Activation("relu"),
                         Dense(1)])
    assert first.name == "sequential" and second.name == "sequential_1"
    assert [layer.name for layer in first.layers] == ["dense", "dense_1"]
    assert [layer.name for layer in second.layers] == ["dense_2", "activation", "dense_3"]
    text = summary_text(second)
    assert text.startswith('Model: "sequential_1"\n')
    rows = [line.split()[0] for line in text.splitlines()
            if line.split() and line.split()[0] in ("dense_2", "activation", "dense_3")]
    assert rows == ["dense_2", "activation", "dense_3"]


def test_a_layer_is_numbered_when_it_is_made_and_clear_session_starts_again():
    # the example of keras.utils.clear_session's docstring
    unused = [Dense(10) for _ in range(10)]
    assert unused[0].name == "dense" and unused[9].name == "dense_9"
    assert Dense(10).name == "dense_10"
    assert Conv2D(2, 3).name == "conv2d"  # each kind has its own count
    keras.utils.clear_session()
    assert Dense(10).name == "dense" and Sequential().name == "sequential"
    keras.backend.clear_session()
    assert Dense(10).name == "dense" and Conv2D(2, 3).name == "conv2d"
    assert InputLayer(shape=(2,)).name == "input_layer"


def test_given_names_are_kept_and_do_not_move_the_count():
    named = Dense(3, name="hidden")
    model = Sequential([Dense(3, input_shape=(2,)), named, Dense(1)], name="net")
    assert [layer.name for layer in model.layers] == ["dense", "hidden", "dense_1"]
    assert model.name == "net" and Sequential().name == "sequential"


def test_two_layers_of_one_model_cannot_share_a_name():
    model = Sequential([Dense(3, input_shape=(2,), name="dense")])
    clash = Dense(1)  # the first automatic Dense of the session: "dense" as well
    assert clash.name == "dense"
    with pytest.raises(ValueError, match=r"Sequential\.add: argument 'layer' is named 'dense', "
                                         r"like a layer already in model 'sequential'"):
        model.add(clash)
    assert len(model.layers) == 1
