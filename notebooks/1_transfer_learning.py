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
# # Practical 1 — Transfer learning (VGG16, 15-Scene)
#
# The course's questions in order, each answered with jaxdl calls and their output.
# **Quick mode** (`JAXDL_QUICK=1`, the default when `../shared` is absent): `TransferConfig().quick()`, 600 of
# scikit-learn's real digits upsampled to 64x64 RGB through SqueezeNet 1.0 (a seeded *random* init unless
# `$JAXDL_WEIGHTS` holds its weights), tiny budgets (about a minute).
# **Real mode** (`JAXDL_QUICK=0`): 15-Scene at 224x224 through the real ImageNet SqueezeNet 1.0 of
# `../shared/weights` (the only ImageNet network available here; VGG16's own weights are not).

# %%
import warnings
from dataclasses import replace

from IPython.display import Image, Markdown, display
from nbsetup import quick_mode, run_dir, shared_dir
from sklearn.exceptions import ConvergenceWarning

from jaxdl.report import markdown_table
from jaxdl.transfer.config import TransferConfig
from jaxdl.transfer.run import run

QUICK, SHARED, OUT = quick_mode(), shared_dir(), run_dir("transfer")
warnings.filterwarnings("ignore", category=ConvergenceWarning)  # liblinear stops at its iteration limit on raw features, large C
print(f"quick mode: {QUICK}; shared data: {SHARED}; outputs in {OUT}")

# %% [markdown]
# The whole practical is one experiment, `jaxdl.transfer.run.run(config, out)`, the one `jaxdl transfer` and
# `jaxdl run transfer` call: the notebook builds its config (the course's defaults; `quick()` in quick mode), asks
# for both feature normalisations, and reads the answers from the tables and figures it returns.

# %%
if QUICK:  # scikit-learn's digits through a seeded random SqueezeNet: the mechanics, not the course's numbers
    config = TransferConfig().quick()
else:  # 15-Scene and the real SqueezeNet 1.0; the network comparison runs below on a smaller cut
    config = TransferConfig(data=str(SHARED / "data" / "15scene"), compare=(),
                            weights=(f"squeezenet1_0={SHARED / 'weights' / 'squeezenet1_0-imagenet-dc.safetensors'}",))
config = replace(config, summary=("vgg16",), l2="both")
result = run(config, OUT, progress=False)
tables = dict(result.tables)
caption = lambda start: next(name for name in tables if name.startswith(start))  # noqa: E731
print("\n".join(result.notes))

# %% [markdown]
# ## VGG16: how many parameters, and where are they?
#
# The course asks for an estimate knowing that the fully connected layers hold most of them.
# `jaxdl.summary.layer_table` derives the table from the network itself (shapes by `jax.eval_shape`:
# nothing is allocated), with the weights and biases of every named layer.

# %%
vgg = tables[caption("vgg16 layers")]
display(Markdown(markdown_table([row for row in vgg if row["parameters"] or row["layer"].startswith("pool")])))
total = vgg[-1]["parameters"]
fc = sum(row["parameters"] for row in vgg if row["layer"].startswith("fc"))
fc6 = next(row["parameters"] for row in vgg if row["layer"] == "fc6")
print(f"total {total:,} parameters; fc6-fc8 {fc:,} = {100 * fc / total:.1f} %; fc6 alone {fc6:,}")

# %% [markdown]
# **Answer.** 138,357,544 parameters (torchvision's count). fc6 alone maps the 7x7x512 = 25,088 values
# of pool5 to 4,096 units: 25,088 x 4,096 + 4,096 = 102.8 M, and fc6-fc8 hold 89 % of the network. The
# estimate "the fully connected layers" is therefore already within 11 %; the 13 convolutions share
# 14.7 M parameters (conv1_1: 3x3x3x64 + 64 = 1,792).
#
# ## What does the last layer output?
#
# fc8 gives 1,000 scores, one per ImageNet class (logits; a softmax turns them into probabilities).

