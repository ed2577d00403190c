"""Data for the course, offline only: nothing here downloads.

Two kinds of data:

- **bundled sets**, read from files that come installed with scikit-learn and matplotlib:
  ``load_digits_images`` (8x8 handwritten digits as Keras-style image tensors), ``load_iris``,
  ``load_wine`` and ``load_sample_image`` (a photograph, for the convolution chapters);
- **seeded generators** for the stories the chapters tell: ``make_house_prices``,
  ``make_car_prices``, ``make_medical_leak`` and ``make_weight_height``. Each draws a pandas
  DataFrame from a process written out in its docstring, so a chapter can say what the truth
  is and check that a model found it. The same ``random_state`` always gives the same table.
"""
from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import pandas as pd

from ._validation import _describe, as_pair, as_rng, check_int, check_nonnegative

__all__ = [
    "load_digits_images",
    "load_iris",
    "load_wine",
    "load_sample_image",
    "make_house_prices",
    "make_car_prices",
    "make_medical_leak",
    "make_weight_height",
]


def _check_bool(value, name: str, func: str) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{func}: argument '{name}' must be True or False, "
                        f"got {_describe(value)}")
    return bool(value)


# ---------------------------------------------------------------------------------------------
# Bundled data sets
# ---------------------------------------------------------------------------------------------

def load_digits_images():
    """scikit-learn's bundled handwritten digits as a batch of images, Keras style.

    Returns
    -------
    x : float32 ``(1797, 8, 8, 1)``, channels last, pixel intensities scaled from 0..16 to
        [0, 1] (``x = pixel / 16``).
    y : int64 ``(1797,)``, the digit 0..9 each image shows.
    """
    table = _digits_table()
    x = (table[:, :64].reshape(-1, 8, 8, 1) / 16.0).astype(np.float32)
    y = table[:, 64].astype(np.int64)
    return x, y


def _sklearn_data_file(name: str) -> Path | None:
    """A data file that scikit-learn ships (``sklearn/datasets/data/<name>``), found without
    importing scikit-learn: the import takes about a second, reading a file a few
    milliseconds, and a grader's kernels load these data sets for every submission."""
    import importlib.util

    spec = importlib.util.find_spec("sklearn")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / "datasets" / "data" / name
        if path.is_file():
            return path
    return None


@functools.lru_cache(maxsize=None)
def _sklearn_rows(filename: str, loader: str, n_columns: int, header: bool) -> np.ndarray:
    """The rows of a csv file scikit-learn ships, features then the class, read-only
    (scikit-learn's ``loader`` if the file moved or changed its layout)."""
    path = _sklearn_data_file(filename)
    rows = np.loadtxt(path, delimiter=",", skiprows=int(header), ndmin=2) if path else None
    if rows is None or rows.shape[1] != n_columns:
        import sklearn.datasets

        bunch = getattr(sklearn.datasets, loader)()
        rows = np.column_stack([bunch.data, bunch.target]).astype(float)
    rows.setflags(write=False)
    return rows


def _digits_table() -> np.ndarray:
    """scikit-learn's ``digits.csv.gz``: 64 pixels and the digit per row."""
    return _sklearn_rows("digits.csv.gz", "load_digits", 65, header=False)


#: The column names scikit-learn's loaders give these tables (its csv files hold only numbers).
_TABLES = {
    "load_iris": ("iris.csv", ["sepal length (cm)", "sepal width (cm)", "petal length (cm)",
                               "petal width (cm)"]),
    "load_wine": ("wine_data.csv", ["alcohol", "malic_acid", "ash", "alcalinity_of_ash",
                                    "magnesium", "total_phenols", "flavanoids",
                                    "nonflavanoid_phenols", "proanthocyanins",
                                    "color_intensity", "hue", "od280/od315_of_diluted_wines",
                                    "proline"]),
}


def _table(func: str) -> tuple[np.ndarray, np.ndarray]:
    """(features, labels) of scikit-learn's csv file for ``func`` (its first line is a header)."""
    filename, columns = _TABLES[func]
    rows = _sklearn_rows(filename, func, len(columns) + 1, header=True)
    return rows[:, :-1], rows[:, -1].astype(np.int64)


