# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 04 · Loss functions, softmax and cross-entropy
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/nnedu-course/nnedu/blob/main/notebooks/04_losses.ipynb) [![Open In Kaggle](https://kaggle.com/static/images/open-in-kaggle.svg)](https://kaggle.com/kernels/welcome?src=https://github.com/nnedu-course/nnedu/blob/main/notebooks/04_losses.ipynb)
#
# A network computes an output (chapter 03). To improve it we first need a single number
# that says *how wrong* that output is: the **loss**. Training is nothing but changing the
# weights to make the loss smaller, and the loss's gradient says which way to change them.
# This chapter builds the losses used in practice, for numbers (regression) and for
# classes (classification), and derives the gradient that every classifier in this course
# relies on.
#
# **After this lesson you can**
#
# - compute the mean squared error and the mean absolute error, their gradients, and say
#   which one an outlier pulls harder;
# - encode class labels one-hot, turn logits into probabilities with a numerically
#   stable softmax, and say why adding a constant to all logits changes nothing;
# - compute cross-entropy, binary cross-entropy (also straight from the logits) and the
#   hinge loss;
# - derive $\partial L / \partial z_j = p_j - y_j$ for softmax followed by cross-entropy,
#   and check it numerically;
# - explain why classifiers use cross-entropy rather than squared error on
#   probabilities;
# - tell sparse (integer) labels from categorical (one-hot) labels.

# %% tags=["setup", "nbval-skip"]
# Setup: on Colab or Kaggle this installs nnedu; on your own machine it does nothing.
try:
    import nnedu
except ImportError:
    # %pip install -q "nnedu @ git+https://github.com/nnedu-course/nnedu"
    import nnedu

# %%
# %matplotlib inline
import numpy as np

import nnedu
from nnedu import losses, viz
from nnedu.activations import sigmoid, softmax
from nnedu.data import one_hot
from nnedu.gradcheck import numerical_gradient, rel_error
from nnedu.viz import style

# %% [markdown]
# ## 1. What a loss is
#
# A loss compares the network's prediction $\hat y$ with the true target $y$ and returns
# a number that is 0 for a perfect prediction and grows as the prediction gets worse.
# For a batch of examples we take the **mean** over the batch, so the number does not
# depend on how many examples happen to be in the batch. That is what Keras does, and
# what every loss in `nnedu.losses` does. Two families:
#
# - **regression**: the target is a number (a price, a temperature): squared or absolute
#   error;
# - **classification**: the target is a class (cat, dog, lizard): cross-entropy, hinge.
#
# ## 2. Regression: MSE and MAE
#
# For $n$ predictions $\hat y_i$ with targets $y_i$:
#
# $$ \mathrm{MSE} = \frac{1}{n} \sum_{i=1}^{n} (\hat y_i - y_i)^2, \qquad
#    \mathrm{MAE} = \frac{1}{n} \sum_{i=1}^{n} |\hat y_i - y_i| . $$
#
# Both are **means**. Some lecture notes write the MSE without the $\frac1n$ (a plain sum
# of squared errors), sometimes with a $\frac12$ in front. That is a different loss: it
# grows with the batch size, so a learning rate tuned for small batches is too large for
# big ones. Here is the library's MSE, and a worked example:

# %%
nnedu.show_source(losses.MeanSquaredError)

# %%
y_true = np.array([3.0, -0.5, 2.0, 7.0])
y_pred = np.array([2.5, 0.0, 2.0, 8.0])
errors = y_pred - y_true
mse_value = losses.mse(y_true, y_pred)
mae_value = losses.mae(y_true, y_pred)
print("errors:", errors)
print(f"MSE = mean of squares   = {np.sum(errors ** 2)} / 4 = {mse_value}")
print(f"MAE = mean of |errors|  = {np.sum(np.abs(errors))} / 4 = {mae_value}")
assert np.array_equal(errors ** 2, [0.25, 0.25, 0.0, 1.0])
assert np.sum(errors ** 2) == 1.5 and np.sum(np.abs(errors)) == 2.0
assert mse_value == np.mean(errors ** 2) == 0.375
assert mae_value == np.mean(np.abs(errors)) == 0.5

# %% [markdown]
# The squared errors are 0.25, 0.25, 0 and 1, so the MSE is 1.5 / 4 = 0.375; the MAE is
# 2 / 4 = 0.5. What dropping the mean does: stack the same four examples twice into a
# batch of eight. The prediction quality is the same, and so is the MSE; the sum doubles.

# %%
doubled_true, doubled_pred = np.tile(y_true, 2), np.tile(y_pred, 2)
sum_4 = np.sum(errors ** 2)
sum_8 = np.sum((doubled_pred - doubled_true) ** 2)
print(f"sum of squared errors: batch of 4 -> {sum_4}, batch of 8 -> {sum_8}")
print(f"mean squared error:    batch of 4 -> {losses.mse(y_true, y_pred)}, "
      f"batch of 8 -> {losses.mse(doubled_true, doubled_pred)}")
assert sum_8 == 2 * sum_4 == 3.0
assert losses.mse(doubled_true, doubled_pred) == mse_value

# %% [markdown]
# ### Their gradients
#
# Differentiate each term: $\partial (\hat y_i - y_i)^2 / \partial \hat y_i =
# 2(\hat y_i - y_i)$ and $\partial |\hat y_i - y_i| / \partial \hat y_i =
# \operatorname{sign}(\hat y_i - y_i)$, then keep the $\frac1n$:
#
# $$ \frac{\partial\, \mathrm{MSE}}{\partial \hat y_i} = \frac{2}{n}(\hat y_i - y_i), \qquad
#    \frac{\partial\, \mathrm{MAE}}{\partial \hat y_i} = \frac{1}{n}
#    \operatorname{sign}(\hat y_i - y_i). $$
#
# The MSE gradient is proportional to the error: a big mistake pushes hard. The MAE
# gradient has the same size, $\frac1n$, for every mistake, large or small. (At an error
# of exactly 0, $|\cdot|$ has a kink; the library uses 0 there.) The cell compares both
# formulas with numerical derivatives, the centred differences
# $\big(L(\hat y + \varepsilon) - L(\hat y - \varepsilon)\big) / 2\varepsilon$ of chapter
# 02 (chapter 06 turns them into a routine check, "gradient checking"):

# %%
for loss in (losses.mse, losses.mae):
    analytic = loss.gradient(y_true, y_pred)
    numeric = numerical_gradient(lambda p, loss=loss: loss(y_true, p), y_pred.copy())
    print(f"{loss.name}: analytic {analytic}, numeric {numeric.round(6)}")
    assert rel_error(analytic[errors != 0], numeric[errors != 0]) < 1e-7
assert np.allclose(losses.mse.gradient(y_true, y_pred), 2 * errors / 4)
assert np.allclose(losses.mae.gradient(y_true, y_pred), np.sign(errors) / 4)

# %% [markdown]
# (The check skips the third entry, where the error is exactly 0: the MAE's kink. No
# derivative exists there; the numerical one gives 0, halfway between the slopes on
# either side.)
#
# ### Outliers
#
# Suppose a model may predict only one number $c$ for every example, and the targets are
# five measurements, one of them a typing error: 1, 2, 3, 4 and 100. The cell tries
# every $c$ on a fine grid and keeps the best one for each loss.

# %%
targets = np.array([1.0, 2.0, 3.0, 4.0, 100.0])
grid = np.linspace(0, 40, 4001)                       # candidate constants, step 0.01
mse_of_c = np.array([losses.mse(targets, np.full(5, c)) for c in grid])
mae_of_c = np.array([losses.mae(targets, np.full(5, c)) for c in grid])
best_mse, best_mae = grid[np.argmin(mse_of_c)], grid[np.argmin(mae_of_c)]
print(f"best constant under MSE: {best_mse:.2f}  (the mean is   {np.mean(targets):.2f})")
print(f"best constant under MAE: {best_mae:.2f}  (the median is {np.median(targets):.2f})")
assert np.isclose(best_mse, np.mean(targets)) and np.isclose(best_mse, 22.0)
assert np.isclose(best_mae, np.median(targets)) and np.isclose(best_mae, 3.0)

# %% [markdown]
# Under MSE the best constant is the **mean**, 22: one bad value drags the answer far from
# the four good ones. Under MAE it is the **median**, 3, which ignores how far away the
# outlier is. The reason is in the gradients: the outlier's pull under MSE grows with its
# error, under MAE it is capped. Choose MAE (or a mix such as the Huber loss) when the
# targets may contain wild values; MSE when large errors really are much worse than small
# ones.

# %%
fig, (ax_loss, ax_grad) = style.new_figure(1, 2, figsize=(7.6, 3.6))
ax_loss.plot(grid, mse_of_c / mse_of_c.max(), color=style.BLUE, label="MSE (scaled to max 1)")
ax_loss.plot(grid, mae_of_c / mae_of_c.max(), color=style.ORANGE, label="MAE (scaled to max 1)")
ax_loss.axvline(best_mse, color=style.BLUE, ls="--", lw=1)
ax_loss.axvline(best_mae, color=style.ORANGE, ls="--", lw=1)
style.apply(ax_loss, title="Best constant: mean or median",
            xlabel="constant prediction c", ylabel="loss / its maximum")
ax_loss.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22))   # under the axes
error_range = np.linspace(-5, 5, 201)
ax_grad.plot(error_range, 2 * error_range, color=style.BLUE, label="MSE: 2 (ŷ - y)")
ax_grad.plot(error_range, np.sign(error_range), color=style.ORANGE, label="MAE: sign(ŷ - y)")
style.apply(ax_grad, title="Pull of one example",
            xlabel="error ŷ - y", ylabel="d(loss of one example)/dŷ")
