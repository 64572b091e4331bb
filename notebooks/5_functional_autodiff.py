# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Functional autodiff with jaxdl
#
# A jaxdl network is a pure function, `model.apply(variables, x)`: no hidden state, no hooks, no
# `requires_grad`. So every JAX transformation applies to it as to any other function, and they compose:
# forward mode (`jax.jvp`) and reverse mode (`jax.vjp`, `jax.grad`), their Jacobians, Hessian-vector
# products (forward over reverse), per-example gradients (`jax.vmap` of `jax.grad`), rematerialisation
# (`jax.checkpoint`), transposition of linear maps (`jax.linear_transpose`) and export of the compiled
# program for another platform (`jax.export`). Each section measures what it teaches and checks its numbers.
#
# The subject is the visualization practical's digits CNN (`SmallCNN`, 32x32 grey, trained in seconds on
# scikit-learn's digits), and VGG16 with random weights for memory. **Quick mode** (the default without
# `../shared`) keeps every size small enough for a 2-core CPU; `JAXDL_QUICK=0` uses the course's sizes
# (the fully trained digits CNN, VGG16 at 224x224) — nothing here needs the shared data.

# %%
import math
import re
import time
from collections import Counter
from functools import partial

import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np
import optax
from IPython.display import Image, Markdown, display
from jax import lax
from jax.flatten_util import ravel_pytree
from matplotlib.figure import Figure
from nbsetup import quick_mode, run_dir, shared_dir
from scipy.stats import spearmanr

from jaxdl import models
from jaxdl.data.digits import digits
from jaxdl.figures import panels, plot_curves
from jaxdl.models.conv import Conv
from jaxdl.models.dcgan import ConvTranspose, conv
from jaxdl.models.max_pool import max_pool
from jaxdl.report import markdown_table
from jaxdl.visualize.digits import digit_splits
from jaxdl.visualize.subject import digits_subject

QUICK, SHARED, OUT = quick_mode(), shared_dir(), run_dir("autodiff")
print(f"quick mode: {QUICK}; shared data: {SHARED}; outputs in {OUT}; JAX {jax.__version__} on {jax.default_backend()}")

subject = digits_subject(0, epochs=3 if QUICK else None)  # quick: 3 epochs (92.7 % test accuracy), else 15 (97.8 %)
model, variables = subject.model, subject.variables
_, x_test, _, y_test = map(jnp.asarray, digit_splits(0))
print(f"{subject.name}: {sum(p.size for p in jax.tree.leaves(variables)):,} parameters, {len(x_test)} test digits {x_test.shape[1:]}")


def best_time(fn, *args, repeat: int = 3, warm: bool = False) -> float:
    """Best wall time (s) of `fn(*args)` over `repeat` calls, after a first call that compiles it (none if `warm`)."""
    if not warm:
        jax.block_until_ready(fn(*args))
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        jax.block_until_ready(fn(*args))
        times.append(time.perf_counter() - start)
    return min(times)


# %% [markdown]
# ## 1. Forward mode and reverse mode: `jvp` vs `vjp`
#
# For f: R^n -> R^m with Jacobian J (m x n) at x, `jax.jvp(f, (x,), (v,))` pushes a tangent v **forward**
# through the network and returns J v (m numbers) for about the cost of one forward pass;
# `jax.vjp(f, x)` returns a pullback that carries a cotangent u **backward** and gives u^T J (n numbers),
# for about two to three forward passes and the memory of the saved activations. Here f maps one digit
# (n = 1,024 pixels) to its m = 10 logits; with u the true class's one-hot, u^T J is the saliency gradient.

# %%
def logits_of_image(variables, image):
    """One 32x32x1 image -> its 10 logits: f: R^1024 -> R^10."""
    return model.apply(variables, image[None])[0]


@jax.jit
def forward_and_reverse(variables, x, v, u):
    f = partial(logits_of_image, variables)
    logits, Jv = jax.jvp(f, (x,), (v,))  # forward: J v, how each logit moves along v
    _, pullback = jax.vjp(f, x)
    (uJ,) = pullback(u)  # reverse: u^T J, d logit_label / d image (one 32x32 map)
    return logits, Jv, uJ


