"""Build solutions/04_activations/04_activations.ipynb from the cell list below."""
import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

cells = []


def md(text):
    cells.append(new_markdown_cell(text.strip("\n")))


def code(text, **meta):
    cells.append(new_code_cell(text.strip("\n"), metadata=meta))


def answer(ex, text):
    code(text, nbgrader={"solution": True, "grade": False, "locked": False, "grade_id": ex,
                         "schema_version": 3})


def test(ex, points, text):
    code(text, nbgrader={"solution": False, "grade": True, "locked": True,
                         "grade_id": f"{ex}_test", "points": points, "schema_version": 3})


md(r"""
# Chapter 4 · Activation functions

A neuron computes a weighted sum of its inputs and then passes it through an **activation
function**. Without that second step a neural network, however deep, could only draw straight
lines. This chapter shows why, meets the activation functions you will see in every Keras
model (step, sigmoid, tanh, ReLU and its relatives, softmax), looks at where each one stops
passing gradients, and ends with the question you will answer for every model you build: which
activation goes on the output layer?

**You will:**

1. see that stacked layers without activations collapse into one linear layer, and that a few
   ReLUs can bend a line into any shape;
2. write a sigmoid that does not overflow, however large its input;
3. write ReLU and its derivative;
4. explore activations with a widget: move a weight and a bias, watch the curve and its slope;
5. write a numerically stable softmax that works along any axis of a batch;
6. choose the output activation for six prediction tasks.

| exercise | what you write | points |
|---|---|---|
| 1 | `sigmoid`: the logistic function, stable for inputs of any size | 2 |
| 2 | `relu`: the rectified linear unit | 1 |
| 3 | `relu_derivative`: its slope | 2 |
| 4 | `softmax`: probabilities over classes, stable, along a chosen axis | 3 |
| 5 | `OUTPUT_ACTIVATIONS`: the output activation for six tasks | 2 |
| | **total** | **10** |

You need chapter 3 (a neuron computes $z = w \cdot x + b$; a dense layer does it for many
neurons at once).
""")

code(r"""
%matplotlib inline
import warnings

import numpy as np
import matplotlib.pyplot as plt
from scipy import special

from course_lib import activations as act
from course_lib.checks import (check_close, check_probabilities, check_shape, check_true,
                               passed)
from course_lib.widgets.activations import activation_explorer, draw_activation

np.set_printoptions(precision=4, suppress=True)
""", nbgrader={"grade": False, "grade_id": "setup", "locked": True, "schema_version": 3,
               "solution": False})

md(r"""
## 1. From weighted sum to output

A neuron with inputs $x_1, \dots, x_n$, weights $w_1, \dots, w_n$ and bias $b$ does two things:

$$
z = \sum_{i=1}^{n} w_i x_i + b = w \cdot x + b
\qquad\text{(the weighted sum, or pre-activation)},
$$

$$
a = f(z)
\qquad\text{(the activation, the neuron's output)}.
$$

The function $f$ is the **activation function**. It acts on each neuron's $z$ separately (softmax,
in section 5, is the one exception). In Keras it is the `activation=` argument of a layer:
`Dense(16, activation="relu")` computes $f(Wx + b)$ with $f = \mathrm{relu}$ for all 16 neurons.

Two statements you will find in many notes, including the seed notes of this course, are
worth correcting right away:

* *"An activation function turns the weighted sum into a number between 0 and 1."* Only some
  do: the step function, the sigmoid and softmax. Tanh gives values between −1 and 1, ReLU
  any number $\ge 0$, and the linear (identity) activation any real number. The range is
  exactly what decides where each one is used (section 6).
* *"The step function is $z = wx + b$."* No: $z = wx + b$ is the weighted sum, the same for
  every activation. The step function is what is applied **to** it,
  $f(z) = 1$ if $z \ge 0$ else $0$. (Nor are weights "numbers between 0 and 1": a weight is
  any real number, negative weights included.)
""")

md(r"""
## 2. Why non-linearity matters

Take two dense layers without activation functions, $h = W_1 x + b_1$ and
$y = W_2 h + b_2$. Substituting the first into the second,

$$
y = W_2 (W_1 x + b_1) + b_2 = \underbrace{(W_2 W_1)}_{W}\, x + \underbrace{(W_2 b_1 + b_2)}_{b},
$$

which is **one** dense layer with weights $W = W_2 W_1$ and bias $b = W_2 b_1 + b_2$. However
many linear layers we stack, the result is still a single linear map: depth buys nothing.
Let us check it with random layers.
""")

code(r"""
rng = np.random.default_rng(0)
W1, b1 = rng.normal(size=(5, 3)), rng.normal(size=5)     # 3 inputs -> 5 hidden units
W2, b2 = rng.normal(size=(2, 5)), rng.normal(size=2)     # 5 hidden units -> 2 outputs
x = rng.normal(size=3)

two_layers = W2 @ (W1 @ x + b1) + b2
one_layer = (W2 @ W1) @ x + (W2 @ b1 + b2)
print("two linear layers:", two_layers)
print("one linear layer: ", one_layer)

with_relu = W2 @ act.relu(W1 @ x + b1) + b2
print("with a ReLU between them:", with_relu)
""")

md(r"""
An activation function between the layers breaks this collapse. With it, every hidden neuron
contributes a *bent* piece, and a sum of bent pieces can follow a curve. Here is a network with
one hidden layer of six ReLU neurons, weights set by hand: hidden neuron $k$ computes
$\mathrm{relu}(x - t_k)$, a line that starts at $x = t_k$, and the linear output neuron adds
them with weights $c_k$. Each new neuron changes the slope at its own point $t_k$, so the
network draws a broken line through the points of a sine curve.
""")

