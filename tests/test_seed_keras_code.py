"""The Keras code in the seed notes runs on course_lib with only its imports changed.

Each snippet below is copied from /work/shared/seeds/*.txt as the notes wrote it (the
notebook's cells joined in order). ``run`` changes nothing but the import lines
(``keras`` -> ``course_lib.keras``) and executes it on synthetic data of the shape the notes
use. Parameter counts are checked against numbers worked out here by hand, not against the
notes' printed tables.
"""
import re

import numpy as np
import pytest

from course_lib.utils import set_random_seed


def rewrite_imports(code):
    """Only the imports change: ``keras`` becomes ``course_lib.keras``."""
    code = re.sub(r"^(\s*)from keras(\.| )", r"\1from course_lib.keras\2", code, flags=re.M)
    code = re.sub(r"^(\s*)import keras\s*$", r"\1from course_lib import keras", code, flags=re.M)
    return code


def run(code, **data):
    set_random_seed(0)
    namespace = dict(data)
    exec(compile(rewrite_imports(code), "<seed snippet>", "exec"), namespace)
    return namespace


def test_rewrite_touches_only_imports():
    code = "import keras\nfrom keras.layers import Dense\nfrom keras import backend as k\nx = 1\n"
    assert rewrite_imports(code) == ("from course_lib import keras\n"
                                     "from course_lib.keras.layers import Dense\n"
                                     "from course_lib.keras import backend as k\nx = 1\n")


# --- seed 002: a sequential model from a list of layers -----------------------------------

SEED_002 = """
from keras.models import Sequential 
from keras.layers import Dense, Activation

layers =[
  Dense(units=3, input_shape=(2, ), activation ='relu'),
  Dense(units=2, activation = 'softmax')
]

model = Sequential(layers)
"""


def test_seed_002_sequential_from_a_list():
    model = run(SEED_002)["model"]
    assert model.count_params() == (2 * 3 + 3) + (3 * 2 + 2)
    p = model.predict(np.random.default_rng(0).normal(size=(4, 2)))
    np.testing.assert_allclose(p.sum(axis=1), 1, rtol=1e-6)


# --- seed 003: Adam with the Keras 2 arguments, class weights ----------------------------

SEED_003_OPTIMIZER = """
import keras
opt=keras.optimizers.Adam(lr=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-8, decay=1e-3/200)
# lr: float >= 0. > Learning Rate: The rate which we get closer to the min loss.
# decay. On each try, lr -= decay.
# epsilon: float >= 0. Fuzz factor.
"""

# The notes give only the call ``.fit(train_X,train_Y,class_weight = {0:3 , 1:1} )``; the
# model around it is ours.
SEED_003_CLASS_WEIGHT = """
model.compile(opt, loss='binary_crossentropy', metrics=['accuracy'])
model.fit(train_X,train_Y,class_weight = {0:3 , 1:1} )
"""


def test_seed_003_adam_with_lr_and_decay_and_class_weight(capsys):
    ns = run(SEED_003_OPTIMIZER)
    opt = ns["opt"]
    assert opt.learning_rate == 0.001 and opt.epsilon == 1e-8 and opt.decay == 1e-3 / 200
    from course_lib.layers import Dense
    from course_lib.models import Sequential
    model = Sequential([Dense(1, input_shape=(4,), activation="sigmoid")])
    rng = np.random.default_rng(0)
    train_x = rng.normal(size=(64, 4))
    train_y = (rng.random(64) < 0.25).astype(int)
    run(SEED_003_CLASS_WEIGHT, model=model, opt=opt, train_X=train_x, train_Y=train_y)
    assert opt.iterations == 2  # one epoch of 64 samples in batches of 32
    assert "loss:" in capsys.readouterr().out  # verbose defaults to 1, as in Keras


# --- seed 004: the DeepLizard notes ------------------------------------------------------

SEED_004_DENSE_10 = """
from keras.models import Sequential
from keras.layers import Dense, Activation
import sys
import warnings
if not sys.warnoptions:
    warnings.simplefilter("ignore")

model=Sequential([Dense(32,input_shape=(10,),activation='relu'),Dense(2,activation='softmax')])
"""

SEED_004_DENSE_3 = """
from keras.models import Sequential
from keras.layers import Dense, Activation
import sys
import warnings
if not sys.warnoptions:
    warnings.simplefilter("ignore")

model=Sequential([Dense(5, input_shape=(3,), activation='relu'), Dense(2, activation='softmax')])
#Here we define the model from the hidden layer and we pass the input shape of the input
#layer to the first layer of the model, because the model should know what type of data it will be 
#initially dealing with, the model will infer at the later stage
"""

