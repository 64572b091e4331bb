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
# # Practical 3 — Domain adaptation: DANN (MNIST -> MNIST-M)
#
# A feature extractor shared by a label classifier (trained on the labelled source) and a domain
# classifier (source or target?) fed through a **gradient reversal layer** (GRL), so the features become
# useless for telling the domains apart while staying good for the labels (Ganin & Lempitsky 2015).
# **Quick mode**: scikit-learn's digits -> the same digits blended into photo patches (digits-M), a few
# epochs. **Real mode** (`JAXDL_QUICK=0`): MNIST test digits 0-4,999 -> MNIST-M images 5,000-9,000 of
# `../shared` (disjoint indices), 20 epochs, batch 64 + 64.

# %%
import jax
import jax.numpy as jnp
import numpy as np
import optax
from IPython.display import Image, Markdown, display
from nbsetup import quick_mode, run_dir, shared_dir

from jaxdl.dann.config import DannConfig, domains, fit_options
from jaxdl.dann.experiment import compare
from jaxdl.dann.run import run
from jaxdl.dann.schedules import lam_schedule, lr_schedule
from jaxdl.figures import plot_curves
from jaxdl.keys import prng_key
from jaxdl.models.dann import DANN
from jaxdl.models.grl import gradient_reversal
from jaxdl.report import markdown_table, write_table

QUICK, SHARED, OUT = quick_mode(), shared_dir(), run_dir("dann")
METHODS = ("source-only", "dann", "target-only")  # the course's three; `jaxdl dann` trains CDAN, no-GRL and the rest too
print(f"quick mode: {QUICK}; shared data: {SHARED}; outputs in {OUT}")
if QUICK:
    CONFIG = DannConfig(source="digits[0:500]", target="digits-m[1000:1500]", eval_fraction=0.2, source_eval_fraction=None,
                        epochs=2, methods=METHODS)
else:
    CONFIG = DannConfig(source=f"idx:{SHARED}/data/mnist[0:5000]", target=f"mnist-m:{SHARED}/data/mnist_m[5000:9001]",
                        eval_fraction=0.25, source_eval_fraction=None, epochs=20, batch_size=64, methods=METHODS)
source, target = domains(CONFIG)
FIT = fit_options(CONFIG)
print(f"source {CONFIG.source}: {len(source[0][0])} train / {len(source[1][0])} test; target {CONFIG.target}: "
      f"{len(target[0][0])} train (labels unused) / {len(target[1][0])} test; images {source[0][0].shape[1:]}")

# %% [markdown]
# ## The gradient reversal layer: what it does
#
# `gradient_reversal(x, lam)` is the identity forward and multiplies the gradient by `-lam` backward — a
# 20-line `jax.custom_vjp`. `jax.grad` shows both directions:

# %%
x, w = jnp.array([1.0, -2.0, 3.0]), jnp.array([0.5, 0.25, -1.0])
print("forward:  ", gradient_reversal(x, 0.7), "(= x)")
print("backward: ", jax.grad(lambda x: jnp.sum(w * gradient_reversal(x, 0.7)))(x), "= -0.7 * w =", -0.7 * w)

# %% [markdown]
# In the network the GRL sits between the features and the domain classifier. The gradient of the
# **domain loss** w.r.t. the parameters: the domain classifier's are unchanged (it still learns to
# separate the domains), the feature extractor's are reversed (the features learn to *confuse* it).
# Without the GRL (`lam = -1` here turns it into the identity) the features would help the domain
# classifier instead, making source and target *more* separable — the opposite of adaptation.

# %%
model = DANN()
params = jax.jit(model.init)(prng_key(0), source[0][0][:1])["params"]
batch = jnp.concatenate([source[0][0][:16], target[0][0][:16]])
domain = jnp.concatenate([jnp.zeros(16), jnp.ones(16)])  # 0 source, 1 target


def domain_loss(params: dict, lam: float) -> jax.Array:
    """The domain classifier's binary cross-entropy on a source + target batch, through the GRL with factor lam."""
    return optax.sigmoid_binary_cross_entropy(model.apply({"params": params}, batch, lam)[1], domain).mean()


domain_grad = jax.jit(jax.grad(domain_loss))  # lam is traced: one compilation serves both calls
with_grl, without_grl = domain_grad(params, 1.0), domain_grad(params, -1.0)
display(Markdown(markdown_table([{"layer": name, "part": "features" if name.startswith("conv") else "domain classifier",
                                  "d loss/d kernel, with GRL [0]": float(with_grl[name]["kernel"].ravel()[0]),
                                  "without GRL [0]": float(without_grl[name]["kernel"].ravel()[0])}
                                 for name in ("conv1", "conv2", "dom_fc1", "dom_fc2")])))