ax_grad.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22))
fig

# %% [markdown]
# ## 3. Classification: one-hot labels
#
# A classifier chooses among $K$ classes. Its labels are class numbers, but "dog = 1,
# lizard = 2" must not suggest that a lizard is twice a dog. So a label becomes a vector
# of $K$ entries with a single 1 at the class's position: its **one-hot** encoding.

# %%
class_names = ["cat", "dog", "lizard"]
labels = np.array([0, 1, 2, 1])                  # four animals, as class numbers
Y = one_hot(labels, num_classes=3)               # (4, 3)
print(f"{'animal':8} {'label':>5}   " + "  ".join(f"{name:>6}" for name in class_names))
for label, row in zip(labels, Y):
    print(f"{class_names[label]:8} {label:>5}   " + "  ".join(f"{v:>6.0f}" for v in row))
assert Y.shape == (4, 3) and np.all(Y.sum(axis=1) == 1) and np.all(Y.argmax(axis=1) == labels)

# %% [markdown]
# Each row sums to 1 and has its 1 in the column of the label. This is a
# **multi-class** problem: each example belongs to exactly ONE of the $K$ classes. A
# **multi-label** problem is a different thing: an image may show a cat *and* a dog, so
# its target may hold several 1s, and each class gets its own yes/no output (a sigmoid
# per class with binary cross-entropy, section 6), not a softmax over classes.
#
# ## 4. Logits and softmax
#
# The last dense layer of a classifier outputs $K$ unbounded scores $z_1, \dots, z_K$,
# called **logits**: larger means "more likely this class". **Softmax** turns them into
# probabilities, positive and summing to 1:
#
# $$ p_j = \frac{e^{z_j}}{\sum_{k=1}^{K} e^{z_k}} . $$
#
# The exponential makes every entry positive and keeps the order of the logits; the
# division makes them sum to 1.