x0, label0 = x_test[0], int(y_test[0])
v = jax.random.normal(jax.random.key(0), x0.shape)  # a direction in image space
u = jax.nn.one_hot(label0, 10)  # a covector on the logits: "the true class's logit"
logits0, Jv, uJ = forward_and_reverse(variables, x0, v, u)
print(f"digit {label0}: logits {np.round(logits0, 2)}")
print(f"J v = {np.round(Jv, 3)}")
print(f"<u, J v> = {float(u @ Jv):.6f}   <u^T J, v> = {float((uJ * v).sum()):.6f}")
assert np.isclose(float(u @ Jv), float((uJ * v).sum()), rtol=1e-4, atol=1e-5)  # the same number, by two routes

# %% [markdown]
# A full Jacobian takes n JVPs (`jax.jacfwd`, one per input direction, batched by `vmap`) or m VJPs
# (`jax.jacrev`, one per output). So which is cheaper depends on the shape of J. Below, the input is a
# centred patch of side s of the digit (n = s^2 pixels, the rest fixed) and the output the 10 logits: at
# n = 1 forward mode needs 1 pass against reverse mode's 10; at n = 1,024 (the whole image) 1,024 against 10.

# %%
def patch_logits(variables, patch, image):
    """The 10 logits of `image` with its centred s x s patch replaced by `patch`: R^(s*s) -> R^10."""
    top = (image.shape[0] - patch.shape[0]) // 2
    return logits_of_image(variables, lax.dynamic_update_slice(image, patch, (top, top, 0)))


rows, jacobian = [], None
for side in (1, 4, 16, 32):
    top = (32 - side) // 2
    patch = x0[top:top + side, top:top + side]
    by_jvps = jax.jit(jax.jacfwd(patch_logits, argnums=1))  # parameters are arguments: nothing baked in
    by_vjps = jax.jit(jax.jacrev(patch_logits, argnums=1))
    J_fwd, J_rev = by_jvps(variables, patch, x0), by_vjps(variables, patch, x0)
    assert J_fwd.shape == (10, side, side, 1)
    assert np.allclose(J_fwd, J_rev, rtol=1e-5, atol=1e-5 * float(np.abs(J_rev).max())), f"jacfwd != jacrev at s={side}"
    t_fwd, t_rev = best_time(by_jvps, variables, patch, x0, warm=True), best_time(by_vjps, variables, patch, x0, warm=True)
    rows.append({"inputs n": side * side, "outputs m": 10, "jacfwd (n JVPs) ms": 1e3 * t_fwd, "jacrev (m VJPs) ms": 1e3 * t_rev,
                 "jacfwd / jacrev": t_fwd / t_rev, "largest difference": float(np.abs(J_fwd - J_rev).max())})
    jacobian = J_rev
display(Markdown(markdown_table(rows)))

fig = Figure(figsize=(6, 3.6))
ax = fig.subplots()
for key, style in (("jacfwd (n JVPs) ms", "o-"), ("jacrev (m VJPs) ms", "s-")):
    ax.loglog([r["inputs n"] for r in rows], [r[key] for r in rows], style, label=key.split(" ms")[0])
ax.set(xlabel="inputs n (outputs m = 10)", ylabel="ms per Jacobian", title="digits CNN: Jacobian of the logits")
ax.legend()
ax.grid(alpha=0.3)
fig.tight_layout()
fig.savefig(OUT / "jacfwd_vs_jacrev.png", dpi=90)
display(Image(OUT / "jacfwd_vs_jacrev.png"))
display(Image(panels([[np.asarray(x0), *(np.abs(np.asarray(jacobian[c])) for c in range(10))]],
                     [[f"digit {label0}", *(f"|d logit {c} / dx|" for c in range(10))]], OUT / "jacobian_rows.png",
                     cmaps=[None] + ["hot"] * 10, size=1.2)))