code(r"""
knots = np.linspace(0.0, 2 * np.pi, 7)               # t_0 .. t_6
slopes = np.diff(np.sin(knots)) / np.diff(knots)     # slope of each of the 6 segments
c = np.diff(slopes, prepend=0.0)                     # each neuron changes the slope by c_k

x_grid = np.linspace(0.0, 2 * np.pi, 300)
hidden = act.relu(x_grid[:, None] - knots[None, :-1])   # (300, 6): the six hidden neurons
network = np.sin(knots[0]) + hidden @ c                 # the linear output neuron

fig, axes = plt.subplots(1, 2, figsize=(11, 3.6))
for k in range(6):
    axes[0].plot(x_grid, c[k] * hidden[:, k], label=f"{c[k]:+.2f} · relu(x − {knots[k]:.2f})")
axes[0].set_title("the six weighted hidden neurons")
axes[0].legend(fontsize="x-small")
axes[1].plot(x_grid, np.sin(x_grid), color="lightgray", linewidth=4, label="sin(x)")
axes[1].plot(x_grid, network, color="black", label="their sum: the network's output")
axes[1].scatter(knots, np.sin(knots), color="tab:red", zorder=3, label="knots $t_k$")
axes[1].set_title("six ReLUs bend a line into a sine")
axes[1].legend(fontsize="small")
for ax in axes:
    ax.set_xlabel("x")
plt.tight_layout()
plt.show()
print(f"largest gap between the network and sin(x): {np.max(np.abs(network - np.sin(x_grid))):.3f}")
""")

md(r"""
More neurons give more bends and a closer fit; with enough of them a one-hidden-layer network
can approximate any continuous function on a bounded interval as closely as we like (the
*universal approximation theorem*). In practice the weights are not set by hand but learned,
and many layers of modest width learn more easily than one huge layer. The point to keep:
**the activation function is what lets a network represent anything but a straight line or a
flat plane.**
""")

md(r"""
## 3. The step function and the sigmoid

The oldest artificial neuron, the perceptron, uses the **step function** (Heaviside):

$$
\mathrm{step}(z) = \begin{cases} 1 & z \ge 0 \\ 0 & z < 0 \end{cases}
$$

It makes a clean yes/no decision, but it is useless for learning by gradient descent: its
slope is 0 everywhere (and undefined at 0). A small change of a weight changes the output
either not at all or by a sudden jump, so the gradient gives no hint which way to move the
weight.

The **sigmoid** (logistic function) is a smooth step:

$$
\sigma(z) = \frac{1}{1 + e^{-z}}.
$$

Mind the brackets. The seed notes write it `1/1+e^-x`, which, read the way Python and every
calculator read it, is $\frac{1}{1} + e^{-x} = 1 + e^{-x}$: a decreasing function that is
never below 1, nothing like a probability. The whole $1 + e^{-z}$ is the denominator.
""")

code(r"""
z = np.array([-4.0, -1.0, 0.0, 1.0, 4.0])
print("1 / (1 + exp(-z)):", 1 / (1 + np.exp(-z)))
print("1/1 + exp(-z):    ", 1 / 1 + np.exp(-z), "  <- the bracket-less formula")
""")

md(r"""
Some properties, each easy to check from the formula:

* $0 < \sigma(z) < 1$, with $\sigma(0) = \tfrac12$: it turns any score into something that
  can be read as a probability;
* symmetry: $\sigma(-z) = 1 - \sigma(z)$;
* its derivative is $\sigma'(z) = \sigma(z)\,\bigl(1 - \sigma(z)\bigr)$, largest at $z = 0$
  where it equals $\tfrac14$.

**Sensitivity and saturation.** The sigmoid reacts strongly to changes of $z$ near 0 and
hardly at all far from 0. Compare $\sigma(1) - \sigma(-1)$ with $\sigma(60) - \sigma(50)$:
""")

code(r"""
s = act.sigmoid
print(f"sigma(1)  - sigma(-1) = {s(1.0) - s(-1.0):.4f}")
print(f"sigma(60) - sigma(50) = {s(60.0) - s(50.0):.2e}")
print(f"slope sigma'(z) at z = 0, 2, 5, 10: {act.sigmoid_derivative(np.array([0.0, 2, 5, 10]))}")

zz = np.linspace(-10, 10, 400)
fig, ax = plt.subplots(figsize=(8, 3.4))
ax.plot(zz, act.sigmoid(zz), label=r"$\sigma(z)$")
ax.plot(zz, act.sigmoid_derivative(zz), label=r"$\sigma'(z) = \sigma(z)(1-\sigma(z))$")
flat = act.sigmoid_derivative(zz) < 0.01
ax.fill_between(zz, 0, 1, where=flat, color="tab:red", alpha=0.12,
                label=r"saturated: $\sigma'(z) < 0.01$")
ax.set_xlabel("z")
ax.legend(loc="center left", fontsize="small")
ax.set_title("the sigmoid and its slope")
plt.tight_layout()
plt.show()
""")

md(r"""
A step of $z$ from −1 to 1 moves the output by almost half its range; a step from 50 to 60
moves it by about $10^{-22}$. Far from 0 the sigmoid is **saturated**: its slope is nearly 0,
and since backpropagation (chapter 7) multiplies gradients by that slope, a saturated neuron
learns almost nothing. Even at best the factor is $\tfrac14$, so a gradient that passes back
through ten sigmoid layers is multiplied by at most $(1/4)^{10} \approx 10^{-6}$: the
*vanishing gradient* problem of chapter 9. This is why sigmoids are rarely used in hidden
layers today, and why they still are used at the output (section 6).

### Computing the sigmoid safely

The formula looks harmless, but a computer's floating-point numbers end near $1.8 \cdot
10^{308}$, and $e^{710}$ is already beyond that. For $z = -1000$, `np.exp(-z)` is
$e^{1000}$: NumPy returns infinity and warns about an overflow. The other textbook form,
$\sigma(z) = \frac{e^{z}}{1 + e^{z}}$, fails the other way: for $z = 1000$ it computes
$\infty / \infty$, which is NaN ("not a number").
""")

