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
# # Practical 4 — GANs: DCGAN and conditional DCGAN
#
# The course's 32x32 DCGAN (G 369,600 and D 166,848 parameters at widths 32), both players updated in one
# pure jitted step. **Quick mode**: the conditional DCGAN on scikit-learn's 1,797 digits, narrow networks
# and a few dozen iterations (the samples are still blobs: the point is the mechanics). **Real mode**
# (`JAXDL_QUICK=0`): MNIST's 10,000 test digits of `../shared` (8,000 train / 2,000 held out), the course's
# widths, 10 epochs.

# %%
import json

import jax
import jax.numpy as jnp
from IPython.display import Image, Markdown, display
from nbsetup import quick_mode, run_dir, shared_dir

from jaxdl.gan.config import GanConfig
from jaxdl.gan.losses import discriminator_loss, nonsaturating_loss, saturating_loss
from jaxdl.gan.run import run
from jaxdl.report import markdown_table

QUICK, SHARED, OUT = quick_mode(), shared_dir(), run_dir("gan")
print(f"quick mode: {QUICK}; shared data: {SHARED}; outputs in {OUT}")

# %% [markdown]
# ## The losses: interpret the two equations
#
# D maximises `log D(x) + log(1 - D(G(z)))` (real labelled 1, fakes 0): `discriminator_loss` is its binary
# cross-entropy. G's "true" minimax objective minimises `log(1 - D(G(z)))` (`saturating_loss`); the course
# (and the paper, in practice) uses `-log D(G(z))` instead (`nonsaturating_loss`). Both are written on D's
# logit l, with D = sigmoid(l), via stable log-sigmoids. Their gradients w.r.t. l show why:

# %%
logits = jnp.array([-8.0, -4.0, -2.0, 0.0, 2.0])
grad = lambda loss: jax.vmap(jax.grad(lambda logit: loss(logit[None])))(logits)  # d loss / d logit, one sample at a time
display(Markdown(markdown_table([
    {"D(G(z))": f"{float(d):.4f}", "saturating log(1-D) grad": float(s), "non-saturating -log D grad": float(n),
     "D loss on it as a fake": float(discriminator_loss(jnp.array([4.0]), jnp.array([logit])))}
    for logit, d, s, n in zip(logits, jax.nn.sigmoid(logits), grad(saturating_loss), grad(nonsaturating_loss))])))

# %% [markdown]
# **Answer.** Early in training D easily rejects the fakes (D(G(z)) ~ 0): the saturating loss's gradient
# is -D(G(z)) ~ 0 (here 3e-4 at D = 3e-4) and G learns nothing, while the non-saturating one's is
# -(1 - D(G(z))) ~ -1: same fixed point, strong gradients when G is bad. With only one of the two
# objectives there is no game: training D alone gives a classifier of a fixed fake distribution; training
# G alone against a fixed D gives images that fool that D (adversarial examples) but need not look real,
# typically collapsing onto D's blind spot. Ideally G transforms P(z) (here N(0, I) in 100 dimensions)
# into the data distribution, where D can do no better than D = 1/2 everywhere.
#
# ## Training: losses, samples, quality
#
# `run` (the practical's experiment, the same as `jaxdl gan` and `jaxdl run gan`) trains (or resumes,
# bit-identically) each model of the config in OUT/MODEL and writes per-epoch sample grids from a fixed z (for the
# cDCGAN one row per class, one column per z), the loss curves and a quality table: a small CNN trained on
# the real images scores the samples — conditional accuracy, Fréchet distance in its feature space against
# held-out real images (with the real-vs-real floor) and the classes covered.

# %%
if QUICK:  # quick(): the cDCGAN alone
    config = GanConfig(ngf=16, ndf=16, epochs=2, batch_size=64, eval_samples=200, scorer_epochs=1).quick()
else:
    config = GanConfig(data="mnist", root=str(SHARED / "data" / "mnist"), epochs=10).quick()
epochs = run(config, OUT).tables[0][1]
display(Markdown(markdown_table(epochs)))
display(Image(OUT / "cdcgan" / "losses.png"))
display(Image(sorted((OUT / "cdcgan" / "samples").glob("epoch_*.png"))[-1]))

# %% [markdown]
# **Answer (the training).** D's and G's losses oscillate against each other rather than decrease: each
# update of one player moves the other's target. With the default settings the digits appear within a few
# hundred iterations (docs/results/gans.md, MNIST: conditional accuracy >= 0.90 from iteration 992, Fréchet distance
# 1273 -> 12.0 against a real-vs-real floor of 6.3); diversity is measured, not eyeballed (all 10
# classes covered). Instability shows as D winning (D loss -> 0, G loss climbing: the samples stop
# improving, as the 64x64 photo run of docs/results/gans.md) or as mode collapse (few distinct images).
#
# ## The conditional DCGAN
#
# The label enters as one-hot constant maps concatenated to G's 4x4 features and to D's input image.
# Could D do without y? Then D only judges realism, and nothing forces G's image to match its label: G
# could ignore y. With y, D rejects a real-looking 3 drawn for label 7. Conditioning makes training easier
# (the class is given, G only has to model style): the cDCGAN on MNIST (docs/results/gans.md) reaches a
# Fréchet distance of 54 at 992 iterations where the unconditional DCGAN is at 128.
#
# ## What does z encode?

# %%
display(Image(OUT / "cdcgan" / "interpolation.png"))
print(json.dumps({k: epochs[-1][k] for k in epochs[-1] if k in ("cond_acc", "frechet", "frechet_real")}))

# %% [markdown]
# **Answer.** In the sample grid each column keeps one z for all ten class rows, and a column keeps its
# slant, stroke width and size across digits; along a straight line between two z (rows: classes,
# columns: the path) the style morphs smoothly while the digit stays. z encodes the **style**, the label
# the content (docs/results/gans.md, MNIST, `runs/gan_mnist_cond/cdcgan/samples/epoch_033.png`). In quick mode the generator
# has had a few dozen iterations: run with `JAXDL_QUICK=0` to see it.