# %% [markdown]
# **Reading the table.** Forward mode's cost grows with the number of inputs, reverse mode's with the
# number of outputs: with few inputs `jacfwd` wins, for a whole image (1,024 inputs, 10 outputs) `jacrev`
# is many times cheaper — which is why training and saliency (one scalar, millions of inputs) use reverse
# mode. Each row of the full Jacobian (last figure) is one class's saliency gradient: `jacrev` gave all ten
# from ten backward passes batched into one call. Forward mode wins for tall Jacobians (few inputs: a
# learning-rate, a latent code, a direction) and needs no stored activations.
#
# ## 2. Hessian-vector products and the top eigenvalue of the loss
#
# The Hessian of the loss w.r.t. the digits CNN's 544,522 parameters has 3 x 10^11 entries; a
# Hessian-vector product H v costs a few gradients: the JVP of the gradient (forward over reverse),
# `jax.jvp(jax.grad(loss), (w,), (v,))`. Power iteration, v <- H v / ||H v||, then converges to the
# eigenvector of the largest-magnitude eigenvalue, and v.Hv to that eigenvalue — the sharpness that
# limits plain gradient descent's step size (it diverges along that direction when lr > 2 / lambda_max).

# %%
@partial(jax.jit, static_argnums=0)
def hvp(loss, w, v, batch):
    """H v at w without forming H: forward-mode derivative (jvp) of the reverse-mode gradient."""
    return jax.jvp(lambda w: jax.grad(loss)(w, batch), (w,), (v,))[1]


@partial(jax.jit, static_argnames="loss")
def power_step(loss, w, v, batch):
    """One step of power iteration from a unit vector v: (H v / ||H v||, the Rayleigh quotient v.Hv)."""
    hv = hvp(loss, w, v, batch)
    return hv / jnp.linalg.norm(hv), v @ hv


def power_iteration(loss, w, batch, key, steps):
    """(v.Hv after every step, last v): the Hessian of loss(., batch) at the flat parameters w, its largest-magnitude
    eigenvalue. A Python loop over one jitted step: as a lax.scan, XLA:CPU ran the digits CNN's HVP 27x slower."""
    v = jax.random.normal(key, w.shape)
    v, estimates = v / jnp.linalg.norm(v), []
    for _ in range(steps):
        v, estimate = power_step(loss, w, v, batch)
        estimates.append(float(estimate))
    return np.array(estimates), v


def cross_entropy(network, params, batch):
    images, labels = batch
    return optax.softmax_cross_entropy_with_integer_labels(network.apply({"params": params}, images), labels).mean()


class TinyCNN(nn.Module):
    """jaxdl's convolution and max-pool at a size whose Hessian fits: conv(4, 3x3) + ReLU + pool 2 + fc(10) on 8x8 digits."""

    @nn.compact
    def __call__(self, x):
        h = max_pool(nn.relu(Conv(4, (3, 3), padding=1, name="conv")(x)), window=2, stride=2)
        return nn.Dense(10, name="fc")(h.reshape(h.shape[0], -1))


images8, labels8 = digits()
tiny_batch = (jnp.asarray(images8[:256, ..., None] / 255.0, jnp.float32), jnp.asarray(labels8[:256]))
tiny = TinyCNN()
tiny_w, tiny_unravel = ravel_pytree(jax.jit(tiny.init)(jax.random.key(0), tiny_batch[0][:1])["params"])
tiny_loss = lambda w, batch: cross_entropy(tiny, tiny_unravel(w), batch)  # noqa: E731 — the loss of the flat parameters

H = jax.jit(jax.hessian(tiny_loss))(tiny_w, tiny_batch)  # dense: n x n, n JVPs of the gradient
spectrum = np.linalg.eigvalsh(np.asarray(H, np.float64))
dense_top = spectrum[np.abs(spectrum).argmax()]
probe = jax.random.normal(jax.random.key(1), tiny_w.shape)
assert np.allclose(hvp(tiny_loss, tiny_w, probe, tiny_batch), H @ probe, rtol=1e-4, atol=1e-5 * float(np.abs(H @ probe).max()))
tiny_steps = 60
tiny_estimates, _ = power_iteration(tiny_loss, tiny_w, tiny_batch, jax.random.key(2), tiny_steps)
print(f"TinyCNN: {tiny_w.size} parameters; dense Hessian {H.shape}: top eigenvalue {dense_top:.6f}, "
      f"next {sorted(np.abs(spectrum))[-2]:.6f}; power iteration: {float(tiny_estimates[-1]):.6f}")