code(r"""
with np.errstate(all="ignore"):     # we want to see the results, not the warnings, here
    big = np.array([-1000.0, 1000.0])
    print("1 / (1 + exp(-z))  :", 1 / (1 + np.exp(-big)), " (exp(1000) overflowed for z = -1000)")
    print("exp(z) / (1 + exp(z)):", np.exp(big) / (1 + np.exp(big)))
""")

md(r"""
The cure is to exponentiate only numbers that are $\le 0$, whose exponential lies between 0 and
1 and can never overflow. Both forms are equal, so we pick, for each $z$, the one that is safe:

$$
\sigma(z) = \begin{cases}
\dfrac{1}{1 + e^{-z}} & z \ge 0 \quad (\text{here } -z \le 0), \\[2ex]
\dfrac{e^{z}}{1 + e^{z}} & z < 0 \quad (\text{here } z < 0).
\end{cases}
$$

In both lines the exponent is $-|z|$, so one `np.exp(-np.abs(z))` serves both.

### Exercise 1 · A stable sigmoid (2 points)

Write `sigmoid(x)` for a number or a NumPy array of any shape; return an array of the same
shape (a 0-d array or a float for a single number is fine).

* It must give the right value for every input, including $\pm 1000$, **without a warning and
  without NaN**.
* Work on whole arrays, without a Python loop.
* Beware of `np.where(cond, A, B)`: NumPy computes *both* `A` and `B` for every element before
  choosing, so an overflow in the branch you do not keep still happens (and warns).
""")

answer("sigmoid", r'''
def sigmoid(x):
    """The logistic function 1 / (1 + exp(-x)), elementwise, without overflow."""
    ### BEGIN SOLUTION
    x = np.asarray(x, dtype=float)
    e = np.exp(-np.abs(x))          # in (0, 1]: never overflows
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    ### END SOLUTION
''')

test("sigmoid", 2, r'''
def _quietly(f, *args, **kwargs):
    """Call f and return (result, the warnings it raised)."""
    with warnings.catch_warnings(record=True) as caught, np.errstate(over="warn", invalid="warn", divide="warn", under="ignore"):
        warnings.simplefilter("always")
        result = f(*args, **kwargs)
    return result, [str(w.message) for w in caught]


_z = np.array([-2.0, -0.5, 0.0, 0.5, 2.0])
with np.errstate(all="ignore"):
    _mistakes = [(1 / 1 + np.exp(-_z), "You computed 1/1 + exp(-x), that is 1 + exp(-x): the "
                                       "whole 1 + exp(-x) is the denominator, so write "
                                       "1 / (1 + np.exp(-x))."),
                 (1 / (1 + np.exp(_z)), "The sign in the exponent is flipped: this is "
                                        "sigma(-x) = 1 - sigma(x)."),
                 (np.exp(-_z) / (1 + np.exp(-_z)), "This is sigma(-x) = 1 - sigma(x): for "
                                                   "x >= 0 use 1/(1 + e^-x), for x < 0 use "
                                                   "e^x/(1 + e^x).")]
check_close(sigmoid(_z), [0.11920292, 0.37754067, 0.5, 0.62245933, 0.88079708],
            "sigmoid([-2, -0.5, 0, 0.5, 2])", rtol=1e-6, mistakes=_mistakes)
check_close(sigmoid(0.0), 0.5, "sigmoid(0.0)")
_out, _warned = _quietly(sigmoid, np.array([-1000.0, 1000.0]))
check_close(_out, [0.0, 1.0], "sigmoid([-1000, 1000])", atol=1e-12,
            hint={"nan": "exp(x)/(1 + exp(x)) is inf/inf = NaN for x = 1000: exponentiate "
                         "only -|x|, which is never positive."})
check_true(not _warned, "sigmoid([-1000, 1000]) gives the right numbers but NumPy warned: "
           f"{_warned[0] if _warned else ''}. Some exp(...) overflowed; if you used np.where, "
           "remember it computes both branches for every element. Exponentiate only -|x|.")
### BEGIN HIDDEN TESTS
_rng = np.random.default_rng(404)
for _shape, _scale in [((50,), 3.0), ((4, 7), 30.0), ((2, 3, 5), 400.0)]:
    _x = _rng.normal(0.0, _scale, _shape)
    _out, _warned = _quietly(sigmoid, _x)
    check_close(_out, special.expit(_x), f"sigmoid of random inputs of shape {_shape}",
                reveal=False, rtol=1e-6, atol=1e-12,
                hint={"shape": "Return one value per input element, in the input's shape."})
    check_true(not _warned, f"sigmoid warned on random inputs of shape {_shape} "
               f"(hidden check): {_warned[0] if _warned else ''}. Exponentiate only -|x|.")
_x = np.array([-745.2, -720.0, -50.0, 36.0, 709.0, 710.0, 5000.0])
_out, _warned = _quietly(sigmoid, _x)
check_close(_out, special.expit(_x), "sigmoid of very large and very small inputs",
            reveal=False, rtol=1e-6, atol=1e-300)
check_true(not _warned, "sigmoid warned on very large or very small inputs (hidden check): "
           f"{_warned[0] if _warned else ''}. Exponentiate only -|x|.")
_out, _warned = _quietly(sigmoid, [[-3, 0, 3]])
check_close(_out, special.expit(np.array([[-3.0, 0.0, 3.0]])),
            "sigmoid of a nested list of integers", reveal=False)
_out, _warned = _quietly(sigmoid, -1000.0)
check_close(_out, 0.0, "sigmoid of the single number -1000.0", reveal=False, atol=1e-12)
check_true(not _warned, "sigmoid(-1000.0) warned (hidden check): "
           f"{_warned[0] if _warned else ''}. Exponentiate only -|x|.")
### END HIDDEN TESTS
passed("sigmoid")
''')