def _load_table(func: str, as_frame):
    as_frame = _check_bool(as_frame, "as_frame", func)
    features, labels = _table(func)
    if as_frame:
        import pandas as pd

        return (pd.DataFrame(np.array(features), columns=list(_TABLES[func][1])),
                pd.Series(labels, name="target"))
    return np.array(features), labels


def load_iris(as_frame=True):
    """The iris flowers: 150 samples, 4 measurements in cm, 3 species (50 each).

    Returns ``(X, y)``: a DataFrame ``(150, 4)`` with scikit-learn's feature names
    ('sepal length (cm)', ...) and a Series ``target`` of int64 labels 0 = setosa,
    1 = versicolor, 2 = virginica; or float64 / int64 arrays when ``as_frame=False``.
    """
    return _load_table("load_iris", as_frame)


def load_wine(as_frame=True):
    """The wine recognition data: 178 wines, 13 chemical measurements, 3 cultivars.

    Returns ``(X, y)``: a DataFrame ``(178, 13)`` with scikit-learn's feature names
    ('alcohol', 'malic_acid', ...) and a Series ``target`` of int64 labels 0, 1, 2 (59, 71 and
    48 wines); or float64 / int64 arrays when ``as_frame=False``. The features have very
    different scales (proline is in the hundreds, hue around 1): a good case for standardising.
    """
    return _load_table("load_wine", as_frame)


@functools.lru_cache(maxsize=1)
def _sample_photo() -> np.ndarray:
    import matplotlib.cbook
    import matplotlib.image

    path = matplotlib.cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)
    rgb = matplotlib.image.imread(path)  # uint8 (600, 512, 3)
    photo = rgb.astype(np.float32) / np.float32(255.0)
    photo.setflags(write=False)  # the cache hands out copies; this guards the original
    return photo


def _area_weights(n_out: int, n_in: int) -> np.ndarray:
    """Resampling matrix ``(n_out, n_in)``: row i averages the input pixels under output pixel i.

    Output pixel i covers the input interval [i * n_in / n_out, (i + 1) * n_in / n_out); each
    input pixel j = [j, j + 1) weighs by how much of it lies inside, so every row sums to 1.
    When n_in is a multiple of n_out this is plain block averaging.
    """
    # Work in units of 1 / n_out input pixels so every edge is an exact integer.
    out_edges = np.arange(n_out + 1) * n_in           # edges of output pixels, scaled by n_out
    in_edges = np.arange(n_in + 1) * n_out            # edges of input pixels, scaled by n_out
    lo = np.maximum(out_edges[:-1, None], in_edges[None, :-1])
    hi = np.minimum(out_edges[1:, None], in_edges[None, 1:])
    overlap = np.clip(hi - lo, 0, None).astype(np.float64)
    return overlap / n_in


def load_sample_image(gray=False, size=None):
    """matplotlib's bundled sample photograph (a portrait of Grace Hopper), as floats in [0, 1].

    Parameters
    ----------
    gray : return one channel of luma ``Y = 0.299 R + 0.587 G + 0.114 B`` (ITU-R BT.601, what
        Pillow's ``convert('L')`` uses) instead of the three colour channels.
    size : None for the full 600 x 512 photo, or ``(h, w)`` (an int n means ``(n, n)``) with
        ``h <= 600``, ``w <= 512`` to shrink it for fast widgets. Each output pixel is the
        area-weighted mean of the input pixels it covers: plain block averaging when the sizes
        divide evenly (``size=(300, 256)`` averages 2 x 2 blocks), and the overall mean
        brightness is kept either way.

    Returns
    -------
    float32 array ``(H, W, 3)``, or ``(H, W)`` when ``gray=True``.
    """
    func = "load_sample_image"
    gray = _check_bool(gray, "gray", func)
    image = _sample_photo().astype(np.float64)
    if gray:
        image = image @ np.array([0.299, 0.587, 0.114])
    if size is not None:
        h, w = as_pair(size, "size", func)
        full_h, full_w = image.shape[:2]
        if h > full_h or w > full_w:
            raise ValueError(f"{func}: argument 'size' can only shrink the {full_h} x {full_w} "
                             f"photo, got (h, w) = ({h}, {w})")
        rows, cols = _area_weights(h, full_h), _area_weights(w, full_w)
        # Two matrix products, one per axis: out = rows @ image @ cols^T (per channel).
        image = np.tensordot(rows, image, axes=(1, 0))            # (h, W[, 3])
        image = np.moveaxis(np.tensordot(cols, image, axes=(1, 1)), 0, 1)  # (h, w[, 3])
    # Rounding in the weighted sums may step a hair outside [0, 1].
    return np.clip(image, 0.0, 1.0).astype(np.float32)