assert abs(float(tiny_estimates[-1]) - dense_top) <= 1e-3 * abs(dense_top), "power iteration != dense Hessian's top eigenvalue"

# %% [markdown]
# On the tiny network the HVP equals the dense Hessian times v, and power iteration finds the dense
# Hessian's top eigenvalue. The same two functions on the digits CNN, whose dense Hessian (544,522^2
# float32 numbers, 1.2 TB) is out of reach:

# %%
w, unravel = ravel_pytree(variables["params"])
cnn_loss = lambda w, batch: cross_entropy(model, unravel(w), batch)  # noqa: E731
batch = (x_test[:128], y_test[:128]) if QUICK else (x_test, y_test)
steps = 20 if QUICK else 50
start = time.perf_counter()
estimates, top_v = power_iteration(cnn_loss, w, batch, jax.random.key(3), steps)
seconds = time.perf_counter() - start
lam = float(estimates[-1])
residual = float(jnp.linalg.norm(hvp(cnn_loss, w, top_v, batch) - lam * top_v))
t_grad = best_time(jax.jit(jax.grad(cnn_loss)), w, batch, repeat=2)
t_hvp = best_time(partial(hvp, cnn_loss), w, top_v, batch, repeat=2)
display(Markdown(markdown_table([
    {"network": "TinyCNN (8x8 digits)", "parameters": int(tiny_w.size), "batch": len(tiny_batch[1]), "iterations": tiny_steps,
     "top eigenvalue": float(tiny_estimates[-1]), "dense Hessian's": float(dense_top), "2 / lambda (lr limit)": 2 / float(dense_top)},
    {"network": subject.name, "parameters": int(w.size), "batch": len(batch[1]), "iterations": steps,
     "top eigenvalue": lam, "dense Hessian's": "(1.2 TB: not formed)", "2 / lambda (lr limit)": 2 / lam}])))
print(f"digits CNN: {steps} HVPs in {seconds:.1f} s with compilation; one gradient {1e3 * t_grad:.1f} ms, one HVP {1e3 * t_hvp:.1f} ms "
      f"({t_hvp / t_grad:.1f}x); ||Hv - lambda v|| / |lambda| = {residual / abs(lam):.2e}")
assert residual <= 0.05 * abs(lam), "power iteration has not converged"
curves = [{"iteration": i + 1, "TinyCNN": float(e / tiny_estimates[-1])} for i, e in enumerate(tiny_estimates)]
for row, e in zip(curves, estimates):
    row["digits CNN"] = float(e / estimates[-1])
display(Image(plot_curves(curves, "iteration", ["TinyCNN", "digits CNN"],
                          OUT / "power_iteration.png", "power iteration: v.Hv / final estimate")))

# %% [markdown]
# **Reading it.** One HVP costs a small multiple of one gradient — never the Hessian's size — and a few
# dozen of them give the top of the spectrum of a network with half a million parameters (`jax.hessian`
# is `jacfwd(jacrev(f))`: n HVPs, affordable only for the tiny network). With lambda_max at hand,
# 2 / lambda_max is the largest step plain gradient descent could take here (in the loss's quadratic
# approximation) without diverging along v;
# the same HVP drives Lanczos (the whole spectrum's density), Newton-CG and influence functions.
#
# ## 3. Per-example gradients: `jax.vmap(jax.grad(...))`
#
# `jax.grad` of a mean loss gives the batch's average gradient; `jax.vmap` of the gradient of **one**
# example's loss gives every example's own gradient, in one batched computation (no Python loop). Their
# norms are what differentially-private SGD clips, and they single out the hardest or mislabelled examples.

# %%
def example_loss(params, image, label):
    return cross_entropy(model, params, (image[None], label[None]))


per_example_grads = jax.vmap(jax.grad(example_loss), in_axes=(None, 0, 0))  # params shared, one image and label each