md(r"""
Your function agrees with the library's `course_lib.activations.sigmoid`, which the rest of the
course uses, and both stay quiet at the extremes:
""")

code(r"""
probe = np.array([-1000.0, -30.0, -1.0, 0.0, 1.0, 30.0, 1000.0])
print("yours:  ", sigmoid(probe))
print("library:", act.sigmoid(probe))
""")

md(r"""
## 4. Tanh, ReLU and its relatives

**Tanh**, the hyperbolic tangent, is a sigmoid stretched to the range $(-1, 1)$:

$$
\tanh(z) = \frac{e^{z} - e^{-z}}{e^{z} + e^{-z}} = \frac{\sinh z}{\cosh z} = 2\,\sigma(2z) - 1,
\qquad \tanh'(z) = 1 - \tanh^2(z).
$$

Its outputs are centred on 0 and its slope at 0 is 1 instead of $\tfrac14$, which usually
makes it train better than the sigmoid in hidden layers. It still saturates for large $|z|$.

**ReLU**, the rectified linear unit, is the default for hidden layers today:

$$
\mathrm{relu}(z) = \max(0, z), \qquad
\mathrm{relu}'(z) = \begin{cases} 1 & z > 0 \\ 0 & z < 0 \end{cases}
$$

For positive $z$ it passes the value through with slope 1, so it never saturates there and
gradients flow unchanged; it is also very cheap to compute. At $z = 0$ the derivative does not
exist (the graph has a corner); software simply picks a value, and TensorFlow/Keras (and this
course) use $\mathrm{relu}'(0) = 0$. The price of ReLU: for negative $z$ its slope is exactly 0.
A neuron whose $z$ is negative for every input passes no gradient at all and stops learning,
a **dead ReLU**.

Its relatives keep a little slope on the negative side:

* **leaky ReLU**: $f(z) = z$ for $z > 0$ and $\alpha z$ for $z \le 0$, with a small fixed
  $\alpha$ (Keras' `LeakyReLU` layer uses $\alpha = 0.3$ by default);
* **PReLU** (parametric ReLU, He et al., 2015): the same shape, but $\alpha$ is a parameter the
  network *learns*, one per channel (Keras' `PReLU` layer);
* **ELU** (exponential linear unit, Clevert et al., 2015): $f(z) = z$ for $z > 0$ and
  $\alpha\,(e^{z} - 1)$ for $z \le 0$, smooth, with outputs that approach $-\alpha$ for very
  negative $z$ (Keras' default $\alpha = 1$).

The figure draws them all with the library's implementations, top row the function, bottom
row its derivative.
""")

code(r"""
zz = np.linspace(-4, 4, 401)
names = ["step", "sigmoid", "tanh", "relu", "leaky_relu", "elu"]
fig, axes = plt.subplots(2, len(names), figsize=(14, 4.6), sharex=True)
for col, name in enumerate(names):
    f, f_prime = act.get(name)
    axes[0, col].plot(zz, f(zz), color="tab:blue")
    axes[1, col].plot(zz, f_prime(zz), color="tab:orange")
    axes[0, col].set_title(name)
    for ax in axes[:, col]:
        ax.axhline(0, color="gray", linewidth=0.6)
        ax.axvline(0, color="gray", linewidth=0.6)
    axes[1, col].set_xlabel("z")
axes[0, 0].set_ylabel("f(z)")
axes[1, 0].set_ylabel("f'(z)")
plt.tight_layout()
plt.show()
""")

md(r"""
Read the bottom row as "how much gradient gets through": sigmoid at most $\tfrac14$ and only
near 0, tanh up to 1 near 0, ReLU exactly 1 for every positive input and 0 for every negative
one, leaky ReLU and ELU never quite 0.

### Exercise 2 · ReLU (1 point)

Write `relu(x)` = $\max(0, x)$ elementwise for a NumPy array (or list) of any shape; return an
array of the same shape. Do not change the array you are given.

*Careful:* `np.max(x, 0)` is **not** the elementwise maximum: its second argument is an axis,
so it returns the largest entry of each column. The elementwise maximum of two arrays (or of an
array and a number) is `np.maximum`.
""")

answer("relu", r'''
def relu(x):
    """max(0, x), elementwise."""
    ### BEGIN SOLUTION
    return np.maximum(np.asarray(x, dtype=float), 0.0)
    ### END SOLUTION
''')