# ---------------------------------------------------------------------------------------------
# Seeded generators for the chapters' stories
# ---------------------------------------------------------------------------------------------

def _n_samples(n_samples, func: str, minimum: int = 1) -> int:
    return check_int(n_samples, "n_samples", func, minimum=minimum)


def _seeded_rng(random_state, func: str) -> np.random.Generator:
    # None is allowed (a fresh table each call), but the chapters pass seeds so that their
    # stored outputs stay stable.
    return as_rng(random_state, func)


#: Price premium (in currency units) of each neighbourhood in ``make_house_prices``.
HOUSE_NEIGHBORHOODS = {
    "Hillcrest": 60_000.0,
    "Old Town": 40_000.0,
    "Riverside": 25_000.0,
    "Midtown": 0.0,
    "Railside": -20_000.0,
}
_HOUSE_NEIGHBORHOOD_SHARES = [0.15, 0.2, 0.2, 0.3, 0.15]


def make_house_prices(n_samples=1000, random_state=0):
    """Houses and their sale prices: for mutual information, clustering and regression.

    Each row is one house sold. Features, drawn independently:

    =================  ==========================================================================
    year_built         int, uniform over 1900 .. 2010
    living_area        int m^2, round(N(140, 35)) clipped to [50, 350]
    neighborhood       str, Midtown 30 %, Old Town 20 %, Riverside 20 %, Hillcrest 15 %,
                       Railside 15 %
    overall_quality    int 1 .. 10, round(N(6, 1.3)) clipped
    basement_area      float m^2 or NaN: 70 % of houses have a basement of
                       round(U(0.3, 0.8) * living_area) m^2; the rest have none (NaN, the
                       "missing because it does not exist" case)
    month_sold         int 1 .. 12, uniform; it has NO effect on the price
    sale_price         the target, float
    =================  ==========================================================================

    The truth::

        sale_price = 60 000
                     + 900 * living_area
                     + premium[neighborhood]     Hillcrest 60 000, Old Town 40 000,
                                                 Riverside 25 000, Midtown 0, Railside -20 000
                     + 10 000 * (overall_quality - 6)
                     + 250 * basement_area       (0 when there is no basement)
                     + 80 000 * ((year_built - 1900) / 110) ** 2
                     + noise,   noise ~ N(0, 15 000)

    then rounded to the nearest 100 and floored at 10 000 (the floor almost never binds).
    Price rises with year built, and along a curve: convex, flat for old houses and steep for
    new ones, so a straight line in year_built underfits (the picture where cluster labels
    help a linear model). month_sold is pure noise, so its mutual information with the price
    is near zero.

    Returns a DataFrame of ``n_samples`` rows (``n_samples >= 1``), target column
    ``'sale_price'``; the same ``random_state`` gives the same table.
    """
    func = "make_house_prices"
    n = _n_samples(n_samples, func)
    rng = _seeded_rng(random_state, func)

    year_built = rng.integers(1900, 2011, size=n)
    living_area = np.clip(np.round(rng.normal(140.0, 35.0, size=n)), 50, 350).astype(np.int64)
    names = list(HOUSE_NEIGHBORHOODS)
    neighborhood = rng.choice(names, size=n, p=_HOUSE_NEIGHBORHOOD_SHARES)
    overall_quality = np.clip(np.round(rng.normal(6.0, 1.3, size=n)), 1, 10).astype(np.int64)
    has_basement = rng.random(n) < 0.7
    basement_share = rng.uniform(0.3, 0.8, size=n)
    basement_area = np.where(has_basement, np.round(basement_share * living_area), np.nan)
    month_sold = rng.integers(1, 13, size=n)
    noise = rng.normal(0.0, 15_000.0, size=n)

    premium = np.array([HOUSE_NEIGHBORHOODS[k] for k in neighborhood])
    age_curve = ((year_built - 1900) / 110.0) ** 2
    price = (60_000.0 + 900.0 * living_area + premium + 10_000.0 * (overall_quality - 6)
             + 250.0 * np.nan_to_num(basement_area, nan=0.0) + 80_000.0 * age_curve + noise)
    price = np.maximum(np.round(price / 100.0) * 100.0, 10_000.0)

    return pd.DataFrame({
        "year_built": year_built.astype(np.int64),
        "living_area": living_area,
        "neighborhood": neighborhood,
        "overall_quality": overall_quality,
        "basement_area": basement_area,
        "month_sold": month_sold.astype(np.int64),
        "sale_price": price,
    })