@jax.jit
def gradient_norms(params, images, labels):
    """||d loss_i / d params|| of every example i (all layers together)."""
    grads = per_example_grads(params, images, labels)
    return jnp.sqrt(sum(jnp.sum(g ** 2, axis=tuple(range(1, g.ndim))) for g in jax.tree.leaves(grads)))


params = variables["params"]
first = (x_test[:16], y_test[:16])
mean_of_each = jax.jit(lambda p, x, y: jax.tree.map(lambda g: g.mean(0), per_example_grads(p, x, y)))(params, *first)
of_mean = jax.jit(jax.grad(lambda p, batch: cross_entropy(model, p, batch)))(params, first)
assert np.allclose(ravel_pytree(mean_of_each)[0], ravel_pytree(of_mean)[0], atol=1e-6), "mean of per-example gradients != gradient"

count = 256 if QUICK else len(x_test)
norms = np.concatenate([gradient_norms(params, x_test[i:i + 128], y_test[i:i + 128]) for i in range(0, count, 128)])[:count]
logits = jax.jit(model.apply)(variables, x_test[:count])
losses = np.asarray(optax.softmax_cross_entropy_with_integer_labels(logits, y_test[:count]))
predicted, labels = np.asarray(logits.argmax(-1)), np.asarray(y_test[:count])
one_example = jax.jit(jax.grad(example_loss))
examples = list(zip(x_test[:64], y_test[:64]))
loop_s = best_time(lambda: [one_example(params, x, y) for x, y in examples])
vmap_s = best_time(jax.jit(per_example_grads), params, x_test[:64], y_test[:64])
print(f"64 per-example gradients: one jax.vmap(jax.grad) call {1e3 * vmap_s:.0f} ms, a Python loop of 64 jitted jax.grad calls "
      f"{1e3 * loop_s:.0f} ms")
order = np.argsort(norms)
extremes = [*order[::-1][:5], *order[:5]]
display(Markdown(markdown_table([{"test digit": int(i), "label": int(labels[i]), "predicted": int(predicted[i]), "loss": float(losses[i]),
                                  "gradient norm": float(norms[i])} for i in extremes])))
right, wrong = norms[predicted == labels], norms[predicted != labels]
print(f"{count} test digits: median gradient norm {np.median(right):.3g} when right ({len(right)}), "
      f"{np.median(wrong) if len(wrong) else float('nan'):.3g} when wrong ({len(wrong)}); "
      f"Spearman correlation with the loss {spearmanr(norms, losses)[0]:.3f}")
display(Image(panels([[np.asarray(x_test[i]) for i in extremes[:5]], [np.asarray(x_test[i]) for i in extremes[5:]]],
                     [[f"{labels[i]}->{predicted[i]} |g|={norms[i]:.2g}" for i in extremes[:5]],
                      [f"{labels[i]}->{predicted[i]} |g|={norms[i]:.2g}" for i in extremes[5:]]],
                     OUT / "gradient_norms.png", size=1.9, suptitle="largest (top) and smallest (bottom) per-example gradients")))

# %% [markdown]
# **Reading it.** The mean of the per-example gradients is the batch gradient (checked above). The norm and
# the loss rank the examples almost identically: the largest gradients belong to misclassified or ambiguous
# digits, the smallest to confidently right ones (a cross-entropy gradient vanishes as p_label -> 1).
# `vmap` is one program, usable inside a jitted training step (DP-SGD clips each example's gradient
# there), but not automatically the fastest: on this 2-core CPU the loop of jitted single-example gradients
# beat it (printed above). Most of the vmapped call's time is fc1's gradients — 64 outer products of
# 4096 x 128 (134 MB), which XLA:CPU writes in a transposed layout and then copies (fc1 and fc2 alone: 176 of
# 260 ms when this was written; the convolutions' per-example kernel gradients, grouped convolutions: 34 ms).
#
# ## 4. `jax.checkpoint`: time for memory, on VGG16 saliency at batch 16
#
# Reverse mode keeps the forward pass's activations until the backward pass needs them; for VGG16 at
# 224x224 and batch 16 that is about a gigabyte. `jax.checkpoint` (alias `jax.remat`) on a function saves
# only its inputs and recomputes its inside during the backward pass. Here the network is cut at its five
# pools (`layer=` stops a jaxdl network at a named layer, `start=` continues from it), each block
# checkpointed: the backward pass holds one block's activations at a time, for a second forward pass.
# Memory is XLA's own figure for the compiled program (`memory_analysis().temp_size_in_bytes`: the peak of
# its scratch buffers, weights and inputs excluded); time is measured on random weights.