test("relu", 1, r'''
_x = np.array([-2.0, -0.5, 0.0, 0.5, 3.0])
check_close(relu(_x), [0.0, 0.0, 0.0, 0.5, 3.0], "relu([-2, -0.5, 0, 0.5, 3])",
            hint={"shape": "np.max(x, 0) takes the largest entry along axis 0; the "
                           "elementwise maximum with 0 is np.maximum(x, 0)."},
            mistakes=[(np.minimum(_x, 0), "This is min(x, 0), which keeps the negative part; "
                                          "ReLU keeps the positive part: max(x, 0)."),
                      (np.abs(_x), "This is |x|; ReLU sets negative inputs to 0.")])
### BEGIN HIDDEN TESTS
_rng = np.random.default_rng(7)
_x = _rng.normal(size=(6, 4))
_given = _x.copy()
_ref = np.array([[v if v > 0 else 0.0 for v in row] for row in _given])   # a plain loop
_out = relu(_x)
check_true(np.array_equal(_x, _given), "relu changed the array it was given (hidden check): "
           "build a new array (np.maximum does) instead of setting x[x < 0] = 0 in place.")
check_close(_out, _ref, "relu of a random 6 x 4 array", reveal=False,
            hint={"shape": "np.max(x, 0) takes the largest entry along axis 0; the "
                           "elementwise maximum with 0 is np.maximum(x, 0)."})
check_close(relu([[-1, 2], [3, -4]]), [[0, 2], [3, 0]], "relu of a nested list", reveal=False)
check_close(relu(np.array([-1e300, 1e300])), [0.0, 1e300], "relu of huge values",
            reveal=False)
### END HIDDEN TESTS
passed("relu")
''')

md(r"""
### Exercise 3 · The derivative of ReLU (2 points)

Write `relu_derivative(x)`: the slope of ReLU at each entry of `x`, an array of the same shape
holding 1 where $x > 0$ and 0 where $x \le 0$ (at exactly 0 we use 0, as TensorFlow does).
Backpropagation multiplies the incoming gradient by this array.
""")

answer("relu_derivative", r'''
def relu_derivative(x):
    """1 where x > 0, 0 where x <= 0, elementwise."""
    ### BEGIN SOLUTION
    return (np.asarray(x, dtype=float) > 0).astype(float)
    ### END SOLUTION
''')

test("relu_derivative", 2, r'''
_x = np.array([-2.0, -0.5, 0.0, 0.5, 3.0])
check_close(relu_derivative(_x), [0.0, 0.0, 0.0, 1.0, 1.0],
            "relu_derivative([-2, -0.5, 0, 0.5, 3])",
            mistakes=[(np.maximum(_x, 0), "This is relu(x) itself, not its slope: the slope "
                                          "is 1 where x > 0 and 0 elsewhere."),
                      ([0.0, 0.0, 1.0, 1.0, 1.0], "At x = 0 the slope should be 0 (the "
                                                  "convention TensorFlow uses): compare with "
                                                  "x > 0, not x >= 0."),
                      (np.sign(_x), "np.sign gives -1 for negative inputs, but ReLU is flat "
                                    "(slope 0) there.")])
### BEGIN HIDDEN TESTS
_rng = np.random.default_rng(11)
_x = _rng.normal(size=(5, 3, 2))
_ref = np.zeros(_x.shape)
for _i in np.ndindex(_x.shape):       # a plain loop over every entry
    _ref[_i] = 1.0 if _x[_i] > 0 else 0.0
check_close(relu_derivative(_x), _ref, "relu_derivative of a random 5 x 3 x 2 array",
            reveal=False)
check_close(relu_derivative(np.array([0.0, -0.0, 1e-300, -1e-300])), [0.0, 0.0, 1.0, 0.0],
            "relu_derivative at and right next to 0", reveal=False,
            hint="The slope is 1 only where x > 0; at exactly 0 it is 0.")
check_close(relu_derivative([[-3, 4], [0, 7]]), [[0, 1], [0, 1]],
            "relu_derivative of a nested list of integers", reveal=False)
### END HIDDEN TESTS
passed("relu_derivative")
''')

md(r"""
A quick sanity check of your derivative against a **centred finite difference**,
$\frac{f(x + h) - f(x - h)}{2h}$, away from the corner at 0:
""")

code(r"""
points = np.array([-1.5, -0.3, 0.2, 2.0])
h = 1e-6
numerical = (act.relu(points + h) - act.relu(points - h)) / (2 * h)
print("finite differences:", numerical)
print("relu_derivative:   ", relu_derivative(points))
""")

md(r"""
## 5. Explore: one neuron, its weight and its bias

The widget below shows a single neuron with one input, $y = f(w x + b)$. Pick an activation and
move the weight $w$ and the bias $b$. The top panel is the output, the bottom panel its slope
with respect to the input, by the chain rule

$$
\frac{dy}{dx} = w \, f'(w x + b).
$$

The red bands mark where $f'(wx + b) < 0.01$: there the neuron is saturated (sigmoid, tanh) or
dead (ReLU), and a gradient passing through it almost vanishes. Things to try:

* sigmoid: raise $w$ from 1 to 5. The curve becomes a steep step and the red bands grow: large
  weights saturate sigmoids. Move $b$: the step slides to $x = -b/w$, so the bias sets the
  input at which the neuron "switches on";
* relu: with $b < 0$ the neuron stays at 0 until $x > -b/w$; set $w < 0$ and it fires for
  negative inputs instead;
* step: its slope is 0 on the whole range, the reason it cannot be trained by gradient
  descent.

(Run the cell to get the live widget; a static view shows nothing here. The figure after it
shows three settings.)
""")

code(r"""
activation_explorer("sigmoid", w=1.0, b=0.0)
""", tags=["nbval-ignore-output"])

code(r"""
fig, axes = plt.subplots(2, 3, figsize=(13, 5), sharex=True)
for col, (name, w, b) in enumerate([("sigmoid", 1.0, 0.0), ("sigmoid", 5.0, -5.0),
                                    ("relu", 1.0, -2.0)]):
    info = draw_activation(list(axes[:, col]), name, w, b)
    axes[0, col].set_title(f"{name}(w x + b), w = {w}, b = {b}", fontsize="medium")
    axes[1, col].set_title(f"slope; gradient nearly 0 on {100 * info['flat_share']:.0f}% of x",
                           fontsize="medium")
plt.tight_layout()
plt.show()
""")