# %%
z = np.array([2.0, 1.0, 0.1])
p = softmax(z)
print("logits z =", z, " ->  p =", p.round(4), " sum =", p.sum())
assert np.isclose(p.sum(), 1.0) and np.all(np.argsort(p) == np.argsort(z))
assert np.allclose(p, [0.6590, 0.2424, 0.0986], atol=5e-5)

# %% [markdown]
# **Shift invariance.** Add the same constant $c$ to every logit:
#
# $$ \frac{e^{z_j + c}}{\sum_k e^{z_k + c}} = \frac{e^{c}\, e^{z_j}}{e^{c} \sum_k e^{z_k}}
#    = \frac{e^{z_j}}{\sum_k e^{z_k}} . $$
#
# The factor $e^c$ cancels: only the *differences* between logits matter.

# %%
for c in (-100.0, 5.0, 300.0):
    print(f"c = {c:+7.1f}: softmax(z + c) = {softmax(z + c).round(4)}")
    assert np.allclose(softmax(z + c), p)

# %% [markdown]
# **The stable form.** The formula as written overflows: $e^{1000}$ is larger than the
# largest float64 (about $1.8 \cdot 10^{308} \approx e^{709.8}$, printed below), so a
# direct computation gives $\infty / \infty$ = nan. Shift invariance gives the cure for
# free: subtract the largest logit first, $p = \mathrm{softmax}(z - \max_k z_k)$. Then the
# largest exponent is $e^0 = 1$, nothing overflows, and at least one term of the sum is
# 1, so we never divide by 0. That is exactly what the library does:

# %%
nnedu.show_source(softmax)

# %%
big = np.array([1000.0, 999.0, 998.1])
with np.errstate(over="ignore", invalid="ignore"):   # silence the warnings of the naive form
    naive = np.exp(big) / np.sum(np.exp(big))
print("naive :", naive)
print("stable:", softmax(big).round(4), " (the same as for z =", z, ")")
assert np.all(np.isnan(naive))
assert np.allclose(softmax(big), p)
largest = np.finfo(np.float64).max
print(f"largest float64: {largest:.4g} = e^{np.log(largest):.1f}: e^z overflows above that")
assert np.log(largest) < 1000

# %% [markdown]
# ## 5. Cross-entropy
#
# Softmax gives a probability $p_k$ to each class; the one-hot label $y$ says which class
# is right. The **cross-entropy** loss is
#
# $$ L = -\sum_{k=1}^{K} y_k \log p_k = -\log p_{\text{true}} , $$
#
# since only the true class has $y_k = 1$. It is 0 when the network gives the true class
# probability 1, and grows without bound as that probability goes to 0. (Logarithms are
# natural logarithms.) For a batch, the loss is again the mean over the examples.

# %%
ce_class_0 = -np.log(p[0])
print(f"p = {p.round(4)}, true class 0: L = -log {p[0]:.4f} = {ce_class_0:.4f}")
for true_class in range(3):
    loss_k = losses.categorical_crossentropy(one_hot([true_class], 3), p[None, :])
    print(f"  true class {true_class}: cross-entropy = {loss_k:.4f}")
    assert np.isclose(loss_k, -np.log(p[true_class]))
assert np.isclose(ce_class_0, 0.4170, atol=5e-5)

# %% [markdown]
# When the true class got the highest probability (class 0) the loss is small, 0.417;
# when it got the lowest (class 2) it is much larger. In practice one computes the loss
# directly from the logits, $\log p_j = z_j - \log \sum_k e^{z_k}$, with the same
# max-subtraction inside the log-sum-exp. That never takes the log of an underflowed 0,
# and it returns the gradient as well:

# %%
nnedu.show_source(losses.softmax_cross_entropy)

# %% [markdown]
# ### Binary cross-entropy
#
# With two classes one output suffices: $p = \sigma(z)$, the probability of class 1
# (a sigmoid output, chapter 02). With labels $y \in \{0, 1\}$:
#
# $$ L = -\big[\, y \log p + (1 - y) \log (1 - p) \,\big] , $$
#
# which is the cross-entropy above for the two classes "1" (probability $p$) and "0"
# (probability $1 - p$). The same sigmoid-plus-BCE per class is what a multi-label
# problem uses.

# %%
y_bin = np.array([1.0, 0.0, 1.0, 0.0])
p_bin = np.array([0.9, 0.2, 0.3, 0.6])
bce = losses.binary_crossentropy(y_bin, p_bin)
by_hand = -np.mean(y_bin * np.log(p_bin) + (1 - y_bin) * np.log(1 - p_bin))
two_class = np.stack([1 - p_bin, p_bin], axis=1)          # (4, 2): P(class 0), P(class 1)
as_categorical = losses.categorical_crossentropy(one_hot(y_bin.astype(int), 2), two_class)
print(f"binary cross-entropy = {bce:.4f}, by hand {by_hand:.4f}, "
      f"as 2-class cross-entropy {as_categorical:.4f}")
assert np.isclose(bce, by_hand) and np.isclose(bce, as_categorical)

# %% [markdown]
# **From the logits.** As with softmax, computing $p = \sigma(z)$ first and then
# $\log p$ breaks for large logits: $\sigma(40)$ rounds to exactly 1 in float64, so
# $\log(1 - p) = \log 0 = -\infty$ for a label 0. Written in the logit $z$ the loss
# simplifies, because $\log \sigma(z) = -\log(1 + e^{-z})$ and
# $\log(1 - \sigma(z)) = -z - \log(1 + e^{-z})$:
#
# $$ L = \max(z, 0) - z\,y + \log\bigl(1 + e^{-|z|}\bigr), \qquad
#    \frac{\partial L}{\partial z} = \sigma(z) - y , $$
#
# where $e^{-|z|} \le 1$ never overflows. That is `losses.sigmoid_cross_entropy`
# (Keras: `BinaryCrossentropy(from_logits=True)`), and its gradient is the binary twin of
# the $p - y$ of section 6. The cell compares both routes, on ordinary logits and on
# $z = \pm 40$:

# %%
z_bin = np.array([2.2, -1.4, -0.85, 0.4])               # sigmoid(z_bin) is near p_bin
loss_logits, dz_bin = losses.sigmoid_cross_entropy(z_bin, y_bin)
via_p = -np.mean(y_bin * np.log(sigmoid(z_bin)) + (1 - y_bin) * np.log(1 - sigmoid(z_bin)))
print(f"from the logits {loss_logits:.6f}, through p = sigmoid(z) {via_p:.6f}")
assert np.isclose(loss_logits, via_p) and np.allclose(dz_bin, (sigmoid(z_bin) - y_bin) / 4)

z_far, y_far = np.array([40.0, -40.0]), np.array([0.0, 1.0])   # confidently wrong, twice
with np.errstate(divide="ignore"):
    naive = -np.mean(y_far * np.log(sigmoid(z_far)) + (1 - y_far) * np.log(1 - sigmoid(z_far)))
stable, _ = losses.sigmoid_cross_entropy(z_far, y_far)
print(f"z = ±40, both wrong: through p {naive}, from the logits {stable:.6f}; "
      f"sigmoid(40) == 1.0 in float64: {float(sigmoid(40.0)) == 1.0}")
assert np.isinf(naive) and np.isclose(stable, 40.0, atol=1e-12) and float(sigmoid(40.0)) == 1.0

# %% [markdown]
# ### Hinge loss, and a pointer to triplet loss
#
# Support vector machines use labels $y \in \{-1, +1\}$, a raw score $s$ (no sigmoid)
# and the **hinge loss**
#
# $$ L = \max(0,\; 1 - y\, s) . $$
#
# It is 0 once the example is on the right side *with a margin* ($y s \ge 1$), and grows
# linearly otherwise: right but too close still costs a little, wrong costs more.

# %%
scores = np.array([2.0, 0.5, -0.3, -2.0])
labels_pm = np.array([1.0, 1.0, 1.0, -1.0])
per_example = np.maximum(0.0, 1.0 - labels_pm * scores)
print("y * s        :", labels_pm * scores)
print("max(0, 1-y s):", per_example)
print("hinge (mean) :", losses.hinge(labels_pm, scores))
assert np.allclose(per_example, [0.0, 0.5, 1.3, 0.0])
assert np.isclose(losses.hinge(labels_pm, scores), per_example.mean())

# %% [markdown]
# The first and last examples are right with margin (loss 0); the second is right but
# inside the margin; the third is wrong.
#
# Losses need not compare a prediction with a label at all. The **triplet loss**, used to
# learn embeddings for face recognition, looks at three examples at once: an anchor, a
# positive (same person) and a negative (another person), and asks that the anchor be
# closer to the positive than to the negative by a margin $\alpha$:
# $\max\big(0,\ \lVert f(a) - f(p) \rVert^2 - \lVert f(a) - f(n) \rVert^2 + \alpha\big)$.
# We only mention it here; it is not used in this course.
#
# ## 6. The gradient of softmax with cross-entropy: $p - y$
#
# Backpropagation (chapter 06) needs $\partial L / \partial z_j$, the derivative of the
# loss with respect to each logit. It turns out to be remarkably simple. Write
# $S = \sum_k e^{z_k}$, so $p_i = e^{z_i}/S$ and $\log p_i = z_i - \log S$. Then
#
# $$ L = -\sum_i y_i \log p_i = -\sum_i y_i z_i + \Big(\sum_i y_i\Big) \log S
#      = -\sum_i y_i z_i + \log S , $$
#
# because a one-hot (or any probability) vector has $\sum_i y_i = 1$. Differentiate with
# respect to $z_j$. In the first sum only the term $i = j$ depends on $z_j$; for the
# second, $\partial S / \partial z_j = e^{z_j}$:
#
# $$ \frac{\partial L}{\partial z_j} = -y_j + \frac{1}{S}\,\frac{\partial S}{\partial z_j}
#    = -y_j + \frac{e^{z_j}}{S} = p_j - y_j . $$
#
# The same result the long way, through the softmax Jacobian, shows why it is worth
# knowing. From the quotient rule, $\partial p_i / \partial z_j = p_i(\delta_{ij} - p_j)$,
# where $\delta_{ij}$ is 1 if $i = j$ and 0 otherwise. With
# $\partial L / \partial p_i = -y_i / p_i$ and the chain rule:
#
# $$ \frac{\partial L}{\partial z_j} = \sum_i \frac{\partial L}{\partial p_i}
#    \frac{\partial p_i}{\partial z_j} = \sum_i \Big(-\frac{y_i}{p_i}\Big) p_i
#    (\delta_{ij} - p_j) = -\sum_i y_i \delta_{ij} + p_j \sum_i y_i = -y_j + p_j . $$
#
# The $1/p_i$ of the logarithm cancels the $p_i$ of the softmax. What is left is the
# prediction minus the target: for the true class $p_j - 1 < 0$ (raise that logit), for
# every other class $p_j > 0$ (lower it), and the push is small when the network is
# already right. For a batch with the mean over $N$ examples, each row is divided by $N$.
#
# Now check it numerically, for a batch of 5 examples and 4 classes, against the
# library and against a centred difference of the loss:

# %%
rng = np.random.default_rng(4)
logits = rng.normal(0, 2, size=(5, 4))                       # (N, K)
true = np.array([0, 3, 1, 1, 2])
loss_value, dlogits = losses.softmax_cross_entropy(logits, true)
formula = (softmax(logits) - one_hot(true, 4)) / 5          # (p - y) / N
numeric = numerical_gradient(lambda zz: losses.softmax_cross_entropy(zz, true)[0],
                             logits.copy())
print(f"loss = {loss_value:.4f}")
print(f"rel. error (p - y)/N vs library:   {rel_error(formula, dlogits):.1e}")
print(f"rel. error (p - y)/N vs numerical: {rel_error(formula, numeric):.1e}")
assert rel_error(formula, dlogits) < 1e-12 and rel_error(formula, numeric) < 1e-7
# the long way: the softmax Jacobian times dL/dp gives the same thing
P = softmax(logits)
jacobian = P[:, :, None] * (np.eye(4)[None] - P[:, None, :])  # (N, K, K): dp_i/dz_j
dL_dp = -one_hot(true, 4) / P / 5
assert np.allclose(np.einsum("ni,nij->nj", dL_dp, jacobian), formula)

# %% [markdown]
# ## 7. Why cross-entropy and not squared error on probabilities?
#
# One could also train a classifier with the MSE between $p$ and the one-hot $y$. It
# works badly, and the gradients show why. Take one output, $p = \sigma(z)$, with true
# label $y = 1$, and let the network be **confidently wrong**: $z$ very negative, so
# $p \approx 0$.
#
# - Cross-entropy: $\partial L / \partial z = p - y \approx -1$. A full-strength push.
# - Squared error $L = (p - y)^2$: $\partial L / \partial z = 2(p - y)\,\sigma'(z) =
#   2(p - y)\,p(1 - p)$. The factor $p(1-p)$ goes to 0 with $p$: the more wrong the
#   network is, the *less* it learns. The sigmoid has saturated (chapter 02).

# %%
z_range = np.linspace(-10, 10, 401)
p_range = sigmoid(z_range)
grad_ce = p_range - 1.0                                 # d/dz of -log sigmoid(z)
grad_mse = 2 * (p_range - 1.0) * p_range * (1 - p_range)  # d/dz of (sigmoid(z) - 1)^2
at = np.argmin(np.abs(z_range + 10))                    # z = -10: confidently wrong
print(f"at z = {z_range[at]:.0f} (p = {p_range[at]:.1e}): "
      f"cross-entropy gradient {grad_ce[at]:+.4f}, squared-error gradient {grad_mse[at]:+.1e}")
assert grad_ce[at] < -0.999 and abs(grad_mse[at]) < 1e-4
numeric_ce = numerical_gradient(lambda v: -np.log(sigmoid(v[0])), np.array([-3.0]))
numeric_mse = numerical_gradient(lambda v: (sigmoid(v[0]) - 1) ** 2, np.array([-3.0]))
i3 = np.argmin(np.abs(z_range + 3))
assert np.isclose(numeric_ce[0], grad_ce[i3]) and np.isclose(numeric_mse[0], grad_mse[i3])

loss_ce = -np.log(p_range)                              # -log sigmoid(z)
loss_mse = (p_range - 1.0) ** 2                         # (sigmoid(z) - 1)^2
fig, (ax_l, ax) = style.new_figure(1, 2, figsize=(7.6, 3.8))
ax_l.plot(z_range, loss_ce, color=style.BLUE, lw=2, label="cross-entropy: -log p")
ax_l.plot(z_range, loss_mse, color=style.VERMILLION, lw=2, label="squared error: (p - 1)²")
style.apply(ax_l, title="The losses (y = 1)",
            xlabel="logit z (p = sigmoid(z))", ylabel="loss for y = 1")