#: Base price of each make in ``make_car_prices`` (a sedan with a 2.0 l petrol engine).
CAR_MAKES = {
    "toyota": 9_000.0, "nissan": 9_500.0, "mazda": 10_000.0, "honda": 10_500.0,
    "volkswagen": 11_000.0, "subaru": 10_000.0, "mitsubishi": 9_000.0, "peugeot": 13_000.0,
    "volvo": 18_000.0, "bmw": 26_000.0, "audi": 22_000.0, "mercedes-benz": 33_000.0,
    # The rare makes: a fixed handful of cars each, whatever n_samples.
    "porsche": 38_000.0, "jaguar": 34_000.0, "alfa-romeo": 15_000.0, "renault": 9_500.0,
    "mercury": 16_000.0,
}
_COMMON_MAKE_SHARES = {
    "toyota": 0.18, "nissan": 0.13, "mazda": 0.10, "honda": 0.10, "volkswagen": 0.09,
    "subaru": 0.08, "mitsubishi": 0.08, "peugeot": 0.06, "volvo": 0.06, "bmw": 0.05,
    "audi": 0.04, "mercedes-benz": 0.03,
}
_RARE_MAKE_COUNTS = {"porsche": 3, "jaguar": 2, "alfa-romeo": 2, "renault": 1, "mercury": 1}
#: Price factor of each body style in ``make_car_prices`` and how common it is.
CAR_BODY_STYLES = {"sedan": 1.0, "hatchback": 0.9, "wagon": 1.05, "suv": 1.2,
                   "convertible": 1.35}
_BODY_SHARES = [0.45, 0.30, 0.12, 0.08, 0.05]