md(r"""
## 6. Softmax: scores into probabilities over classes

For a classification into $K$ classes the last layer has $K$ neurons, one raw score $z_k$ per
class (the scores are often called **logits**). **Softmax** turns the $K$ scores into $K$
probabilities:

$$
\mathrm{softmax}(z)_k = \frac{e^{z_k}}{\sum_{j=1}^{K} e^{z_j}}, \qquad k = 1, \dots, K.
$$

Each output is positive, they sum to 1, and a larger score gets a larger probability. Unlike
every activation so far, softmax does not act on each neuron alone: every output depends on
all $K$ scores.

A worked example: $z = (2, 1, 0.1)$ gives $e^{z} = (7.389, 2.718, 1.105)$ with sum $11.212$, so
$\mathrm{softmax}(z) = (0.659, 0.242, 0.099)$.

**Shift invariance.** Adding the same constant $c$ to every score changes nothing, because
$e^{c}$ cancels:

$$
\frac{e^{z_k - c}}{\sum_j e^{z_j - c}} = \frac{e^{-c}\,e^{z_k}}{e^{-c}\sum_j e^{z_j}}
= \frac{e^{z_k}}{\sum_j e^{z_j}}.
$$

That is the key to computing it safely. Scores of 1000 are not unusual in a badly scaled
network, and $e^{1000}$ overflows to infinity, giving $\infty / \infty = $ NaN. Subtracting
$c = \max_j z_j$ first makes the largest exponent $e^0 = 1$ and all others $\le 1$: nothing can
overflow, and the denominator is at least 1, so nothing divides by 0.

**Batches and axes.** Keras computes a whole batch at once: scores of shape `(N, K)`, one row
per sample, one column per class, and softmax works **along the last axis** (each row sums to
1). Taking the maximum and the sum along the wrong axis, or over the whole array, gives
numbers that look like probabilities but mix different samples together. Use
`axis=..., keepdims=True` so that the `(N, 1)` maximum and sum broadcast against the `(N, K)`
scores row by row.

Two more facts worth knowing:

* for two classes, softmax of the scores $(z_1, z_2)$ gives $\sigma(z_1 - z_2)$ for the first
  class: a sigmoid on one score is the same model as a softmax on two;
* softmax on a **single** output neuron always returns exactly 1, whatever the input ($e^{z} /
  e^{z}$): a model built that way has learned nothing, and its loss cannot move.
""")

code(r"""
z = np.array([2.0, 1.0, 0.1])
print("softmax(2, 1, 0.1)       =", act.softmax(z))
print("softmax(2, 1, 0.1) + 100 =", act.softmax(z + 100))
print("sigma(2 - 1) =", act.sigmoid(1.0), "  softmax((2, 1))[0] =", act.softmax(np.array([2.0, 1.0]))[0])
print("softmax of one neuron:", act.softmax(np.array([[-3.0], [0.5], [40.0]])).ravel())

with np.errstate(all="ignore"):
    scores = np.array([1000.0, 1001.0, 1002.0])
    naive = np.exp(scores) / np.exp(scores).sum()
print("without the max-shift:", naive, "   with it:", act.softmax(scores))
""")

md(r"""
### Exercise 4 · A stable softmax (3 points)

Write `softmax(x, axis=-1)`: the softmax of the array `x` along `axis`, returned in the shape of
`x`. With the default `axis=-1` and `x` of shape `(N, K)` every row becomes a probability
distribution over $K$ classes; `axis=0` normalises columns instead; a 1-D `x` is one
distribution.

* Subtract the maximum **along `axis`** before exponentiating, so inputs such as 1000 give
  the right answer without warnings or NaN.
* Use `keepdims=True` in `max` and `sum` so the shapes broadcast correctly.
* No Python loops.
""")

answer("softmax", r'''
def softmax(x, axis=-1):
    """exp(x) / sum(exp(x)) along `axis`, computed after subtracting the maximum."""
    ### BEGIN SOLUTION
    x = np.asarray(x, dtype=float)
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)
    ### END SOLUTION
''')