# %%
print("fc8 output shape:", next(row["output shape"] for row in vgg if row["layer"] == "fc8"))

# %% [markdown]
# ## Features of a pre-trained network + a linear SVM
#
# Why not train VGG16 on 15-Scene directly? 1,500 training images cannot fit 138 M parameters; a
# network pre-trained on ImageNet gives generic features and only a linear classifier is learned.
# 15-Scene is grey: the grey channel is repeated into RGB (`jaxdl.data.imagenet.preprocess` does it) and
# normalised with ImageNet's mean and std. All layers come out of **one** forward pass
# (`extract(..., layers=[...])`), average-pooled over space.

# %%
rows = tables[caption(f"{config.arch}: layer x C")]
for l2 in (True, False):
    table = [{"layer": layer, **{f"C={r['C']:g}": r["test_acc"] for r in rows if r["layer"] == layer and r["l2"] == l2}}
             for layer in config.layers]
    display(Markdown(f"**{'L2-normalised' if l2 else 'raw'} features — test accuracy**\n\n" + markdown_table(table)))
display(Image(OUT / "accuracy_vs_C.png"))
display(Markdown(markdown_table(tables[caption("per class")])))
display(Image(OUT / "confusion.png"))

# %% [markdown]
# **Answer.** Deeper layers are more class-specific: on 15-Scene with the real SqueezeNet 1.0, fire9 and
# conv10 reach 88.2 % (docs/results/transfer.md), fire5 81.8 %. With L2-normalised features C must be large (>= 1); raw
# features are large (norms 300 to 3,300) and scaling features by s acts like multiplying C by s^2, so
# there a small C is best. Limits of feature extraction: the features are fixed (never adapted to
# scenes), the classifier is only linear, and the network's input size and colour space are imposed.
# In quick mode the network is random and the task easy digits: the table shows the mechanics, not the
# course's numbers.
#
# ## The network comparison
#
# One row per network: the course's layer (VGG/AlexNet relu7, ResNet avgpool, SqueezeNet fire9), feature
# dimension, and the test accuracy at the best C. Only SqueezeNet 1.0 has real
# weights here; the others run from a seeded random init — the honest floor of transfer learning.

# %%
if not QUICK:  # the course's networks at 112 px on the first 5 + 5 images of each class
    # (docs/results/transfer.md, 224 px on the first 8 + 8 under load: 1-7 min per network)
    networks = replace(config, size=112, per_class=(5, 5), summary=(), head="none", layers=("fire9",),
                       compare=("squeezenet1_0:fire9", "squeezenet1_1:fire9", "alexnet:relu7", "resnet34:avgpool", "vgg16:relu7"))
    tables |= dict(run(networks, OUT / "networks", progress=False).tables)
display(Markdown(markdown_table(tables[caption("network comparison")])))

# %% [markdown]
# **Answer.** With real ImageNet weights, depth and width pay (course reports: AlexNet 87.1 %, VGG16 relu7
# 88.6-88.8 %, ResNet-152 92.3 % on the full 15-Scene); random-weight features are barely above chance on
# 15-Scene (docs/results/transfer.md: 16-33 % at C = 1 for 15 classes) — what transfers is what ImageNet taught, not the architecture.
#
# ## Instead of the SVM: can the network itself classify? A neural head
#
# Yes: replace the last layer by a 15-way (here 10-way) layer and train it — on cached features this is
# a linear or MLP head (`config.head`) trained with optax, early-stopped on a validation part carved from the
# **training** split (never the test split).

# %%
display(Markdown(markdown_table(tables[caption("neural head")])))

# %% [markdown]
# **Answer.** A neural head reaches the SVM's accuracy (docs/results/transfer.md, 15-Scene fire9: MLP 88.6 %, linear 86.7 %,
# SVM 88.2 %) and can go further by fine-tuning the network's last stages (course reference: ResNet-152,
# layers 3-4, 93.6 %);
# its settings must be chosen on validation images from the training split, or the test accuracy is a
# tuned, optimistic number.
