"""The interactive explorers of the course, one module per explorer.

Every explorer is two pieces: a **drawing function**, a plain function of the widget's values
that draws onto a matplotlib figure (tests call it directly, no browser needed), and a
**builder** that makes the controls, wires them to the drawing function through
:func:`course_lib.widgets._base.build_explorer` and returns one container with the CSS class
``course-widget``.

========================  =========  ===================================================
module                    chapter    explorer
========================  =========  ===================================================
``line_fit``              01         fit a line by hand with sliders for w and b, live MAE
``tensors``               02         slice an image tensor along any axis, see the slice's shape
``neuron``                03         a neuron with input, weight and bias sliders; a dense network
                                     drawn with its parameter count
``activations``           04         pick an activation, move w and b: f(w x + b), its slope,
                                     the saturated range
``losses``                05         move a predicted probability: BCE and squared error and their
                                     gradients
``gradient_descent``      06         learning rate on a loss surface; a line fitted batch by batch
``backprop``              07         one forward and backward pass, step by step, every number shown
``training``              08         live training curves while ``fit`` runs
``initialization``        09         activation histograms and per-layer activation and gradient spread
                                     through a deep net, by depth, initializer and activation
``regularization``        10         polynomial degree and training-set size: a live least-squares
                                     fit, training against validation error per model size
``validation``            11         the fold picture: which rows train and which validate under
                                     K-fold, shuffled, iterated and time-ordered splits
``preprocessing``         12         move the smoothing weight m: each category's target encoding and
                                     its weight n_c / (n_c + m) against its count
``kmeans``                13         step through K-means (assign, update, falling inertia); seeds,
                                     k-means++ against random
``pca``                   13         PCA biplot with loadings arrows and explained variance, raw or
                                     standardised
``convolution``           14         slide a kernel over the sample photo: window, products and
                                     output pixel, with stride and TensorFlow padding
``cnn``                   15         a trained CNN's first layer: pick an image and a filter, see the
                                     filter, its feature map and the pooled map
``autoencoder``           16         a noise slider: a digit, its noisy version and the reconstructions
                                     of a denoising and a plain autoencoder, with their errors
========================  =========  ===================================================

Chapters import from the module: ``from course_lib.widgets.line_fit import line_fit_explorer``
(chapter 01's explorer is also importable from ``course_lib.widgets`` itself).
"""
from ._base import WIDGET_CLASS, build_explorer, render_png
from .line_fit import draw_line_fit, line_fit_explorer

__all__ = ["WIDGET_CLASS", "build_explorer", "render_png", "draw_line_fit", "line_fit_explorer"]
