"""Tests for course_lib.initializers: Keras' fan rules, target variances, bounds, seeding.

References are independent of the code under test: fans worked out by hand, variances from the
textbook formulas, distributions compared with SciPy's (Kolmogorov-Smirnov tests).
"""
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from course_lib import initializers as init

UNIFORM = ["glorot_uniform", "he_uniform", "lecun_uniform"]
TRUNCATED = ["glorot_normal", "he_normal", "lecun_normal"]
ALL = ["zeros", "ones", "random_normal", "random_uniform"] + UNIFORM + TRUNCATED


def target_variance(name, fan_in, fan_out):
    """The variance each scheme is designed to give (Glorot 2010, He 2015, LeCun 1998)."""
    return {
        "glorot_uniform": 2.0 / (fan_in + fan_out),
        "glorot_normal": 2.0 / (fan_in + fan_out),
        "he_uniform": 2.0 / fan_in,
        "he_normal": 2.0 / fan_in,
        "lecun_uniform": 1.0 / fan_in,
        "lecun_normal": 1.0 / fan_in,
    }[name]


# ---------------------------------------------------------------------------------------------
# compute_fans
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("shape, expected", [
    ((), (1, 1)),                     # a scalar
    ((7,), (7, 7)),                   # a bias vector: both fans are its length
    ((784, 128), (784, 128)),         # Dense kernel (inputs, units)
    ((3, 3, 16, 32), (144, 288)),     # 3*3 window: fan_in = 16*9, fan_out = 32*9
    ((5, 5, 3, 8), (75, 200)),        # 5*5 window: 3*25 and 8*25
    ((1, 1, 64, 10), (64, 10)),       # 1x1 conv is a Dense on the channels
    ((2, 3, 4, 5, 6), (120, 144)),    # 3-D conv: window 2*3*4 = 24; 5*24 and 6*24
])
def test_compute_fans_worked_by_hand(shape, expected):
    assert init.compute_fans(shape) == expected


def test_compute_fans_accepts_int_and_list():
    assert init.compute_fans(5) == (5, 5)
    assert init.compute_fans([4, 6]) == (4, 6)


@given(st.lists(st.integers(1, 9), min_size=2, max_size=5))
def test_compute_fans_window_relation(shape):
    fan_in, fan_out = init.compute_fans(tuple(shape))
    # Both fans share the same window size: fan_in / c_in == fan_out / c_out.
    assert fan_in * shape[-1] == fan_out * shape[-2]
    assert fan_in == math.prod(shape[:-1]) or len(shape) == 2
    assert fan_in == shape[0] or len(shape) > 2


# ---------------------------------------------------------------------------------------------
# variances, bounds and distributions
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", UNIFORM + TRUNCATED)
@pytest.mark.parametrize("shape", [(500, 400), (5, 5, 32, 64)])
def test_empirical_variance_matches_keras_target(name, shape):
    w = getattr(init, name)(shape, random_state=1)
    fan_in, fan_out = init.compute_fans(shape)
    expected = target_variance(name, fan_in, fan_out)
    var = np.var(w.astype(np.float64))
    assert abs(var / expected - 1) < 0.02, (name, shape, var, expected)
    assert abs(np.mean(w)) < 0.05 * math.sqrt(expected)


@pytest.mark.parametrize("name", UNIFORM)
def test_uniform_bounds_and_distribution(name):
    shape = (300, 200)
    w = getattr(init, name)(shape, random_state=2).astype(np.float64)
    # U(-l, l) has variance l**2 / 3, so l = sqrt(3 * target variance).
    limit = math.sqrt(3 * target_variance(name, 300, 200))
    assert w.min() >= -limit and w.max() <= limit
    assert w.min() < -0.999 * limit and w.max() > 0.999 * limit
    ks = stats.kstest(w.ravel(), stats.uniform(loc=-limit, scale=2 * limit).cdf)
    assert ks.pvalue > 1e-3


def test_keras_truncation_constant_is_the_truncated_normal_sd():
    # The sd of N(0, 1) cut to [-2, 2], computed by SciPy.
    assert init.TRUNCATED_NORMAL_STDDEV == pytest.approx(stats.truncnorm(-2, 2).std(),
                                                         rel=1e-12)


@pytest.mark.parametrize("name", TRUNCATED)
def test_truncated_normal_never_beyond_two_untruncated_sd(name):
    shape = (400, 300)
    w = getattr(init, name)(shape, random_state=3).astype(np.float64)
    target_sd = math.sqrt(target_variance(name, 400, 300))
    scale = target_sd / 0.87962566103423978  # the untruncated normal's sd
    assert np.abs(w).max() <= 2 * scale * (1 + 1e-6)
    # The cut is really at 2 sd (not 3, not at the target sd): the tails reach near it.
    assert np.abs(w).max() > 1.98 * scale
    ks = stats.kstest(w.ravel() / scale, stats.truncnorm(-2, 2).cdf)
    assert ks.pvalue > 1e-3


def test_random_normal_defaults_and_arguments():
    w = init.random_normal((400, 500), random_state=4).astype(np.float64)
    assert np.std(w) == pytest.approx(0.05, rel=0.02)  # Keras' default stddev
    assert abs(np.mean(w)) < 0.001
    # Not truncated: about 4.6% of draws lie beyond 2 sd.
    assert 0.04 < np.mean(np.abs(w) > 0.1) < 0.052
    w = init.random_normal((400, 500), random_state=4, mean=1.0, stddev=2.0)
    assert np.mean(w) == pytest.approx(1.0, abs=0.02)
    assert np.std(w) == pytest.approx(2.0, rel=0.02)