def make_car_prices(n_samples=300, random_state=0):
    """Cars and their prices: for target encoding (with rare makes) and mutual information.

    Each row is one car. How a row is drawn:

    ===========  ==================================================================================
    make         str; 12 common makes drawn with fixed shares (toyota 18 %, nissan 13 %, mazda
                 10 %, honda 10 %, volkswagen 9 %, subaru 8 %, mitsubishi 8 %, peugeot 6 %, volvo
                 6 %, bmw 5 %, audi 4 %, mercedes-benz 3 %), plus 5 RARE makes with a fixed count
                 whatever n_samples: porsche 3, jaguar 2, alfa-romeo 2, renault 1, mercury 1.
    body_style   str; sedan 45 %, hatchback 30 %, wagon 12 %, suv 8 %, convertible 5 %
    fuel_type    str; gas 90 %, diesel 10 %
    engine_size  float litres, round(N(2 + (base[make] - 10 000) / 20 000, 0.4), 1) clipped to
                 [1.0, 5.5]: dearer makes carry bigger engines
    horsepower   int, round(45 * engine_size + N(0, 10)); follows the engine, no effect of its own
    num_doors    int 2 or 4; always 2 for a convertible, else 4 with probability 0.7; NO effect
    price        the target, float
    ===========  ==================================================================================

    The truth is multiplicative (linear in log(price))::

        price = base[make] * body[body_style] * fuel[fuel_type]
                * exp(0.3 * (engine_size - 2)) * exp(noise),   noise ~ N(0, 0.1)

    rounded to the nearest 10, with ``fuel`` gas 1.0, diesel 1.1, ``body`` sedan 1.0, hatchback
    0.9, wagon 1.05, suv 1.2, convertible 1.35, and ``base`` (sedan, 2.0 l, gas): toyota 9 000,
    nissan 9 500, mazda 10 000, honda 10 500, volkswagen 11 000, subaru 10 000, mitsubishi
    9 000, peugeot 13 000, volvo 18 000, bmw 26 000, audi 22 000, mercedes-benz 33 000, porsche
    38 000, jaguar 34 000, alfa-romeo 15 000, renault 9 500, mercury 16 000 (also in
    ``CAR_MAKES``). The mean price of a rare make rests on one to three cars, which is what
    m-estimate smoothing is for.

    Returns a DataFrame of ``n_samples`` rows in random order (``n_samples >= 50``), target
    column ``'price'``; the same ``random_state`` gives the same table.
    """
    func = "make_car_prices"
    n = _n_samples(n_samples, func, minimum=50)
    rng = _seeded_rng(random_state, func)

    n_rare = sum(_RARE_MAKE_COUNTS.values())
    common = rng.choice(list(_COMMON_MAKE_SHARES), size=n - n_rare,
                        p=list(_COMMON_MAKE_SHARES.values()))
    rare = np.repeat(list(_RARE_MAKE_COUNTS), list(_RARE_MAKE_COUNTS.values()))
    make = rng.permutation(np.concatenate([common, rare]))
    base = np.array([CAR_MAKES[m] for m in make])

    body_style = rng.choice(list(CAR_BODY_STYLES), size=n, p=_BODY_SHARES)
    body = np.array([CAR_BODY_STYLES[b] for b in body_style])
    diesel = rng.random(n) < 0.1
    fuel_type = np.where(diesel, "diesel", "gas")
    engine_size = np.clip(np.round(rng.normal(2.0 + (base - 10_000.0) / 20_000.0, 0.4), 1),
                          1.0, 5.5)
    horsepower = np.round(45.0 * engine_size + rng.normal(0.0, 10.0, size=n)).astype(np.int64)
    num_doors = np.where((body_style == "convertible") | (rng.random(n) >= 0.7), 2, 4)
    noise = rng.normal(0.0, 0.1, size=n)

    price = base * body * np.where(diesel, 1.1, 1.0) * np.exp(0.3 * (engine_size - 2.0) + noise)
    price = np.round(price / 10.0) * 10.0

    return pd.DataFrame({
        "make": make,
        "body_style": body_style,
        "fuel_type": fuel_type,
        "engine_size": engine_size,
        "horsepower": horsepower,
        "num_doors": num_doors.astype(np.int64),
        "price": price,
    })


def make_medical_leak(n_samples=1000, random_state=0, neutral_names=False):
    """A patient table with target leakage: ``took_antibiotics`` gives the diagnosis away.

    Each row is one patient seen for a suspected chest infection; the task is to predict, at
    the visit, whether the patient has pneumonia. How a row is drawn:

    =================  ============================================================================
    age                int years, round(N(50, 18)) clipped to [18, 95]
    sex                str, 'female' or 'male' with equal chance; no effect
    smoker             bool, True with probability 0.25
    has_pneumonia      the target, int 0/1: P(1) = sigmoid(-1.3 + 0.03 * (age - 50) + 1.0 * smoker)
                       (about 25-30 % of patients)
    temperature        float degrees C at the visit, N(37.0 + 0.6 * has_pneumonia, 0.6), 1 decimal
    white_cell_count   float 10^9 per litre at the visit, N(7.5 + 2.0 * has_pneumonia, 2.2),
                       clipped at 2, 1 decimal
    cough              bool, True with probability 0.7 if ill, 0.35 if not
    took_antibiotics   bool, True with probability 0.96 if ill, 0.04 if not
    =================  ============================================================================

    **The leak.** ``took_antibiotics`` is recorded AFTER the diagnosis: doctors prescribe
    antibiotics because they found pneumonia. It matches the target for about 96 % of patients,
    so a model trained on it scores superbly in training and in validation, yet at prediction
    time (the visit, before any diagnosis) the column does not exist yet, and the model is
    useless in practice. The honest features (age, smoker, temperature, white_cell_count,
    cough) are measured before the diagnosis and predict it only moderately well; ``sex`` is
    noise. Drop ``took_antibiotics`` and validate again to see the real performance.

    Returns a DataFrame of ``n_samples`` rows (``n_samples >= 1``), target column
    ``'has_pneumonia'``; the same ``random_state`` gives the same table.

    **Neutral names** (``neutral_names=True``), for finding the leak by measuring rather than by
    reading a column's name: the same patients (the same draws), with every feature made a
    number (``sex`` as 1 for female and 0 for male, the booleans as 0/1 ints), renamed
    ``'m1' .. 'm7'`` in an order drawn from the same generator after the table (so it changes
    with ``random_state``), and the target renamed ``'diagnosis'`` (the last column).
    ``df.attrs['original_names']`` maps each neutral name back to the column above.
    """
    func = "make_medical_leak"
    neutral_names = _check_bool(neutral_names, "neutral_names", func)
    n = _n_samples(n_samples, func)
    rng = _seeded_rng(random_state, func)

    age = np.clip(np.round(rng.normal(50.0, 18.0, size=n)), 18, 95).astype(np.int64)
    sex = np.where(rng.random(n) < 0.5, "female", "male")
    smoker = rng.random(n) < 0.25
    logit = -1.3 + 0.03 * (age - 50) + 1.0 * smoker
    ill = rng.random(n) < 1.0 / (1.0 + np.exp(-logit))
    temperature = np.round(rng.normal(37.0 + 0.6 * ill, 0.6), 1)
    white_cells = np.round(np.maximum(rng.normal(7.5 + 2.0 * ill, 2.2), 2.0), 1)
    cough = rng.random(n) < np.where(ill, 0.7, 0.35)
    took_antibiotics = rng.random(n) < np.where(ill, 0.96, 0.04)

    df = pd.DataFrame({
        "age": age,
        "sex": sex,
        "smoker": smoker,
        "temperature": temperature,
        "white_cell_count": white_cells,
        "cough": cough,
        "took_antibiotics": took_antibiotics,
        "has_pneumonia": ill.astype(np.int64),
    })
    if not neutral_names:
        return df
    features = df.drop(columns="has_pneumonia")
    features["sex"] = (features["sex"] == "female").astype(np.int64)
    for column in ("smoker", "cough", "took_antibiotics"):
        features[column] = features[column].astype(np.int64)
    order = rng.permutation(features.columns.to_numpy())
    neutral = {f"m{i + 1}": original for i, original in enumerate(order)}
    out = pd.DataFrame({name: features[original] for name, original in neutral.items()})
    out["diagnosis"] = df["has_pneumonia"]
    out.attrs["original_names"] = neutral
    return out