test("softmax", 3, r'''
def _quietly(f, *args, **kwargs):
    """Call f and return (result, the warnings it raised)."""
    with warnings.catch_warnings(record=True) as caught, np.errstate(over="warn", invalid="warn", divide="warn", under="ignore"):
        warnings.simplefilter("always")
        result = f(*args, **kwargs)
    return result, [str(w.message) for w in caught]


check_close(softmax(np.array([2.0, 1.0, 0.1])), [0.65900114, 0.24243297, 0.09856589],
            "softmax([2, 1, 0.1])", rtol=1e-6,
            mistakes=[(np.exp([2.0, 1.0, 0.1]), "These are exp(x) without dividing by their "
                                                "sum: normalise so the values add up to 1.")])
_scores = np.array([[1.0, 2.0, 3.0], [1.0, 1.0, 1.0]])
_e = np.exp(_scores)
check_close(softmax(_scores), [[0.09003057, 0.24472847, 0.66524096], [1 / 3, 1 / 3, 1 / 3]],
            "softmax([[1, 2, 3], [1, 1, 1]]), one row per sample", rtol=1e-6,
            mistakes=[(_e / _e.sum(axis=0, keepdims=True), "Each column sums to 1, but the "
                       "classes are along the last axis: take max and sum with axis=axis "
                       "(here -1), not axis=0."),
                      (_e / _e.sum(), "The whole array sums to 1: you summed over every "
                       "element instead of along the class axis. Use np.sum(..., axis=axis, "
                       "keepdims=True).")])
_out, _warned = _quietly(softmax, np.array([1000.0, 1001.0, 1002.0]))
check_close(_out, [0.09003057, 0.24472847, 0.66524096], "softmax([1000, 1001, 1002])",
            rtol=1e-6, hint={"nan": "exp(1000) overflows to infinity and inf/inf is NaN: "
                                    "subtract the maximum along the axis before np.exp."})
check_true(not _warned, "softmax([1000, 1001, 1002]) warned: "
           f"{_warned[0] if _warned else ''}. Subtract the maximum before np.exp.")
### BEGIN HIDDEN TESTS
_rng = np.random.default_rng(2024)
_x = _rng.normal(0, 3, (5, 4))
_out, _warned = _quietly(softmax, _x)
check_probabilities(_out, axis=-1, name="softmax of a random 5 x 4 batch (hidden check)")
check_close(_out, special.softmax(_x, axis=-1), "softmax of a random 5 x 4 batch",
            reveal=False)
_x = _rng.normal(0, 3, (3, 3))          # square: a missing keepdims broadcasts silently
check_close(softmax(_x), special.softmax(_x, axis=-1), "softmax of a random 3 x 3 batch",
            reveal=False, hint={"values": "With a square array, x - x.max(axis=-1) "
                                          "subtracts each row's maximum from the wrong "
                                          "entries: use keepdims=True."})
_x = _rng.normal(0, 3, (4, 6))
_out, _warned = _quietly(softmax, _x, axis=0)
check_shape(_out, (4, 6), "softmax(x, axis=0) of a 4 x 6 array", reveal=False)
check_probabilities(_out, axis=0, name="softmax(x, axis=0) of a random 4 x 6 array "
                                       "(hidden check)")
check_close(_out, special.softmax(_x, axis=0), "softmax(x, axis=0) of a random 4 x 6 array",
            reveal=False, hint="Use the axis argument you are given, not a fixed axis.")
_x = _rng.normal(0, 2, (2, 3, 5))
check_close(softmax(_x, axis=1), special.softmax(_x, axis=1),
            "softmax along axis 1 of a 2 x 3 x 5 array", reveal=False,
            hint="Use the axis argument you are given, not a fixed axis.")
check_close(softmax(_x), special.softmax(_x, axis=-1),
            "softmax along the last axis of a 2 x 3 x 5 array", reveal=False)
# Rows on very different scales: one shift for the whole array underflows the first row.
_x = np.array([[-1000.0, -999.0, -998.0], [0.0, 1.0, 2.0], [800.0, 5.0, 790.0]])
_out, _warned = _quietly(softmax, _x)
check_close(_out, special.softmax(_x, axis=-1), "softmax of rows on very different scales",
            reveal=False, atol=1e-12,
            hint={"nan": "Subtract each row's own maximum (np.max with axis=axis, "
                         "keepdims=True), not the maximum of the whole array."})
check_true(not _warned, "softmax warned on rows of very different scales (hidden check): "
           f"{_warned[0] if _warned else ''}. Subtract each row's own maximum.")
_out, _warned = _quietly(softmax, [-5000.0, 3000.0, 2999.0])
check_close(_out, special.softmax(np.array([-5000.0, 3000.0, 2999.0])),
            "softmax of a list with huge scores", reveal=False, atol=1e-12)
check_true(not _warned, "softmax warned on huge scores (hidden check): "
           f"{_warned[0] if _warned else ''}.")
### END HIDDEN TESTS
passed("softmax")
''')

md(r"""
From here on the course uses the library's `course_lib.activations.softmax`, which does the same
(and checks its input). A last look at why the axis matters: three samples, four classes.
""")

code(r"""
batch = np.array([[2.0, 0.5, 0.1, -1.0],
                  [0.0, 3.0, 0.2, 0.1],
                  [1.0, 1.0, 1.0, 1.0]])
probabilities = act.softmax(batch, axis=-1)
print(probabilities)
print("sum of each row (sample):", probabilities.sum(axis=1))
print("predicted classes:", probabilities.argmax(axis=1))
wrong = act.softmax(batch, axis=0)
print("softmax over axis 0 gives rows summing to", wrong.sum(axis=1), "- not distributions")
""")

md(r"""
## 7. Which activation goes on the output layer?

Hidden layers almost always use ReLU (or a relative). The **output** layer is different: its
activation must produce numbers of the kind the task asks for, and it goes together with a
loss (chapter 5).

| task | output layer | activation | loss (chapter 5) |
|---|---|---|---|
| binary classification (spam or not) | 1 neuron | sigmoid: $P(\text{class 1})$ | `binary_crossentropy` |
| multi-class, one label per sample (which digit) | $K$ neurons | softmax: $K$ probabilities summing to 1 | `categorical_crossentropy` or `sparse_categorical_crossentropy` |
| multi-label (several tags can be true at once) | $K$ neurons | sigmoid on each: $K$ independent probabilities | `binary_crossentropy` |
| regression (a number) | 1 neuron per target | linear (none) | `mse` or `mae` |

Common mistakes, each of which trains badly or not at all:

* a **sigmoid on a regression output** squeezes every prediction into $(0, 1)$: a house price
  of 250,000 can never be reached (the seed notes say the same, correctly). A tanh would clip
  to $(-1, 1)$;
* a **ReLU on a regression output** cannot predict anything negative, such as a temperature
  change of −3 °C, and a neuron that goes dead outputs a constant;
* **softmax on one output neuron** always outputs 1 (section 6); a single binary output needs
  a sigmoid;
* **sigmoids for mutually exclusive classes** give probabilities that need not sum to 1.

### Exercise 5 · Choose the output activation (2 points)

For each task below, set the value in the dictionary to the Keras name of the output layer's
activation: `"sigmoid"`, `"softmax"` or `"linear"` (each output layer has one neuron per target,
or one per class for a multi-class task).

* `"spam_filter"`: the probability that an e-mail is spam;
* `"digit_recognition"`: which of the ten digits 0 to 9 a handwritten image shows;
* `"temperature_change"`: tomorrow's temperature minus today's, in °C;
* `"tumour_malignant"`: whether a tumour is malignant, as a probability;
* `"news_topic"`: which one of five topics (sport, politics, ...) an article is about;
* `"delivery_delay"`: how many minutes late a parcel arrives (negative if it is early).
""")