SEED_004_ADD = """
model=Sequential()
model.add(Dense(5,input_shape=(3,)))
model.add(Activation('relu'))
"""


def test_seed_004_first_models():
    model = run(SEED_004_DENSE_10)["model"]
    assert model.count_params() == (10 * 32 + 32) + (32 * 2 + 2)
    ns = run(SEED_004_DENSE_3)
    assert ns["model"].count_params() == (3 * 5 + 5) + (5 * 2 + 2)
    model = run(SEED_004_ADD, Sequential=ns["Sequential"], Dense=ns["Dense"],
                Activation=ns["Activation"])["model"]
    assert [type(layer).__name__ for layer in model.layers] == ["Dense", "Activation"]
    assert (model.predict(np.ones((2, 3))) >= 0).all()


SEED_004_TRAINING = """
import keras
from keras import backend as k
from keras.models import Sequential
from keras.layers import Dense, Activation
from keras.optimizers import Adam
from keras.metrics import categorical_crossentropy
#basic imports

model=Sequential([
    Dense(16, input_shape=(1,), activation='relu'),
    Dense(32, activation='relu'),
    Dense(2,activation='softmax')
])
#define a model with 2 hidden layers and 1 output layers

model.compile(Adam(lr=.00001), loss='sparse_categorical_crossentropy', metrics=['accuracy'])
#while compiling the model, we pass the optimizers, Adam is just a variant of SGD, with learning rate as 0.0001
#loss function used here is sparse_categorical_crossentropy and metrics is what we want to see when
#the output is predicted

model.fit(scaled_train_samples,train_labels,batch_size=10,epochs=20, shuffle=True, verbose=2)
#this function is used to train the model, train_samples is the training data, with the labels in another
#parameter train_labels, batch_size is the info in how many batches we want to send the data,
#epochs is how many time you want to pass the data, shuffle means if you want to shullfe your
#data after every epoch, verbose is how much output you want to see 
"""

SEED_004_PREDICT = """
predictions=model.predict(scaled_test_samples,batch_size=10, verbose=0)
"""


def test_seed_004_training_and_prediction(capsys):
    # the notes' story: ages 13..100 scaled to [0, 1], label 1 for older patients
    rng = np.random.default_rng(0)
    ages = rng.integers(13, 101, size=200)
    scaled = ((ages - 13) / 87.0)[:, None]
    labels = (ages > 64).astype(int)
    ns = run(SEED_004_TRAINING, scaled_train_samples=scaled, train_labels=labels)
    out = capsys.readouterr().out
    assert out.count("Epoch ") == 20 and out.count("20/20 - ") == 20  # verbose=2
    assert ns["model"].optimizer.lr == 1e-5
    ns = run(SEED_004_PREDICT, model=ns["model"], scaled_test_samples=scaled[:15])
    assert ns["predictions"].shape == (15, 2)
    np.testing.assert_allclose(ns["predictions"].sum(axis=1), 1, rtol=1e-5)


# The notes write ``model.fit(x=train_sample,train_label,...)``, a SyntaxError in Python
# (a positional argument after a keyword one); the only fix is ``y=`` before train_label.
SEED_004_SUPERVISED = """
import keras
from keras.models import Sequential
from keras.layers import Dense, Activation
from keras.optimizers import Adam

model=Sequential([Dense(16,input_shape=(2,),activation="relu"),
                 Dense(32, activation="relu"),
                 Dense(2,activation="softmax")])

model.compile(Adam(lr=0.0001),loss="sparse_categorical_crossentropy",metrics=['accuracy'])

#weight,height
train_sample=[[150,67],[130,60],[200,65],[125,52],[230,72],[181,70]]

#male=0
#female=1
train_label=[1,1,0,1,0,0]

model.fit(x=train_sample,y=train_label,batch_size=3,epochs=10,shuffle=True,verbose=2)
"""


def test_seed_004_supervised_learning_on_lists(capsys):
    ns = run(SEED_004_SUPERVISED)
    out = capsys.readouterr().out
    assert out.count("2/2 - ") == 10
    assert len(ns["model"].history.history["accuracy"]) == 10