# %%
vgg = models.create("vgg16")
size = 48 if QUICK else 224
if QUICK:
    print(f"quick mode: VGG16 saliency at {size}x{size}, batch 16 (at 224x224 a call took 7-11 s on a 2-core CPU: JAXDL_QUICK=0 runs it)")
images = jax.random.uniform(jax.random.key(4), (16, size, size, 3))
classes = jnp.arange(16) * 61 % 1000
shapes = jax.eval_shape(vgg.init, jax.random.key(0), images[:1])
rng = np.random.default_rng(0)


def he_uniform(shape):
    """U(-a, a), a = sqrt(6 / fan_in), drawn with numpy: flax's own init of 138 M parameters takes ~8 s on this CPU."""
    if len(shape) == 1:
        return np.zeros(shape, np.float32)  # biases
    weights = rng.random(shape, np.float32)
    weights -= 0.5
    weights *= np.float32(2 * math.sqrt(6 / math.prod(shape[:-1])))
    return weights


vgg_variables = jax.tree.map(lambda s: he_uniform(s.shape), shapes)
BLOCKS = ("pool1", "pool2", "pool3", "pool4", "pool5")


def vgg_logits(variables, x):
    return vgg.apply(variables, x)


def vgg_logits_checkpointed(variables, x):
    """The same logits, as six checkpointed segments: input -> pool1 -> ... -> pool5 -> logits."""
    for start, stop in zip((None, *BLOCKS), (*BLOCKS, None)):
        x = jax.checkpoint(lambda v, h, start=start, stop=stop: vgg.apply(v, h, start=start, layer=stop))(variables, x)
    return x


def saliency_with(logits):
    """The course's saliency: |d logit_c / dx|, max over the colour channels, of a logits function."""
    def maps(variables, x, classes):
        grads = jax.grad(lambda x: jnp.take_along_axis(logits(variables, x), classes[:, None], axis=1).sum())(x)
        return jnp.abs(grads).max(axis=-1)
    return jax.jit(maps)


on_cpu = jax.default_backend() == "cpu"
memory_first = {"xla_cpu_scheduler_type": "CPU_SCHEDULER_TYPE_MEMORY_OPTIMIZED"} if on_cpu else None  # this compilation only
memory = "MiB, memory-optimized scheduler" if on_cpu else "MiB"
rows, maps = [], {}
for name, logits in (("plain", vgg_logits), ("checkpointed blocks", vgg_logits_checkpointed)):
    lowered = saliency_with(logits).lower(vgg_variables, images, classes)
    compiled = lowered.compile(memory_first)
    maps[name] = jax.block_until_ready(compiled(vgg_variables, images, classes))  # also the warm-up call
    row = {"saliency": name, "convolutions": lowered.as_text().count("stablehlo.convolution")}
    if on_cpu:
        row["MiB, XLA:CPU's default scheduler"] = lowered.compile().memory_analysis().temp_size_in_bytes / 2 ** 20
    rows.append(row | {memory: compiled.memory_analysis().temp_size_in_bytes / 2 ** 20,
                       "s per batch": best_time(compiled, vgg_variables, images, classes, repeat=2, warm=True)})
display(Markdown(markdown_table(rows)))
plain, checkpointed = rows
print(f"checkpointed / plain: memory {checkpointed[memory] / plain[memory]:.2f}x, time {checkpointed['s per batch'] / plain['s per batch']:.2f}x")
assert np.allclose(maps["checkpointed blocks"], maps["plain"], rtol=1e-5, atol=1e-5 * float(np.abs(maps["plain"]).max()))
assert checkpointed[memory] < plain[memory], "checkpointing saved no memory"