ax_l.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22))   # under the axes
ax.plot(z_range, grad_ce, color=style.BLUE, lw=2, label="cross-entropy: p - y")
ax.plot(z_range, grad_mse, color=style.VERMILLION, lw=2,
        label="squared error: 2 (p - y) p (1 - p)")
ax.axhline(0, color=style.GREY, lw=0.8)
for axis in (ax_l, ax):
    axis.axvspan(-10, -4, color=style.LIGHT_GREY, alpha=0.6, lw=0)
ax.text(-7.0, -0.5, "confidently\nwrong", ha="center", fontsize=style.TEXT_SIZE)
style.apply(ax, title="Their gradients",
            xlabel="logit z (p = sigmoid(z))", ylabel="dL/dz for y = 1")
ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22))
assert loss_ce[at] > 10 and loss_mse[at] < 1.0         # at z = -10
fig

# %% [markdown]
# On the left, the losses themselves: as $z$ goes to $-\infty$, the cross-entropy
# $-\log \sigma(z)$ keeps growing (about like $-z$: it is above 10 at $z = -10$), while
# the squared error can never exceed $(0 - 1)^2 = 1$ and flattens out. On the right,
# their slopes: the cross-entropy gradient (blue) stays near $-1$ for all very negative
# $z$, so cross-entropy pushes hardest exactly when the network is most wrong. The
# squared-error gradient is near 0 there, so a network trained with squared error on
# probabilities can sit in a confidently wrong state for a long time. (The cell also
# checks both gradient formulas against numerical derivatives at $z = -3$.)
#
# ## 8. Cross-entropy is not symmetric
#
# In general, for a target distribution $y$ and a predicted distribution $p$ (the names
# of the rest of this chapter), $H(y, p) = -\sum_k y_k \log p_k$: the target weighs, the
# prediction sits inside the log. Swapping the two gives a different number, so the
# order matters: the **target comes first**.

# %%
def cross_entropy(y_target, p_predicted):
    """H(y, p) = -sum_k y_k log p_k for two probability vectors (K,)."""
    return -np.sum(y_target * np.log(p_predicted))


y_dist = np.array([0.8, 0.15, 0.05])          # the target
p_dist = np.array([0.2, 0.3, 0.5])            # the prediction
h_yp, h_py = cross_entropy(y_dist, p_dist), cross_entropy(p_dist, y_dist)
print(f"H(y, p) = {h_yp:.4f}  (target first: the right order)")
print(f"H(p, y) = {h_py:.4f}  (swapped)")
assert not np.isclose(h_yp, h_py)
assert np.isclose(h_yp, 1.503, atol=5e-4) and np.isclose(h_py, 2.112, atol=5e-4)

# %% [markdown]
# $H(y, p) \approx 1.503$ but $H(p, y) \approx 2.112$. With a one-hot target the wrong
# order would even take $\log 0$ (the zeros of $y$ would sit inside the log). In code that means: `loss(y_true, y_pred)`, labels
# first, as in Keras.
#
# ## 9. Sparse or categorical labels
#
# The same cross-entropy comes in two spellings in Keras and nnedu, which differ only in
# how the labels are given:
#
# - `categorical_crossentropy`: one-hot labels, shape $(N, K)$;
# - `sparse_categorical_crossentropy`: integer labels, shape $(N,)$. It picks $p$ at the
#   label's index directly and saves building the one-hot matrix (which matters for
#   thousands of classes).

# %%
probs = softmax(logits)                                     # (5, 4)
sparse = losses.sparse_categorical_crossentropy(true, probs)
categorical = losses.categorical_crossentropy(one_hot(true, 4), probs)
picked = -np.mean(np.log(probs[np.arange(5), true]))
print(f"sparse labels {true}            -> {sparse:.6f}")
print(f"one-hot labels (shape {one_hot(true, 4).shape})  -> {categorical:.6f}")
assert np.isclose(sparse, categorical) and np.isclose(sparse, picked)
assert np.isclose(sparse, loss_value)                       # and the from-logits version

# %% [markdown]
# Same number, and equal to the loss computed from the logits in section 6. A frequent
# error is to pass integer labels to the categorical loss (or one-hot labels to the sparse
# one). The library checks the shapes and says what it expected:

# %%
try:
    losses.categorical_crossentropy(true, probs)
except ValueError as err:
    print("ValueError:", err)

# %% [markdown]
# ## 10. Explore: softmax and its gradient
#
# Slide the three logits and choose the true class. The left panel shows the
# probabilities and the cross-entropy, the right one the gradient $p - y$. Things to try:
#
# - Add the same amount to all three logits: nothing changes (shift invariance).
# - Make the true class's logit the largest by far: the loss and all gradients go to 0.
# - Make it the smallest: the loss grows about linearly, and the true class's gradient
#   approaches $-1$.
# - The three gradient bars always add up to 0. Why? (Both $p$ and $y$ sum to 1.)

# %%
explorer = viz.softmax_explorer(logits=(2.0, 1.0, 0.1), true_class=0)
explorer

# %% [markdown]
# ## Check your understanding
#
# 1. A classifier gives the true class probability 0.5, later 0.05. By how much does
#    the cross-entropy of that example grow?
#
#    <details><summary>Answer</summary>
#
#    From $-\ln 0.5 \approx 0.693$ to $-\ln 0.05 \approx 3.0$, by about 2.3 ($= \ln 10$): each
#    factor 10 less probability adds $\ln 10$ (the cell below computes it).
#    </details>
#
# 2. Logits $z = (1000, 0)$ with true class 1. Why does "softmax, then log" fail, and
#    what does log-sum-exp give?
#
#    <details><summary>Answer</summary>
#
#    $p_1 = e^{-1000} / (1 + e^{-1000})$ rounds to 0, and $-\log 0 = \infty$. Log-sum-exp
#    computes $\log p_1 = z_1 - m - \log \sum_k e^{z_k - m} = 0 - 1000 - \log(1 + e^{-1000})$
#    $\approx -1000$: the loss is 1000, finite and right.
#    </details>
#
# 3. Why do the three bars of $p - y$ in the explorer always add up to 0?
#
#    <details><summary>Answer</summary>
#
#    $p$ sums to 1 (softmax) and so does the one-hot $y$, so $\sum_k (p_k - y_k) = 0$.
#    </details>

# %%
growth = -np.log(0.05) - -np.log(0.5)
big_loss, _ = losses.softmax_cross_entropy(np.array([[1000.0, 0.0]]), np.array([1]))
print(f"-ln 0.5 = {-np.log(0.5):.3f}, -ln 0.05 = {-np.log(0.05):.3f}: it grows by "
      f"{growth:.3f} = ln 10; the loss for z = (1000, 0), class 1: {big_loss}")
assert np.isclose(growth, np.log(10)) and np.isclose(big_loss, 1000.0)

# %% [markdown]
# ## Summary
#
# - A loss turns "how wrong" into one number, averaged over the batch. MSE and MAE are
#   **means** (dropping the mean makes the loss grow with the batch size); their gradients
#   are $\frac2n(\hat y - y)$ and $\frac1n \operatorname{sign}(\hat y - y)$. MSE is pulled
#   by outliers (best constant: the mean), MAE is not (the median).
# - Classes are one-hot encoded. Softmax turns logits into probabilities; it is
#   invariant to adding a constant, which gives the stable form softmax(z - max z).
#   Multi-class means one label per example (softmax); multi-label means several
#   (a sigmoid per class).
# - Cross-entropy $-\sum_k y_k \log p_k = -\log p_{\text{true}}$; binary cross-entropy for
#   one sigmoid output, best computed from the logit as
#   $\max(z, 0) - zy + \log(1 + e^{-|z|})$ (gradient $\sigma(z) - y$); hinge
#   $\max(0, 1 - ys)$ for scores and $\pm 1$ labels.
# - Softmax followed by cross-entropy has the gradient $\partial L/\partial z = p - y$
#   (divided by $N$ for a batch mean), derived twice and checked numerically.
# - Cross-entropy keeps pushing when the network is confidently wrong; squared error on
#   probabilities stalls there. $H(p, q) \ne H(q, p)$: target first.
# - Sparse labels (integers) and categorical labels (one-hot) give the same loss.
#
# ## What's next
#
# We now have a loss and its gradient with respect to the network's output.
# **05 · Computation graphs and the chain rule** shows how to carry such a gradient
# backwards through any chain of operations, the step before backpropagation through a
# whole network in chapter 06.