def test_random_uniform_defaults_and_arguments():
    w = init.random_uniform((300, 300), random_state=5)
    assert w.min() >= -0.05 and w.max() <= 0.05  # Keras' defaults
    assert np.var(w.astype(np.float64)) == pytest.approx(0.1 ** 2 / 12, rel=0.02)
    w = init.random_uniform((300, 300), random_state=5, minval=2.0, maxval=3.0)
    assert w.min() >= 2.0 and w.max() <= 3.0
    assert np.mean(w) == pytest.approx(2.5, abs=0.01)


def test_zeros_and_ones():
    z = init.zeros((3, 4))
    o = init.ones((2, 2, 1, 3), dtype=np.float64)
    assert z.shape == (3, 4) and z.dtype == np.float32 and not z.any()
    assert o.shape == (2, 2, 1, 3) and o.dtype == np.float64 and np.all(o == 1.0)


def test_empty_dimension_gives_an_empty_array_without_warnings():
    for name in ALL:
        w = getattr(init, name)((0, 5), random_state=0)
        assert w.shape == (0, 5)


# ---------------------------------------------------------------------------------------------
# dtypes and reproducibility
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ALL)
def test_dtype_default_float32_and_float64_on_request(name):
    f = getattr(init, name)
    assert f((4, 3), random_state=0).dtype == np.float32
    assert f((4, 3), random_state=0, dtype=np.float64).dtype == np.float64


@pytest.mark.parametrize("name", ALL)
def test_same_seed_same_array(name):
    f = getattr(init, name)
    a = f((6, 5), random_state=42)
    b = f((6, 5), 42)  # random_state is the second positional argument
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("name", ["random_normal", "random_uniform"] + UNIFORM + TRUNCATED)
def test_seeds_and_generators_give_fresh_draws(name):
    f = getattr(init, name)
    assert not np.array_equal(f((6, 5), random_state=1), f((6, 5), random_state=2))
    rng = np.random.default_rng(0)
    first, second = f((6, 5), random_state=rng), f((6, 5), random_state=rng)
    assert not np.array_equal(first, second)  # the generator moves on
    # ... and it is the same stream as a generator seeded alike.
    rng2 = np.random.default_rng(0)
    np.testing.assert_array_equal(first, f((6, 5), random_state=rng2))
    assert f((6, 5)).shape == (6, 5)  # random_state=None works


@settings(max_examples=40, deadline=None)
@given(shape=st.lists(st.integers(1, 6), min_size=1, max_size=4),
       name=st.sampled_from(UNIFORM + TRUNCATED), seed=st.integers(0, 2 ** 32 - 1))
def test_shape_and_bounds_for_any_shape(shape, name, seed):
    w = getattr(init, name)(tuple(shape), random_state=seed)
    assert w.shape == tuple(shape) and w.dtype == np.float32
    fan_in, fan_out = init.compute_fans(tuple(shape))
    sd = math.sqrt(target_variance(name, fan_in, fan_out))
    bound = math.sqrt(3) * sd if name in UNIFORM else 2 * sd / 0.87962566103423978
    assert np.all(np.abs(w) <= np.float32(bound) * (1 + 1e-6))


# ---------------------------------------------------------------------------------------------
# get
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ALL)
def test_get_by_keras_name(name):
    assert init.get(name) is getattr(init, name)


def test_get_aliases_and_callables():
    assert init.get("GlorotUniform") is init.glorot_uniform
    assert init.get("HeNormal") is init.he_normal
    assert init.get("zero") is init.zeros

    def mine(shape, random_state=None, dtype=np.float32):
        return np.full(shape, 0.5, dtype=dtype)

    assert init.get(mine) is mine


def test_get_unknown_name_lists_the_known_ones():
    with pytest.raises(ValueError, match="'name'") as info:
        init.get("xavier")
    assert "'glorot_uniform'" in str(info.value) and "'he_normal'" in str(info.value)
    with pytest.raises(TypeError, match="'name'"):
        init.get(3)


# ---------------------------------------------------------------------------------------------
# bad input
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ALL + ["compute_fans"])
def test_bad_shape(name):
    f = getattr(init, name)
    with pytest.raises(TypeError, match="'shape'"):
        f("3x3")
    with pytest.raises(TypeError, match="'shape'"):
        f((3.5, 2))
    with pytest.raises(ValueError, match="'shape'"):
        f((-1, 3))
    with pytest.raises(TypeError, match=f"{name}: argument 'shape'"):
        f(None)


@pytest.mark.parametrize("name", ALL)
def test_bad_dtype_and_random_state(name):
    f = getattr(init, name)
    with pytest.raises(TypeError, match="'dtype'"):
        f((2, 2), dtype="not a dtype")
    with pytest.raises(ValueError, match="'random_state'"):
        f((2, 2), random_state=-1)
    with pytest.raises(TypeError, match="'random_state'"):
        f((2, 2), random_state="seed")


@pytest.mark.parametrize("name", ["random_normal", "random_uniform"] + UNIFORM + TRUNCATED)
def test_random_weights_need_a_float_dtype(name):
    with pytest.raises(TypeError, match=f"{name}: argument 'dtype'"):
        getattr(init, name)((2, 2), dtype=np.int32)


def test_bad_distribution_parameters():
    with pytest.raises(ValueError, match="'stddev'"):
        init.random_normal((2, 2), stddev=0.0)
    with pytest.raises(TypeError, match="'stddev'"):
        init.random_normal((2, 2), stddev="wide")
    with pytest.raises(TypeError, match="'mean'"):
        init.random_normal((2, 2), mean=float("nan"))
    with pytest.raises(ValueError, match="'maxval'"):
        init.random_uniform((2, 2), minval=0.1, maxval=-0.1)
    with pytest.raises(TypeError, match="'minval'"):
        init.random_uniform((2, 2), minval=None)