answer("output_activation", r'''
OUTPUT_ACTIVATIONS = {
    ### BEGIN SOLUTION
    "spam_filter": "sigmoid",
    "digit_recognition": "softmax",
    "temperature_change": "linear",
    "tumour_malignant": "sigmoid",
    "news_topic": "softmax",
    "delivery_delay": "linear",
    ### END SOLUTION
}
''')

test("output_activation", 2, r'''
_tasks = ["spam_filter", "digit_recognition", "temperature_change", "tumour_malignant",
          "news_topic", "delivery_delay"]
_allowed = ("sigmoid", "softmax", "linear")
check_true(isinstance(OUTPUT_ACTIVATIONS, dict),
           "OUTPUT_ACTIVATIONS should be a dictionary from task name to activation name.")
check_true(sorted(OUTPUT_ACTIVATIONS) == sorted(_tasks),
           f"OUTPUT_ACTIVATIONS should have exactly the keys {_tasks}; it has "
           f"{sorted(OUTPUT_ACTIVATIONS)}.")
for _task in _tasks:
    check_true(OUTPUT_ACTIVATIONS[_task] in _allowed,
               f"OUTPUT_ACTIVATIONS[{_task!r}] is {OUTPUT_ACTIVATIONS[_task]!r}; choose one of "
               f"{_allowed}, spelled exactly like that.")
_why = {
    ("digit_recognition", "sigmoid"): "Ten sigmoids give ten independent probabilities that "
        "need not sum to 1; for exactly one digit per image the classes compete.",
    ("digit_recognition", "linear"): "Raw scores are not probabilities over the ten digits.",
    ("spam_filter", "softmax"): "A single output neuron with softmax always outputs 1.",
    ("tumour_malignant", "softmax"): "A single output neuron with softmax always outputs 1.",
    ("spam_filter", "linear"): "A linear output is not a probability: it can be below 0 or "
        "above 1.",
    ("tumour_malignant", "linear"): "A linear output is not a probability: it can be below 0 "
        "or above 1.",
    ("temperature_change", "sigmoid"): "A sigmoid squeezes every prediction into (0, 1): a "
        "change of -3 or +5 degrees could never be predicted.",
    ("delivery_delay", "sigmoid"): "A sigmoid squeezes every prediction into (0, 1): a delay "
        "of 30 minutes could never be predicted.",
    ("temperature_change", "softmax"): "This is a regression, not a choice among classes; "
        "one softmax neuron always outputs 1.",
    ("delivery_delay", "softmax"): "This is a regression, not a choice among classes; one "
        "softmax neuron always outputs 1.",
    ("news_topic", "sigmoid"): "Five sigmoids suit several tags at once; an article with "
        "exactly one topic needs probabilities that compete and sum to 1.",
    ("news_topic", "linear"): "Raw scores are not probabilities over the five topics.",
}
check_true(OUTPUT_ACTIVATIONS["digit_recognition"] == "softmax",
           "The choice for 'digit_recognition' is not right. "
           + _why.get(("digit_recognition", OUTPUT_ACTIVATIONS["digit_recognition"]), ""))
### BEGIN HIDDEN TESTS
_answers = {"spam_filter": "sigmoid", "temperature_change": "linear",
            "tumour_malignant": "sigmoid", "news_topic": "softmax",
            "delivery_delay": "linear"}
for _task, _right in _answers.items():
    _given = OUTPUT_ACTIVATIONS[_task]
    check_true(_given == _right, f"The choice for {_task!r} is not right (hidden check). "
               + _why.get((_task, _given), ""))
### END HIDDEN TESTS
passed("output_activation")
''')

md(r"""
## Summary

* A neuron computes $z = w \cdot x + b$ and outputs $a = f(z)$. Without a non-linear $f$,
  stacked layers collapse into one linear layer; with one, a network can bend its output into
  almost any shape.
* Activations differ in range: step and sigmoid in $[0, 1]$, tanh in $(-1, 1)$, ReLU in
  $[0, \infty)$, linear anywhere. "Between 0 and 1" is true only of some.
* $\sigma(z) = 1/(1 + e^{-z})$ (the brackets matter), $\sigma' = \sigma(1 - \sigma) \le
  \tfrac14$; it is sensitive near 0 and saturated far from it, where gradients vanish.
* ReLU, $\max(0, z)$, passes gradients unchanged for $z > 0$ and none for $z < 0$ (dead
  units); leaky ReLU, PReLU and ELU keep some slope on the negative side.
* Softmax turns $K$ scores into a probability distribution along the class axis; subtracting
  the maximum (per row!) makes it safe, as computing $\sigma$ with $e^{-|z|}$ does for the
  sigmoid.
* Output layer: sigmoid for binary (and multi-label), softmax for one-of-$K$, linear for
  regression.

Next, chapter 5 measures how wrong these outputs are: the loss functions that go with each
output activation.
""")

nb = new_notebook(cells=cells, metadata={
    "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python",
                   "name": "python3"},
    "language_info": {"name": "python"}})
nbformat.write(nb, "drafts/04_activations/04_activations.ipynb")
print(len(cells), "cells")