SEED_004_PADDING = """
import sys
import warnings
if not sys.warnoptions:
    warnings.simplefilter('ignore')

import keras
from keras.models import Sequential
from keras.layers import Dense, Activation, Flatten
from keras.layers.convolutional import *

model_valid=Sequential([
    Dense(16, input_shape=(20,20,3),activation='relu'),
    Conv2D(32, kernel_size=(3, 3), activation='relu', padding='valid'),#kernel_size=filter_size
    Conv2D(64, kernel_size=(5, 5), activation='relu', padding='valid'),
    Conv2D(128, kernel_size=(7, 7), activation='relu', padding='valid'),
    Flatten(),
    Dense(2, activation='softmax')
])

model_valid.summary()

model_same=Sequential([
    Dense(16, input_shape=(20,20,3),activation='relu'),
    Conv2D(32, kernel_size=(3, 3), activation='relu', padding='same'),#kernel_size=filter_size
    Conv2D(64, kernel_size=(5, 5), activation='relu', padding='same'),
    Conv2D(128, kernel_size=(7, 7), activation='relu', padding='same'),
    Flatten(),
    Dense(2, activation='softmax')
])

model_same.summary()
"""

SEED_004_POOLING = """
from keras.layers.pooling import *

model=Sequential([
    Dense(16, input_shape=(20,20,3), activation='relu'),
    Conv2D(32, kernel_size=(3,3), activation='relu', padding='same'),
    MaxPooling2D(pool_size=(2,2), strides=2, padding='valid'),
    Conv2D(64, kernel_size=(5,5), activation='relu', padding='same'),
    Flatten(),
    Dense(2,activation='softmax'),
])

model.summary()
"""

CONV_PARAMS = [3 * 16 + 16, 3 * 3 * 16 * 32 + 32, 5 * 5 * 32 * 64 + 64, 7 * 7 * 64 * 128 + 128]


def test_seed_004_zero_padding_and_max_pooling(capsys):
    ns = run(SEED_004_PADDING)
    # valid: 20 -> 18 -> 14 -> 8, so Flatten gives 8 * 8 * 128 features
    assert ns["model_valid"].count_params() == sum(CONV_PARAMS) + 8 * 8 * 128 * 2 + 2
    assert ns["model_valid"].output_shape == (None, 2)
    assert [layer.output_shape for layer in ns["model_valid"].layers[1:4]] == [
        (18, 18, 32), (14, 14, 64), (8, 8, 128)]
    # same: the size stays 20, so Flatten gives 20 * 20 * 128 features
    assert ns["model_same"].count_params() == sum(CONV_PARAMS) + 20 * 20 * 128 * 2 + 2
    images = np.random.default_rng(0).random((2, 20, 20, 3))
    assert ns["model_same"].predict(images).shape == (2, 2)
    out = capsys.readouterr().out
    assert "Total params: 473,890" in out and "Total params: 559,906" in out

    ns = run(SEED_004_POOLING, Sequential=ns["Sequential"], Dense=ns["Dense"],
             Conv2D=ns["Conv2D"], Flatten=ns["Flatten"])
    pooled = ns["model"]
    assert pooled.layers[2].output_shape == (10, 10, 32)
    assert pooled.count_params() == sum(CONV_PARAMS[:3]) + 10 * 10 * 64 * 2 + 2
    assert "max_pooling2d (MaxPooling2D) (None, 10, 10, 32)" in capsys.readouterr().out
    assert pooled.predict(images).shape == (2, 2)


SEED_004_INIT = """
from keras.models import Sequential
from keras.layers import Dense, Activation

import sys
import warnings
if not sys.warnoptions:
    warnings.simplefilter('ignore')

model=Sequential([
    Dense(16, input_shape=(1,5), activation='relu'),
    Dense(32, activation='relu', kernel_initializer='glorot_uniform'),
    Dense(2,activation='softmax')
])

model.summary()
"""


def test_seed_004_initializers_on_a_rank_3_input(capsys):
    model = run(SEED_004_INIT)["model"]
    out = capsys.readouterr().out
    assert model.count_params() == (5 * 16 + 16) + (16 * 32 + 32) + (32 * 2 + 2)
    assert "(None, 1, 16)" in out and "(None, 1, 2)" in out
    # glorot_uniform: limit sqrt(6 / (fan_in + fan_out)) = sqrt(6 / 48)
    assert np.abs(model.layers[1].kernel).max() <= np.sqrt(6 / 48)
    assert model.predict(np.ones((3, 1, 5))).shape == (3, 1, 2)


@pytest.mark.parametrize("snippet", [SEED_002, SEED_004_DENSE_10, SEED_004_TRAINING,
                                     SEED_004_PADDING, SEED_004_INIT])
def test_snippets_use_keras_imports_only_where_rewritten(snippet):
    rewritten = rewrite_imports(snippet)
    changed = [(a, b) for a, b in zip(snippet.splitlines(), rewritten.splitlines()) if a != b]
    assert changed and all("import" in a for a, _ in changed)
