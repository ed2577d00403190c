"""course_lib: the NumPy library behind the course's notebooks.

One small module per concept, named as Keras and scikit-learn name things, so that what a
student learns here carries over:

========================  ==================================================================
``activations``           step, sigmoid, tanh, relu, leaky_relu, elu, softmax and derivatives
``losses``                MAE, MSE, MAPE, binary / categorical / sparse cross-entropy, gradients
``optimizers``            SGD (momentum), RMSprop, Adam, with Keras' update rules and decay
``initializers``          zeros, random_normal, Glorot, He, LeCun (Keras fan rules)
``convolution``           conv2d, max and average pooling, forward and backward
``gradients``             numerical gradient and relative error, for gradient checks
``layers``, ``models``    the Keras-style Sequential API; ``callbacks``, ``metrics``, ``utils``
``clustering``            KMeans and its single steps
``decomposition``         PCA with loadings
``features``              entropy, mutual information, m-estimate target encoding
``model_selection``       train/test split, K-fold indices, cross-validated score
``datasets``              offline data sets and seeded generators for the course's stories
``checks``                what the notebooks' check cells call
``exercises``             each chapter's visible checks and catalogue of known mistakes
``standins``              stand-in classifiers that checks hand to a student's model factory
``pretrained``            the pre-trained digits CNN shipped in assets/15_cnns
``lab``                   JupyterLab for students, without nbgrader's instructor tools
``progress``              ``course progress``: which exercises pass, per chapter, for a student
``widgets``               the interactive explorers, one module per explorer
``keras``                 re-exports shaped like ``keras`` (``course_lib.keras.layers`` ...), so Keras
                          code runs here with only its imports changed
========================  ==================================================================

Submodules load on first use (``course_lib.activations.sigmoid`` works after
``import course_lib``), so importing the package stays fast.
"""
import importlib

__version__ = "0.1.0"

_SUBMODULES = {
    "activations", "losses", "optimizers", "initializers", "convolution", "gradients",
    "layers", "models", "callbacks", "metrics", "utils", "clustering", "decomposition",
    "features", "model_selection", "datasets", "checks", "widgets", "keras", "standins",
    "pretrained", "lab", "progress", "exercises",
}


def __getattr__(name):
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'course_lib' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | _SUBMODULES)