#: The line behind ``make_weight_height``: weight_kg = SLOPE * height_cm + INTERCEPT + noise.
WEIGHT_HEIGHT_SLOPE = 0.9
WEIGHT_HEIGHT_INTERCEPT = -85.0


def make_weight_height(n_samples=100, random_state=0, noise=6.0):
    """Adults' heights and weights: a straight line plus noise, for fitting a line by hand.

    How a row is drawn::

        sex        'female' or 'male' with equal chance
        height_cm  N(165, 6.5) for women, N(178, 7) for men, 1 decimal
        weight_kg  0.9 * height_cm - 85 + N(0, noise), 1 decimal      (the target)

    The best line is ``w = 0.9``, ``b = -85`` (``WEIGHT_HEIGHT_SLOPE``, ``WEIGHT_HEIGHT_INTERCEPT``);
    with the default noise of 6 kg, even that line has a mean absolute error of about
    6 * sqrt(2 / pi) = 4.8 kg, the floor no line can beat. Sex moves weight only through
    height, so the two groups lie along the same line (and form two clusters in the plane).

    Parameters
    ----------
    n_samples : int >= 1; random_state : int seed or Generator;
    noise : standard deviation (kg, >= 0) of the scatter around the line; 0 puts every point on
        it (up to the rounding to 0.1 kg).

    Returns a DataFrame with columns ``height_cm``, ``weight_kg``, ``sex``; target column
    ``'weight_kg'``.
    """
    func = "make_weight_height"
    n = _n_samples(n_samples, func)
    rng = _seeded_rng(random_state, func)
    noise = float(check_nonnegative(noise, "noise", func))

    male = rng.random(n) < 0.5
    height = np.round(np.where(male, rng.normal(178.0, 7.0, size=n),
                               rng.normal(165.0, 6.5, size=n)), 1)
    weight = np.round(WEIGHT_HEIGHT_SLOPE * height + WEIGHT_HEIGHT_INTERCEPT
                      + rng.normal(0.0, 1.0, size=n) * noise, 1)
    return pd.DataFrame({
        "height_cm": height,
        "weight_kg": weight,
        "sex": np.where(male, "male", "female"),
    })