# %% [markdown]
# **Reading it.** Both programs give the same saliency maps (checked). The checkpointed one holds 13 more
# convolutions — every block's forward pass, run again during the backward pass — and pays for them in
# time. Whether it saves memory is decided by the compiler's schedule, not by `jax.checkpoint` alone:
# XLA:CPU's default scheduler orders operations for parallelism and may run the recomputation early, while
# the forward activations are still alive, which gives the saving back — here the checkpointed program even
# needs a little more (first memory column). Its memory-optimized scheduler — an option of this one
# compilation, `lowered.compile({"xla_cpu_scheduler_type": ...})` — runs each block's recomputation when its
# gradient arrives, and the checkpointed program then needs clearly less scratch memory than the plain one.
# At the course's size (224x224, batch 16, `JAXDL_QUICK=0`, measured on this 2-core CPU): 934 -> 686 MiB
# (0.73x) with the memory-optimized scheduler, 982 -> 1,083 MiB with the default one, and 7.3 -> 10.6 s a
# batch (1.46x). So measure the compiled program (`memory_analysis()`), don't assume; on a GPU, XLA's
# scheduler weighs memory against the card's limit (not measured here).
#
# ## 5. `jax.linear_transpose`: transposed convolutions and reverse mode
#
# A linear map's transpose is another linear map; JAX derives it from the function itself. The transpose of
# a DCGAN discriminator's convolution (4x4, stride 2, padding 1, no bias: linear) is exactly the generator's
# transposed convolution with the **same** kernel — jaxdl's `ConvTranspose`, written as one 3x3 convolution
# over sub-pixel phases — and its value equals the VJP of the convolution.

# %%
normal = np.random.default_rng(5).standard_normal
kernel = jnp.asarray(0.1 * normal((4, 4, 3, 8)), jnp.float32)  # HWIO: 3 -> 8 features
x = jnp.asarray(normal((2, 16, 16, 3)), jnp.float32)


discriminator_layer = conv(8, stride=2, padding=1, name="conv1")  # jaxdl's DCGAN Conv2d(k=4, s=2, p=1, bias=False)


def convolve(x):
    """16x16x3 -> 8x8x8, linear in x."""
    return discriminator_layer.apply({"params": {"kernel": kernel}}, x)


y = jnp.asarray(normal(convolve(x).shape), jnp.float32)
(transposed,) = jax.linear_transpose(convolve, x)(y)  # x is only an example of the input's shape and dtype
generator = ConvTranspose(3, 2).apply({"params": {"kernel": kernel}}, y)  # 8x8x8 -> 16x16x3, the same kernel
(pulled,) = jax.vjp(convolve, x)[1](y)
print(f"conv {x.shape} -> {y.shape}, its transpose {y.shape} -> {transposed.shape}: max |transpose - ConvTranspose| "
      f"{float(jnp.abs(transposed - generator).max()):.2e}, max |transpose - vjp| {float(jnp.abs(transposed - pulled).max()):.2e}")
assert np.allclose(transposed, generator, atol=1e-5) and np.allclose(transposed, pulled, atol=1e-6)
assert np.isclose(float((convolve(x) * y).sum()), float((x * transposed).sum()), rtol=1e-4)  # <A x, y> = <x, A^T y>

# %% [markdown]
# Reverse mode *is* forward mode followed by a transposition: `jax.linearize` gives the network's linear map
# v -> J v at x (a JVP with the forward pass done once), and `jax.linear_transpose` of that map is the
# pullback u -> u^T J. On the digits CNN, transposing the linearised network and feeding it the true class's
# one-hot gives the saliency gradient of section 1:

# %%
@jax.jit
def by_transposition(variables, x, v, u, label):
    f = partial(logits_of_image, variables)
    _, jvp_at_x = jax.linearize(f, x)  # the linear map v -> J v at x (the forward pass done once)
    pullback = jax.linear_transpose(jvp_at_x, x)  # its transpose: u -> u^T J
    (uJ,) = pullback(u)
    return uJ, jvp_at_x(v), jax.grad(lambda x: f(x)[label])(x)