# %% [markdown]
# **Answer (if we kept the three parts without the GRL).** The domain classifier and the features would
# cooperate: the features would encode the domain (colour, background), the domain accuracy would go to
# 100 % and nothing would push the target features towards the source's — the result is at best
# source-only training. With the GRL the two play a minimax game and, at equilibrium, the features carry
# no domain information while still separating the classes.
#
# ## DANN against its baselines
#
# `run(CONFIG, folder)`, the function `jaxdl dann` and `jaxdl run` call, trains each method of the config
# (source-only, DANN, target-only) with `jaxdl.dann.train.fit` (one pure jitted optax step, the paper's SGD
# schedule) and measures source and target test accuracy; target labels are used only to evaluate (and
# by the target-only upper bound).

# %%
result = run(CONFIG, OUT / "methods", progress=False)
rows = result.tables[0][1]
display(Markdown(markdown_table(rows)))
display(Image(str(OUT / "methods" / "embedding.png")))

# %% [markdown]
# **Answer (why the source accuracy may degrade a bit).** The features must also serve the domain
# confusion objective: capacity and gradient steps spent on removing domain information are not spent
# on the source labels, and source-specific cues that helped (e.g. a clean black background) are
# suppressed. Measured (docs/results/dann.md, Fashion-MNIST -> Fashion-MNIST-M, 8 epochs, 3 seeds): source
# 84.2 -> 80.9 % while the target goes 24.4 -> 39.0 %; real MNIST -> MNIST-M: source-only 47.3 %, DANN 58.4 %, target-only
# 91.9 % on the target. In quick mode (two epochs on 400 digits) the numbers show the mechanics only.
#
# ## Choosing an epoch without target labels
#
# Without target labels, the best epoch cannot be read from the target accuracy. `run` records two
# unsupervised scores of the unlabelled target training images every epoch (`jaxdl.dann.selection`, both
# higher-is-better): information maximisation, H(mean prediction) - mean H(prediction) (confident
# predictions that use every class), and the soft neighbourhood density of Saito et al. 2021 (the entropy
# of each image's softmax over its similarities to the others, temperature 0.05: dense neighbourhoods).
# The table compares the epoch each score picks with the last epoch and the best one (which reads the labels).

# %%
display(Markdown(markdown_table(result.tables[2][1])))

# %% [markdown]
# ## The reversal factor lambda
#
# The paper ramps lambda from 0 to lam_max: `lam_p = lam_max (2 / (1 + exp(-10 p)) - 1)` with p the
# training progress, so the noisy domain signal of the first steps does not disturb the features.

# %%
schedule = [{"p": float(p), "lam_p": float(lam_schedule(p)), "mu_p / mu_0": float(lr_schedule(1.0, 100)(100 * p))}
            for p in np.linspace(0, 1, 51)]
display(Markdown(markdown_table(schedule[::10])))
display(Image(plot_curves(schedule, "p", ["lam_p", "mu_p / mu_0"], OUT / "schedules.png", "the paper's schedules")))
LAMS = (0.0, 3.0) if QUICK else (0.0, 0.1, 0.3, 3.0)  # lam_max = 1 (the paper's) is the DANN row above
lam_rows = [{"lam_max": lam, **row} for lam in LAMS for row in compare(source, target, ["dann"], seeds=[0], **{**FIT, "lam_max": lam})]
columns = list(lam_rows[0])  # run()'s rows also carry the A-distance, which compare() does not measure
lam_rows += [{"lam_max": 1.0, **row} for row in rows if row["method"] == "dann"]
lam_rows = sorted(({key: row[key] for key in columns} for row in lam_rows), key=lambda row: row["lam_max"])
write_table(lam_rows, OUT / "lambda")
display(Markdown(markdown_table(lam_rows)))

# %% [markdown]
# **Answer.** lam = 0 trains the domain classifier but sends no gradient to the features: source-only.
# A small lam adapts weakly; lam ~ 1 (the paper's) balances the label and domain gradients; a large lam
# lets the reversed domain gradient outweigh the label gradient, and the features stop separating the
# classes — both domains collapse. Measured (docs/results/dann.md, embedded task, 30 epochs, 3 seeds): target
# 32.5 % at 0, 35.7 % at 1, 33.0 % at 3 with the source falling from 89.5 % at 1 to 87.3 % at 3 (with the former
# settings, Flax init and [0, 1] inputs, lam_max = 3 wrecked both domains: source 68.7 %). A negative factor is
# no reversal at all (see the gradients above).
#
# ## Pseudo-labelling
#
# Self-training: the network labels the target images it is confident about (softmax >= 0.9) and trains
# on them as if they were labelled, their loss weighted by the same ramp as lambda.

# %%
pseudo = compare(source, target, ["pseudo-label"], seeds=[0], **FIT)
write_table(rows + pseudo, OUT / "methods_and_pseudo_label")
display(Markdown(markdown_table(rows + pseudo)))

# %% [markdown]
# **Answer.** Pseudo-labelling turns unlabelled target data into (noisy) labelled data; it helps only if
# the source model is already right on most of its confident target predictions — otherwise it
# reinforces its own mistakes. Measured (docs/results/dann.md, Fashion-MNIST -> -M): 23.4 % target against 24.4 % for
# source-only, where DANN reached 39.0 %: at 24 % target accuracy most "confident" predictions are wrong.
# In practice it is used *after* an adaptation such as DANN, with a high threshold.
