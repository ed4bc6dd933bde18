# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 10 · Convolutional networks
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/nnedu-course/nnedu/blob/main/notebooks/10_cnn.ipynb) [![Open In Kaggle](https://kaggle.com/static/images/open-in-kaggle.svg)](https://kaggle.com/kernels/welcome?src=https://github.com/nnedu-course/nnedu/blob/main/notebooks/10_cnn.ipynb)
#
# A dense layer connects every pixel with every unit. For images that is wasteful: the
# network has to learn the same "edge detector" again for every place in the image, and
# the number of weights explodes with the image size. Convolutional networks (CNNs) build
# two facts about images into the architecture: patterns are **local**, and a pattern
# means the same **wherever** it appears. This chapter builds convolution and pooling
# from the formula up, counts their parameters, makes them fast with im2col, and trains
# a CNN that reads handwritten digits.
#
# **After this lesson you can**
#
# - say why dense layers do not scale to images, and what local connectivity, weight
#   sharing, translation equivariance and pooling buy;
# - tell convolution from cross-correlation (what CNN libraries compute);
# - compute output sizes with $\lfloor (n + 2p - f)/s \rfloor + 1$ for valid and same
#   padding and any stride;
# - relate filters, channels and feature maps, and count the parameters of any
#   Conv2D / pooling / Dense stack (and check with `model.summary()`);
# - explain im2col, and compare a loop convolution with the vectorized one;
# - train a small CNN on MNIST to over 95 % test accuracy and look inside it: filters,
#   feature maps, confusion matrix, mistakes;
# - name the ideas of LeNet, VGG, Inception and ResNet.

# %% tags=["setup", "nbval-skip"]
# Setup: on Colab or Kaggle this installs nnedu; on your own machine it does nothing.
try:
    import nnedu
except ImportError:
    # %pip install -q "nnedu @ git+https://github.com/nnedu-course/nnedu"
    import nnedu

# %%
# %matplotlib inline
import json
import time

import numpy as np

import nnedu
from nnedu import conv, viz
from nnedu.conv import output_size
from nnedu.data import CNN_RECORD, CNN_WEIGHTS, load_mnist_subset
from nnedu.layers import AveragePooling2D, Conv2D, Dense, Flatten, MaxPooling2D
from nnedu.viz import style

(x_train, y_train), (x_test, y_test) = load_mnist_subset()
print("training images", x_train.shape, x_train.dtype, "  test images", x_test.shape)

# %% [markdown]
# ## 1. Why not dense layers?
#
# A dense layer with $u$ units on an input of $n$ numbers has $n \cdot u + u$ weights.
# For a small MNIST digit ($28 \times 28 = 784$ pixels) and 128 units that is already
# 100,480; for a modest colour photo of $200 \times 200 \times 3$ pixels and 1,000 units it
# is 120 million, for ONE layer.

# %%
def dense_params(n_inputs, units):
    return n_inputs * units + units


print(f"MNIST digit -> Dense(128):       {dense_params(28 * 28, 128):>12,}")
print(f"200x200 RGB photo -> Dense(1000): {dense_params(200 * 200 * 3, 1000):>12,}")
assert dense_params(784, 128) == 100_480
assert dense_params(200 * 200 * 3, 1000) == 120_001_000

# %% [markdown]
# Three observations about images lead to a better layer:
#
# - **Local patterns.** An edge, a corner, the loop of a 6 are made of nearby pixels. A
#   unit can look at a small patch, say $3 \times 3$, instead of the whole image.
# - **Weight sharing.** An edge detector that works in the top left corner works
#   everywhere. So the same small set of weights, a **filter** (or kernel), is slid over
#   every position. A $3 \times 3$ filter has 9 weights (+1 bias), however large the image.
# - **Translation equivariance.** Because the same filter is applied everywhere, moving
#   the input moves the output by the same amount. **Pooling** (section 5) then gives
#   some **invariance**: small shifts barely change the pooled summary.
#
# Equivariance in numbers: slide a filter over a digit, and over the same digit moved
# 3 pixels to the right. The second output is the first one moved 3 pixels right.

# %%
rng = np.random.default_rng(0)
kernel = rng.normal(size=(3, 3, 1, 1))
digit = x_test[:1].astype(np.float64)
moved = np.roll(digit, 3, axis=2)                      # 3 pixels to the right (border is blank)
out, _ = conv.conv2d_forward(digit, kernel, padding="same")
out_moved, _ = conv.conv2d_forward(moved, kernel, padding="same")
assert np.allclose(np.roll(out, 3, axis=2), out_moved)
print("conv(shift(image)) == shift(conv(image)):", np.allclose(np.roll(out, 3, axis=2), out_moved))

# %% [markdown]
# ## 2. Convolution or cross-correlation?
#
# The layer slides the kernel over the image and, at each position, multiplies the
# numbers under it with the kernel's numbers and adds them up. With the image
# $\begin{bmatrix} 1 & 2 \\ 3 & 4 \end{bmatrix}$ and the kernel
# $\begin{bmatrix} a & b \\ c & d \end{bmatrix}$ (one position only) that gives
# $a + 2b + 3c + 4d$. Strictly, this is **cross-correlation**. The **convolution** of
# mathematics and signal processing flips the kernel first (in both directions) and
# gives $4a + 3b + 2c + d$.
#
# What Keras, PyTorch and nnedu call "convolution" is cross-correlation. Since the kernel
# is learned, it makes no difference for training: the network simply learns the
# flipped kernel. It matters when you compare with a textbook formula or with
# `scipy.signal.convolve2d`. To see the coefficients, take $a, b, c, d = 1, 10, 100,
# 1000$: the digits of the result read off which pixel met which weight.

# %%
image = np.array([[1.0, 2.0], [3.0, 4.0]]).reshape(1, 2, 2, 1)
a, b, c, d = 1.0, 10.0, 100.0, 1000.0
kernel_abcd = np.array([[a, b], [c, d]]).reshape(2, 2, 1, 1)
library, _ = conv.conv2d_forward(image, kernel_abcd)
flipped, _ = conv.conv2d_forward(image, kernel_abcd[::-1, ::-1])     # true convolution
print("what the library computes (cross-correlation):", library.item())
print("true convolution (kernel flipped):           ", flipped.item())
assert library.item() == a + 2 * b + 3 * c + 4 * d == 4321
assert flipped.item() == 4 * a + 3 * b + 2 * c + d == 1234

# %% [markdown]
# ## 3. Output size, padding and stride
#
# A window of size $f$ slid over $n$ pixels with **stride** $s$ (the step between
# positions) and $p$ zeros of **padding** added on each side fits
#
# $$ n_{\text{out}} = \left\lfloor \frac{n + 2p - f}{s} \right\rfloor + 1 $$
#
# times. Two paddings have names: **valid** ($p = 0$: only positions where the window
# fits, $n - f + 1$ at stride 1) and **same** (enough zeros to keep $n$ at stride 1:
# $p = (f - 1)/2$ for odd $f$). Stride 2 halves the size. `nnedu.conv.output_size` is
# the formula; the cell also checks it against the shapes real convolutions produce.

# %%
examples = [  # (n, f, padding, stride) -> expected output size
    (28, 3, "valid", 1, 26),     # n - f + 1
    (28, 3, "same", 1, 28),      # same keeps n
    (28, 5, 2, 1, 28),           # p = (f - 1) / 2 = 2 is "same" for f = 5
    (28, 2, "valid", 2, 14),     # 2x2 stride 2 halves
    (7, 3, 1, 2, 4),             # floor((7 + 2 - 3) / 2) + 1
    (20, 3, "valid", 1, 18),     # the parameter-count models of section 6
    (18, 5, "valid", 1, 14),
    (14, 7, "valid", 1, 8),
]
for n, f, padding, stride, expected in examples:
    got = output_size(n, f, padding, stride)
    p = {"valid": 0, "same": (f - 1) // 2}.get(padding, padding)
    print(f"n={n:2d} f={f} p={p} s={stride}: floor(({n} + {2 * p} - {f}) / {stride}) + 1 = {got}")
    assert got == expected == (n + 2 * p - f) // stride + 1
    if isinstance(padding, str):
        y, _ = conv.conv2d_forward(np.zeros((1, n, n, 1)), np.zeros((f, f, 1, 1)),
                                   stride=stride, padding=padding)
        assert y.shape[1:3] == (expected, expected)

# %% [markdown]
# ## 4. Filters, channels and feature maps
#
# A colour image has 3 **channels** (red, green, blue); a grey digit has 1. A filter
# always spans all input channels: on an input with $C$ channels a $3 \times 3$ filter has
# $3 \cdot 3 \cdot C$ weights. A layer has several filters, and each produces one output
# image, a **feature map**: the number of filters is the number of output channels. In
# nnedu (and Keras) a kernel has shape `(kh, kw, C_in, filters)`, and images are
# channels-last `(N, H, W, C)`.
#
# Three hand-made filters on one digit: a vertical-edge filter (left minus right), a
# horizontal-edge filter and a blur. Stacked into one kernel of shape `(3, 3, 1, 3)`
# they give three feature maps.

# %%
vertical = np.array([[1.0, 0.0, -1.0]] * 3)
filters3 = np.stack([vertical, vertical.T, np.full((3, 3), 1 / 9)], axis=-1)[:, :, None, :]
maps, _ = conv.conv2d_forward(digit, filters3, padding="same")
print("kernel", filters3.shape, "-> feature maps", maps.shape)
assert filters3.shape == (3, 3, 1, 3) and maps.shape == (1, 28, 28, 3)

fig, axes = style.new_figure(1, 4, figsize=(10.0, 2.8))
titles = ["input digit", "vertical edges", "horizontal edges", "blur"]
edge_limit = np.abs(maps[..., :2]).max()                  # white = 0 on both edge maps
for i, (ax, title) in enumerate(zip(axes, titles)):
    if i in (1, 2):
        ax.imshow(maps[0, :, :, i - 1], cmap="RdBu_r", vmin=-edge_limit, vmax=edge_limit)
    else:
        ax.imshow(digit[0, :, :, 0] if i == 0 else maps[0, :, :, 2], cmap="gray_r")
    ax.set_title(title, fontsize=11)
    ax.set_axis_off()
fig.suptitle("One 28 × 28 digit and the three feature maps of a (3, 3, 1, 3) kernel",
             fontsize=12)
fig

# %% [markdown]
# Red is positive, blue negative: the vertical-edge map lights up at the left and right
# borders of strokes, the horizontal-edge map at the top and bottom ones. A trained CNN
# learns filters like these by itself (section 8).
#
# ## 5. Pooling
#
# A **pooling** layer summarizes each window: **max pooling** keeps the largest value,
# **average pooling** the mean. The usual 2 × 2 window with stride 2 halves each side.
# It works on every channel separately and has **no parameters**. Max pooling keeps the
# information "this feature is present somewhere around here", which makes the network
# less sensitive to small shifts.

# %%
x4 = np.array([[1.0, 3.0, 2.0, 0.0],
               [5.0, 4.0, 1.0, 1.0],
               [0.0, 2.0, 9.0, 6.0],
               [1.0, 1.0, 7.0, 8.0]]).reshape(1, 4, 4, 1)
max_pooled, _ = conv.maxpool_forward(x4)
avg_pooled, _ = conv.avgpool_forward(x4)
print("max pooling:\n", max_pooled[0, :, :, 0], "\naverage pooling:\n", avg_pooled[0, :, :, 0])
assert np.array_equal(max_pooled[0, :, :, 0], [[5, 2], [2, 9]])
assert np.array_equal(avg_pooled[0, :, :, 0], [[3.25, 1.0], [1.0, 7.5]])
pools = nnedu.Sequential([MaxPooling2D(2, input_shape=(28, 28, 16)), AveragePooling2D(2)])
assert pools.output_shape == (7, 7, 16) and pools.count_params() == 0

# %% [markdown]
# Each 2 × 2 block becomes one number: $\max(1, 3, 5, 4) = 5$, and its mean is
# $13/4 = 3.25$. Two poolings take $28 \times 28 \times 16$ to $7 \times 7 \times 16$,
# with 0 parameters. In the backward pass, max pooling sends each window's gradient to
# the one pixel that held the maximum (the others did not affect the output); average
# pooling shares it equally among the window's pixels. The library's vectorized max
# pooling loops over the 4 positions inside a window, each a strided slice of the whole
# batch:

# %%
nnedu.show_source(conv.maxpool_forward)

# %% [markdown]
#
# ## 6. Counting parameters
#
# A Conv2D layer with $F$ filters of size $k_h \times k_w$ on $C$ input channels has
# $k_h k_w C \cdot F + F$ parameters (the kernel and one bias per filter), **whatever the
# image size**. A Dense layer on a vector of $n$ numbers has $n u + u$. Pooling and
# Flatten have none. Everything below uses inputs of shape $(20, 20, 3)$, as in Keras;
# `summary()` lists each layer's output shape (None is the batch) and parameters.
#
# **A small model.** Two same-padded 3 × 3 convolutions with 2 and 3 filters, then a
# dense layer with 2 units: $3 \cdot 3 \cdot 3 \cdot 2 + 2 = 56$,
# $3 \cdot 3 \cdot 2 \cdot 3 + 3 = 57$; Flatten gives $20 \cdot 20 \cdot 3 = 1200$ numbers,
# and Dense(2) has $1200 \cdot 2 + 2 = 2402$. The dense layer holds almost all of the
# 2,515 parameters.

# %%
small = nnedu.Sequential([
    Conv2D(2, 3, padding="same", input_shape=(20, 20, 3)),
    Conv2D(3, 3, padding="same"),
    Flatten(),
    Dense(2),
], name="small")
small.summary()
assert [layer.count_params() for layer in small.layers] == [56, 57, 0, 2402]
assert small.layers[2].output_shape == (1200,) and small.count_params() == 2515

# %% [markdown]
# **A bigger one.** A Dense(16) on the image acts on every pixel's 3 channels:
# $3 \cdot 16 + 16 = 64$ parameters, output $(20, 20, 16)$. Then valid convolutions of
# growing size: Conv2D(32, 3 × 3): $9 \cdot 16 \cdot 32 + 32 = 4640$, output
# $(18, 18, 32)$; Conv2D(64, 5 × 5): $25 \cdot 32 \cdot 64 + 64 = 51{,}264$, output
# $(14, 14, 64)$; Conv2D(128, 7 × 7): $49 \cdot 64 \cdot 128 + 128 = 401{,}536$, output
# $(8, 8, 128)$; Flatten: $8 \cdot 8 \cdot 128 = 8192$; Dense(2): $16{,}386$.
# Total 473,890.

# %%
def big_model(padding, pool=False):
    layers = [Dense(16, input_shape=(20, 20, 3)), Conv2D(32, 3, padding=padding)]
    if pool:
        layers.append(MaxPooling2D(2, 2))
    layers.append(Conv2D(64, 5, padding=padding))
    if not pool:
        layers.append(Conv2D(128, 7, padding=padding))
    return nnedu.Sequential(layers + [Flatten(), Dense(2)], name=f"{padding}{'_pool' * pool}")


valid = big_model("valid")
valid.summary()
assert [layer.count_params() for layer in valid.layers] == [64, 4640, 51264, 401536, 0, 16386]
assert [layer.output_shape for layer in valid.layers] == [
    (20, 20, 16), (18, 18, 32), (14, 14, 64), (8, 8, 128), (8192,), (2,)]
assert valid.count_params() == 473_890

# %% [markdown]
# **The same with same padding.** The convolutions have the same parameters (the kernel
# does not depend on the image size), but every feature map stays $20 \times 20$, so
# Flatten gives $20 \cdot 20 \cdot 128 = 51{,}200$ numbers and Dense(2) needs 102,402:
# total 559,906.

# %%
same = big_model("same")
same.summary()
assert [layer.count_params() for layer in same.layers] == [64, 4640, 51264, 401536, 0, 102402]
assert all(layer.output_shape[:2] == (20, 20) for layer in same.layers[:4])
assert same.count_params() == 559_906

# %% [markdown]
# **With pooling.** A MaxPooling2D(2, 2) after the first convolution and only two
# convolutions (3 × 3, then 5 × 5, same padding): the second convolution works on
# $10 \times 10$ maps, Flatten gives $10 \cdot 10 \cdot 64 = 6400$ numbers, Dense(2) has
# 12,802, and the total falls to 68,770.

# %%
pooled = big_model("same", pool=True)
pooled.summary()
assert [layer.count_params() for layer in pooled.layers] == [64, 4640, 0, 51264, 0, 12802]
assert pooled.layers[4].output_shape == (6400,) and pooled.count_params() == 68_770

# %% [markdown]
# The lesson of the four tables: convolutions are cheap, and the parameters pile up
# where a big feature map meets a dense layer. Pooling (or strided convolutions) shrinks
# the maps before that happens.
#
# ## 7. im2col: convolution as one matrix product
#
# The loop version of a convolution is the formula, line by line: for every image,
# every output position and every filter, multiply the window with the filter and sum,
#
# $$ y[n, i, j, f] = \sum_{a, b, c} x_{\text{pad}}[n,\, i s + a,\, j s + b,\, c]\;
#    K[a, b, c, f] + \text{bias}[f] . $$

# %%
nnedu.show_source(conv.conv2d_forward_naive)

# %% [markdown]
# Python loops are slow. **im2col** ("image to columns") rearranges the work: copy every
# $k_h \times k_w \times C$ window into one column of a matrix (one column per output
# position of every image: $k_h k_w C$ rows and $N H_o W_o$ columns), reshape the kernel
# into a $(k_h k_w C) \times F$ matrix $K$, and the whole convolution is **one matrix
# product** $\text{cols}^\top K$, which NumPy hands to an optimized BLAS routine. The
# price is memory: each pixel is copied into up to $k_h k_w$ columns. nnedu's im2col
# takes the padded images channels-first, $(C, N, H, W)$, so that each of its $k_h k_w$
# slice copies moves whole image rows at once (the exercises use the transposed
# layout, one row per window, which reads more directly):

# %%
nnedu.show_source(conv.im2col)

# %%
nnedu.show_source(conv.conv2d_forward)

# %% [markdown]
# On a tiny input, here is the im2col matrix: a $3 \times 3$ image and $2 \times 2$
# windows give 4 columns (output positions) of 4 numbers (window entries): the first
# column is the top-left window 1, 2, 4, 5.

# %%
tiny = np.arange(1.0, 10.0).reshape(1, 3, 3, 1)                 # (N, H, W, C)
cols = conv.im2col(tiny.transpose(3, 0, 1, 2), 2, 2)            # channels-first input
print(cols)
assert np.array_equal(cols.T, [[1, 2, 4, 5], [2, 3, 5, 6], [4, 5, 7, 8], [5, 6, 8, 9]])
kernel_tiny = np.array([[1.0, 10.0], [100.0, 1000.0]]).reshape(2, 2, 1, 1)
assert np.array_equal((cols.T @ kernel_tiny.reshape(4, 1)).reshape(1, 2, 2, 1),
                      conv.conv2d_forward(tiny, kernel_tiny)[0])          # one product

# %% [markdown]
# Both versions on the same input (8 digits, 8 filters of 3 × 3, same padding): equal
# results, very different times.

# %%
x_bench = x_test[:8].astype(np.float64)
k_bench = np.random.default_rng(1).normal(size=(3, 3, 1, 8))
b_bench = np.zeros(8)
start = time.perf_counter()
y_naive, _ = conv.conv2d_forward_naive(x_bench, k_bench, b_bench, padding="same")
t_naive = time.perf_counter() - start
t_fast = np.inf
for _ in range(5):                                 # the best of 5 runs
    start = time.perf_counter()
    y_fast, _ = conv.conv2d_forward(x_bench, k_bench, b_bench, padding="same")
    t_fast = min(t_fast, time.perf_counter() - start)
print(f"loops:  {t_naive * 1000:8.1f} ms")
print(f"im2col: {t_fast * 1000:8.2f} ms   ({t_naive / t_fast:.0f} times faster)")
assert np.allclose(y_naive, y_fast, atol=1e-12)
assert t_naive > 10 * t_fast

# %% [markdown]
# The backward pass follows the same idea: with the window matrix cols and the output
# gradient $dY$ as an $(N H_o W_o) \times F$ matrix, $dK = \text{cols}\, dY$, and the
# gradient of the windows $K\, dY^\top$ is added back onto the pixels they were copied
# from ("col2im"). The loop twin `conv2d_backward_naive` reads the cache of
# `conv2d_forward_naive`, `conv2d_backward` that of `conv2d_forward`; both give the same
# three gradients:

# %%
dy_bench = np.random.default_rng(2).normal(size=y_fast.shape)
grads_naive = conv.conv2d_backward_naive(dy_bench, conv.conv2d_forward_naive(
    x_bench, k_bench, b_bench, padding="same")[1])
grads_fast = conv.conv2d_backward(dy_bench, conv.conv2d_forward(
    x_bench, k_bench, b_bench, padding="same")[1])
for name, g_naive, g_fast in zip(("dx", "dkernel", "dbias"), grads_naive, grads_fast):
    print(f"{name:8s} shape {str(g_fast.shape):16s} largest difference "
          f"{np.abs(g_naive - g_fast).max():.1e}")
    assert np.allclose(g_naive, g_fast, atol=1e-10)

# %% [markdown]
# You write the loop version in the exercises and check it numerically.
#
# ## 8. A CNN for handwritten digits
#
# The network: two blocks of a 3 × 3 convolution with ReLU and 2 × 2 max pooling (16, then
# 32 filters), then Dense(64) and a 10-way softmax. Float32 halves the work of every
# matrix product, and the convolution code keeps float32 inputs as they are. A Conv2D
# layer's forward pass is the im2col convolution of section 7 and its activation:

# %%
nnedu.config.set_floatx("float32")


def build_cnn():
    """The CNN of scripts/train_cnn.py: (N, 28, 28, 1) -> (N, 10) probabilities."""
    model = nnedu.Sequential([
        Conv2D(16, 3, activation="relu", input_shape=(28, 28, 1), seed=0),
        MaxPooling2D(2),
        Conv2D(32, 3, activation="relu", seed=1),
        MaxPooling2D(2),
        Flatten(),
        Dense(64, activation="relu", seed=2),
        Dense(10, activation="softmax", seed=3),
    ], name="mnist_cnn")
    model.compile(optimizer=nnedu.optimizers.Adam(learning_rate=1e-3),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


nnedu.show_source(Conv2D.forward)

# %%
cnn = build_cnn()
cnn.summary()
assert cnn.count_params() == 56_714
assert [layer.count_params() for layer in cnn.layers] == [160, 0, 4640, 0, 0, 51264, 650]
assert cnn.layers[4].output_shape == (800,)

# %% [markdown]
# Of the 56,714 parameters, 51,264 sit in the first dense layer ($5 \cdot 5 \cdot 32 = 800$
# inputs, 64 units); the two convolutions have 160 and 4,640. Two epochs over the 4,000
# training images, live:

# %%
start = time.perf_counter()
live = cnn.fit(x_train, y_train, batch_size=32, epochs=2, verbose=0, seed=0)
live_seconds = time.perf_counter() - start
live_loss, live_accuracy = cnn.evaluate(x_test, y_test)
print(f"2 epochs in {live_seconds:.1f} s: test accuracy {live_accuracy:.3f}")
assert live_accuracy > 0.9

# %% [markdown]
# Two epochs already give over 90 % on the 1,000 test digits. The full training, 10
# epochs, is kept in the repository as a script:
#
# ```
# python scripts/train_cnn.py
# ```
#
# It trains this same network (its `build_cnn` is the one above) and saves the weights,
# 56,714 float32 numbers, with `model.save_weights` into
# `nnedu/_data/mnist_cnn.weights.npz`, which ships with nnedu; `mnist_cnn.json` next to
# it records how long the training took and what it reached. We load the weights into a
# fresh network with `load_weights` and measure again.

# %%
trained = build_cnn()
trained.load_weights(CNN_WEIGHTS)
weights = trained.get_weights()
recorded = json.loads(CNN_RECORD.read_text(encoding="utf-8"))
test_loss, test_accuracy = trained.evaluate(x_test, y_test)
print(f"scripts/train_cnn.py: {recorded['epochs']} epochs in {recorded['train_seconds']:.0f} s "
      f"(when the file was made), test accuracy {recorded['test_accuracy']:.4f}")
print(f"loaded here: test accuracy {test_accuracy:.4f}")
assert [w.shape for w in weights] == [w.shape for w in cnn.get_weights()]
assert all(w.dtype == np.float32 for w in weights) and sum(w.size for w in weights) == 56_714
assert recorded["epochs"] == 10 and recorded["train_seconds"] < 60
assert test_accuracy >= 0.95 and abs(test_accuracy - recorded["test_accuracy"]) < 0.005

# %% [markdown]
# Ten epochs took less than a minute on the CPU when the file was made, and reach more
# than 95 % on digits the network has never seen.
#
# ### What did it learn?
#
# The 16 filters of the first layer, each 3 × 3 (red positive, blue negative). Several
# are edge detectors: positive on one side, negative on the other, at different angles.

# %%
filters = trained.get_weights()[0][:, :, 0, :]                      # (3, 3, 16)
fig, axes = style.new_figure(2, 8, figsize=(10.0, 3.0))
for k, ax in enumerate(axes.ravel()):
    limit = np.abs(filters[:, :, k]).max()
    ax.imshow(filters[:, :, k], cmap="RdBu_r", vmin=-limit, vmax=limit)
    ax.set_title(f"filter {k}", fontsize=10)
    ax.set_axis_off()
fig.suptitle("The 16 learned 3 × 3 filters of the first convolution", fontsize=12)
fig

# %% [markdown]
# Their feature maps for one test digit: each map shows where its filter found its
# pattern (26 × 26 pixels: a valid 3 × 3 convolution of 28 × 28).

# %%
one = x_test[:1]
feature_maps = trained.layers[0](one)                               # (1, 26, 26, 16)
assert feature_maps.shape == (1, 26, 26, 16) and feature_maps.min() >= 0   # after ReLU
fig, axes = style.new_figure(2, 9, figsize=(10.0, 2.8))
axes[0, 0].imshow(one[0, :, :, 0], cmap="gray_r")
axes[0, 0].set_title(f"digit {y_test[0]}", fontsize=10)
maps_axes = [ax for row in axes for ax in row[1:]]
for k, ax in enumerate(maps_axes):
    ax.imshow(feature_maps[0, :, :, k], cmap="magma")
    ax.set_title(f"map {k}", fontsize=10)
for ax in axes.ravel():
    ax.set_axis_off()
fig.suptitle("A test digit and its 16 feature maps after the first convolution and ReLU",
             fontsize=12)
fig

# %% [markdown]
# The CNN explorer goes one step further: move the slider to run any test digit through
# the trained network and see the first feature maps of every convolution and pooling
# layer (the pooled maps are half the size of the ones before them) and the ten
# predicted probabilities.

# %%
cnn_view = viz.cnn_explorer(trained, x_test, y_test, index=0)
cnn_view

# %% [markdown]
# ### Where does it go wrong?
#
# The **confusion matrix** counts, for every true digit (row), how often each digit
# was predicted (column); the diagonal holds the correct answers.

# %%
predicted = np.argmax(trained.predict(x_test), axis=1)
confusion = np.zeros((10, 10), dtype=int)
np.add.at(confusion, (y_test, predicted), 1)
wrong = np.flatnonzero(predicted != y_test)
off_diagonal = confusion - np.diag(np.diag(confusion))
worst = np.unravel_index(np.argmax(off_diagonal), confusion.shape)
print(f"{len(wrong)} of {len(y_test)} test digits wrong; the most frequent confusion: "
      f"{worst[0]} taken for {worst[1]} ({off_diagonal[worst]} times)")
assert confusion.sum() == 1000 and np.trace(confusion) == np.sum(predicted == y_test)
assert np.isclose(np.trace(confusion) / 1000, test_accuracy) and len(wrong) <= 50

fig, ax = style.new_figure(figsize=(5.5, 4.6))
shown = ax.imshow(confusion, cmap="Blues")
for i in range(10):
    for j in range(10):
        if confusion[i, j]:
            ax.text(j, i, confusion[i, j], ha="center", va="center", fontsize=9,
                    color="white" if confusion[i, j] > 50 else "black")
ax.set_xticks(range(10))
ax.set_yticks(range(10))
style.apply(ax, title="Confusion matrix, 1,000 test digits", xlabel="predicted digit",
            ylabel="true digit", grid=False)
fig.colorbar(shown, ax=ax, label="number of test digits")
fig

# %% [markdown]
# And the misclassified digits themselves, with the true label and the prediction. Many
# are hard for people too.

# %%
shown_wrong = wrong[:16]
fig, axes = style.new_figure(2, 8, figsize=(10.0, 3.2))
for ax, i in zip(axes.ravel(), shown_wrong):
    ax.imshow(x_test[i, :, :, 0], cmap="gray_r")
    ax.set_title(f"true {y_test[i]}, said {predicted[i]}", fontsize=10)
for ax in axes.ravel():
    ax.set_axis_off()
fig.suptitle(f"{len(shown_wrong)} of the {len(wrong)} misclassified test digits", fontsize=12)
fig

# %%
nnedu.config.set_floatx("float64")                                  # back to the default

# %% [markdown]
# ## 9. Famous architectures
#
# - **LeNet** (LeCun et al., 1998) read digits on bank cheques: two convolution + pooling
#   blocks and a few dense layers, the pattern of our network. LeNet-5 on 32 × 32 images
#   has about 62,000 weights (the cell below counts them).
# - **VGG** (2014) showed that depth with the simplest parts works: stacks of 3 × 3
#   convolutions and 2 × 2 pooling (VGG-16, VGG-19). Two 3 × 3 layers see a 5 × 5 patch
#   with 18 instead of 25 weights per channel pair, and add a second nonlinearity.
# - **GoogLeNet / Inception** (2014) runs 1 × 1, 3 × 3 and 5 × 5 convolutions (and pooling)
#   **in parallel** in every block and concatenates their maps, so the network chooses the
#   scale; 1 × 1 convolutions first shrink the number of channels to keep it cheap.
# - **ResNet** (2015) adds **skip connections**: a block computes $x + F(x)$, so the
#   gradient has a direct path backwards. That defeats the vanishing gradients that made
#   very deep plain networks train worse than shallow ones, and allowed networks many
#   times deeper.

# %%
lenet = nnedu.Sequential([
    Conv2D(6, 5, activation="tanh", input_shape=(32, 32, 1)), AveragePooling2D(2),
    Conv2D(16, 5, activation="tanh"), AveragePooling2D(2),
    Flatten(), Dense(120, activation="tanh"), Dense(84, activation="tanh"), Dense(10),
], name="lenet5")
lenet.summary()
assert lenet.count_params() == 61_706
assert 2 * 3 * 3 == 18 < 5 * 5 == 25          # two 3x3 layers vs one 5x5, per channel pair

# %% [markdown]
#
# ## 10. Training tips
#
# Small 3 × 3 filters; blocks of conv-conv-pool, doubling the number of filters when
# pooling halves the size; ReLU; Adam or RMSprop with a learning rate between 1e-3 and
# 1e-2; batch normalization after the convolutions (chapter 09) for faster, more stable
# training; data augmentation against overfitting.
#
# ## 11. Explore: the convolution explorer
#
# Pick an image and a kernel (edges, blur, sharpen, or type your own nine numbers), the
# stride and the padding. The explorer shows the output feature map, the output-size
# arithmetic, and lets you step the window across the image. Try:
#
# - padding 1, stride 1 on the 8 × 8 image: the output stays 8 × 8 (same padding);
# - padding 0: 6 × 6 (valid); stride 2: floor((8 + 2 - 3)/2) + 1 = 4;
# - the edge kernel on the square: it responds only at the borders.

# %%
explorer = viz.conv_explorer(image="digit 3", kernel="edge", stride=1, padding=1)
explorer

# %% [markdown]
# ## Check your understanding
#
# 1. A Conv2D(64, 3 × 3) layer gets an input of shape (32, 32, 16). How many parameters
#    does it have, and does the number change for (64, 64, 16) inputs?
#
# <details><summary>Answer</summary>
#
# $3 \cdot 3 \cdot 16 \cdot 64 + 64 = 9{,}280$, for both: the kernel slides over the image,
# so its size does not depend on the image size. Only the output maps get larger.
# </details>
#
# 2. What is the output size of a 5 × 5 convolution with stride 2 and padding 2 on a
#    31 × 31 image?
#
# <details><summary>Answer</summary>
#
# $\lfloor (31 + 4 - 5)/2 \rfloor + 1 = 15 + 1 = 16$.
# </details>
#
# 3. You compare your CNN library's output with `scipy.signal.convolve2d` and get
#    different numbers. Why?
#
# <details><summary>Answer</summary>
#
# CNN libraries compute cross-correlation (no kernel flip); `convolve2d` computes true
# convolution, which flips the kernel. Flip the kernel in both axes (`k[::-1, ::-1]`)
# and the results agree.
# </details>

# %%
assert 3 * 3 * 16 * 64 + 64 == 9280 and output_size(31, 5, 2, 2) == 16

# %% [markdown]
# ## Summary
#
# - Dense layers on images have too many weights; convolutions use local patches and
#   share one small filter over the whole image (translation equivariance); pooling adds
#   some invariance.
# - CNN "convolution" is cross-correlation: on [[1, 2], [3, 4]] the kernel [[a, b], [c, d]]
#   gives a + 2b + 3c + 4d; true convolution flips the kernel, 4a + 3b + 2c + d.
# - Output size $\lfloor (n + 2p - f)/s \rfloor + 1$: valid $n - f + 1$, same keeps $n$,
#   stride 2 halves.
# - A kernel $(k_h, k_w, C, F)$ has $k_h k_w C F + F$ parameters; F filters make F feature
#   maps. Pooling has none. The counts of section 6 (2,515; 473,890; 559,906; 68,770)
#   show where parameters pile up: at the dense layer after a big feature map.
# - im2col turns a convolution into one matrix product: the same numbers as the loops,
#   many times faster.
# - A two-block CNN trained 10 epochs on 4,000 digits reaches over 95 % test accuracy;
#   its first-layer filters are edge detectors.
#
# ## What's next
#
# **11 · From scratch to frameworks (and the GPU)** writes the same networks in Keras and
# PyTorch, shows that the parameter counts and results agree with nnedu, and runs them
# on a GPU.