uJ_transposed, Jv_linearized, grad_logit = by_transposition(variables, x0, v, u, label0)
display(Markdown(markdown_table([{"d logit_label / dx by": route, "largest magnitude": float(jnp.abs(value).max()),
                                  "largest difference from jax.vjp's": float(jnp.abs(value - uJ).max())}
                                 for route, value in (("jax.vjp (section 1)", uJ), ("linear_transpose(linearize)", uJ_transposed),
                                                      ("jax.grad", grad_logit))])))
assert np.allclose(uJ_transposed, uJ, rtol=1e-5, atol=1e-6 * float(jnp.abs(uJ).max()))
assert np.allclose(grad_logit, uJ, rtol=1e-5, atol=1e-6 * float(jnp.abs(uJ).max()))
assert np.allclose(Jv_linearized, Jv, rtol=1e-5, atol=1e-5)

# %% [markdown]
# ## 6. `jax.export`: the compiled program for another platform
#
# `jax.export` serialises a jitted function as StableHLO for the platforms you name, with no accelerator
# needed to export: a CPU-only machine exports for `cuda` or `tpu`. Below, the digits CNN's saliency (its
# input gradient) is exported for three platforms; counting the operations of each program shows what
# each platform will compile. The CPU program also runs here and gives the same maps. (`jaxdl.export.export(fn,
# *example, platforms=...)` is the same call, with one clear error for a platform name JAX does not know:
# `jax.export` accepts any name and fails only where the program is loaded.)

# %%
def digits_saliency(variables, images, classes):
    grads = jax.grad(lambda x: jnp.take_along_axis(model.apply(variables, x), classes[:, None], axis=1).sum())(images)
    return jnp.abs(grads).max(axis=-1)


batch_images, batch_classes = x_test[:8], y_test[:8]
exported = {platform: jax.export.export(jax.jit(digits_saliency), platforms=[platform])(variables, batch_images, batch_classes)
            for platform in ("cpu", "cuda", "tpu")}
operations = {platform: Counter(re.findall(r"\b(?:stablehlo|chlo)\.([a-z_]+)", e.mlir_module())) for platform, e in exported.items()}
watched = ("convolution", "reduce_window", "select_and_scatter", "dot_general", "pad", "slice", "select", "compare")
display(Markdown(markdown_table([{"platform": platform, **{op: operations[platform][op] for op in watched},
                                  "all operations": sum(operations[platform].values()),
                                  "StableHLO bytes": len(exported[platform].mlir_module_serialized)} for platform in exported])))
for platform, program in exported.items():
    (OUT / f"digits_saliency.{platform}.mlir").write_text(program.mlir_module())
print(f"exported for {[e.platforms for e in exported.values()]}: inputs {[str(a) for a in exported['cuda'].in_avals[-2:]]} "
      f"after {len(exported['cuda'].in_avals) - 2} parameter arrays; StableHLO text in {OUT}")
ours = exported["cpu"].call(variables, batch_images, batch_classes)  # the exported program, run here
assert np.allclose(ours, jax.jit(digits_saliency)(variables, batch_images, batch_classes), rtol=1e-5, atol=1e-7)
assert all(operations[platform]["convolution"] == 4 for platform in exported)  # 2 convolutions forward, 2 input gradients
assert operations["cpu"]["select_and_scatter"] == 0 and all(operations[p]["select_and_scatter"] == 2 for p in ("cuda", "tpu"))

# %% [markdown]
# **Reading it.** An exported program is the whole differentiated computation — forward and backward
# passes, the weights as arguments, no Python model code. `exported.serialize()` turns it into bytes (with
# the `flatbuffers` package, which jaxdl does not install) and `jax.export.deserialize(...).call(...)` runs
# them on a machine with that accelerator. The counts show what each platform will compile: jaxdl's XLA:CPU
# rewrites (max-pools as strided views, their gradient written with slices, compares and selects; measured
# faster on a CPU, DESIGN.md) are in the `cpu` program only, chosen when the program is lowered
# (`lax.platform_dependent`); the `cuda` and `tpu` programs hold XLA's own max-pool (`reduce_window`) and its
# gradient (`select_and_scatter`), one per pool.
