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
# # Practical 2 — Network visualization: saliency, fooling images, class visualization
#
# Every method is a `jax.grad` of a pure function of the image, in the course's **normalised** space.
# Each question is answered on the embedded digits CNN (a SmallCNN trained in seconds on scikit-learn's
# digits, 32x32 grey, cached); in real mode (`JAXDL_QUICK=0` with `../shared` present) also on the real
# ImageNet SqueezeNet 1.0 with the course's 25 ImageNet images. The subjects, saliency maps and fooling
# images come from the same config and functions as `jaxdl visualize` and `jaxdl run` (`SubjectConfig`,
# `write_saliency`, `write_attack`).

# %%
from IPython.display import Image, Markdown, display
from nbsetup import quick_mode, run_dir, shared_dir

from jaxdl.keys import prng_key
from jaxdl.report import markdown_table
from jaxdl.visualize.adversarial_outputs import AttackSettings, write_attack
from jaxdl.visualize.attribution_outputs import SaliencySettings, write_saliency
from jaxdl.visualize.classviz import COURSE_TARGETS, CourseSettings, course_ascent, visualize_classes
from jaxdl.visualize.classviz_outputs import save_figure, scores
from jaxdl.visualize.config import SubjectConfig, course_fooling_target, subject_of

QUICK, SHARED, OUT = quick_mode(), shared_dir(), run_dir("visualization")
print(f"quick mode: {QUICK}; shared data: {SHARED}; outputs in {OUT}")

configs = {"digits": SubjectConfig(images=8)}
if not QUICK:
    configs["squeezenet"] = SubjectConfig(inputs=(str(SHARED / "data" / "imagenet_val_25.npz"),), arch="squeezenet1_0",
                                          weights=str(SHARED / "weights" / "squeezenet1_0-imagenet-dc.safetensors"), images=0)
subjects = {name: subject_of(config)[:2] for name, config in configs.items()}
for subject, inputs in subjects.values():
    logits = subject.logits(subject.variables, subject.to_normalized(inputs.pixels))
    print(f"{subject.name}: {len(inputs.pixels)} images, top-1 {float((logits.argmax(-1) == inputs.labels).mean()):.2f}")

# %% [markdown]
# ## Saliency maps: show and interpret them
#
# Saliency = |d logit_c / dx|, max over the colour channels (Simonyan et al. 2014): the logit, not the
# loss, differentiated w.r.t. the normalised image; one `jax.grad` of the summed selected logits gives
# every image of the batch its own map (`jaxdl.visualize.saliency.saliency`, which `write_saliency` runs
# in fixed-size batches for each image's true class):
#
# ```python
# grads = jax.grad(lambda x: model.apply(variables, x)[jnp.arange(len(x)), classes].sum())(x)
# maps = jnp.abs(grads).max(axis=-1)
# ```

# %%
for name, (subject, inputs) in subjects.items():
    (OUT / name).mkdir(exist_ok=True)
    figure, maps = write_saliency(subject, inputs, SaliencySettings(show=5), configs[name].seed, OUT / name, progress=False)
    display(Image(figure))

# %% [markdown]
# **Answer.** The maps light up where a small change most moves the class score: the strokes of the
# digit (and the gaps that tell a 3 from an 8); on ImageNet images, mostly the object, with texture
# edges. Limits: a gradient is a *local*, first-order explanation — noisy, saturated where ReLUs are
# off, blind to what the score depends on non-linearly (SmoothGrad and integrated gradients,
# `jaxdl visualize saliency --method smoothgrad|ig`, answer part of this), and SqueezeNet's ReLU'd logits
# give an all-zero map for a class whose map is negative everywhere. Other uses: weakly supervised
# localisation/segmentation (threshold the map), checking a network looks at the object rather than a
# spurious background cue, and as the gradient behind the adversarial examples below.
#
# ## Fooling images: interpret them
#
# The course's method: `x <- x + lr * g / ||g||_2`, g = d logit_target / dx, until the network predicts
# the target (one jitted `lax.while_loop` over the whole batch; each image stops at its first success).

# %%
for name, (subject, inputs) in subjects.items():  # the course's targets: 8 on the digits, 6 "stingray" on ImageNet
    config = configs[name]
    write_attack(subject, inputs, AttackSettings(), course_fooling_target(config), config.seed, OUT / name, progress=False)
    display(Markdown((OUT / name / "adversarial_fooling.md").read_text()))
    display(Image(OUT / name / "adversarial_fooling.png"))

# %% [markdown]
# **Answer.** A few normalised steps of L2 length 1 — changes hardly visible (the difference is shown x10)
# — turn every image into the target class: the network's decision is not where a human's is, and its
# class regions come within a short distance of almost every image. Consequences: an attacker who can
# query gradients (or a substitute network: attacks transfer) can make a model see what they want —
# traffic signs, spam filters, content moderation — and adversarial training is needed for robust models.
# Limits of this naive method: it needs white-box gradients, ignores the valid pixel range (no clamping:
# the image may leave [0, 1]), stops at the first success (a barely-fooled, fragile example), and
# measures no perceptual distance. Alternatives: FGSM/PGD with an eps budget in pixel space
# (`jaxdl visualize adversarial --attack pgd`), the one-pixel attack, universal perturbations.
#
# ## Class visualization: show and interpret
#
# Gradient ascent on the input for `logit_c - 1e-3 ||x||_2`: the course's jitter (circular roll),
# clamping to the normalised image of [0, 1] and a Gaussian blur every 10 iterations, 200 iterations as
# one jitted `lax.scan` batched over the targets. For the 32-px digits: lr 1 and a 2-px jitter (the
# course's 16 px at 224 scaled).

# %%
settings = {"digits": CourseSettings(iterations=30 if QUICK else 200, lr=1.0, max_jitter=2), "squeezenet": CourseSettings()}
classes = {"digits": range(10), "squeezenet": COURSE_TARGETS}
ascents, results = {}, {}
for name, (subject, inputs) in subjects.items():
    ascents[name] = course_ascent(subject.logits, settings[name].sigma)  # compiled once, reused below
    results[name] = visualize_classes(subject, classes[name], prng_key(0), settings=settings[name], shape=inputs.pixels.shape[1:],
                                      progress=False, advance=ascents[name])
    display(Markdown(markdown_table(scores(subject, results[name]))))
    display(Image(save_figure(subject, [(subject.name, results[name])], OUT / f"classviz_{name}.png")))

# %% [markdown]
# **Answer.** Each image reaches a near-certain score for its class (docs/visualize/real-squeezenet.md, real SqueezeNet 1.0: softmax
# probability 1.00 for all 7 course targets) while looking little like a photograph: the network responds
# to class-specific *local patterns and textures*, repeated wherever they raise the score, not to one
# well-composed object. The course's pixel ascent saturates into high-frequency colour noise; the
# regularisers (L2, blur, jitter) only hold that back — a Fourier, colour-decorrelated parametrisation
# (`jaxdl visualize classviz --param fourier`) gives clearer structures.
#
# ## Vary the number of iterations, the learning rate and the regularisation

# %%
variations = {"iterations / 3": {"iterations": settings["digits"].iterations // 30 * 10},  # a multiple of the 10-iteration frames
              "lr x 5": {"lr": 5 * settings["digits"].lr}, "L2 weight x 100": {"l2_reg": 0.1}, "no blur": {"blur_every": 0}}
subject, inputs = subjects["digits"]
rows = [("course settings", results["digits"])]
for label, change in variations.items():
    varied = CourseSettings(**{**vars(settings["digits"]), **change})
    rows.append((label, visualize_classes(subject, classes["digits"], prng_key(0), settings=varied, shape=inputs.pixels.shape[1:],
                                          progress=False, advance=ascents["digits"])))
display(Image(save_figure(subject, rows, OUT / "classviz_variations.png", size=1.2)))

# %% [markdown]
# **Answer.** On the small digits CNN every variation still reaches p = 1.00: its scores are easy to
# saturate, so what changes is the picture. A third of the iterations leaves the pattern less developed;
# lr x 5 drives more pixels to the clamp bounds (harsher strokes); the L2 penalty only matters when its
# gradient is comparable to the logit's (x100 here changes little); without the blur the dotted
# high-frequency texture is sharper. `course_ascent` is compiled once and every variation reuses it: the
# settings are arguments of the jitted loop, not constants baked into it.
#
# ## Start from a real image instead of noise

# %%
for name, (subject, inputs) in subjects.items():
    target = {"digits": 3, "squeezenet": 113}[name]  # 113: snail
    init = subject.to_normalized(inputs.pixels[:1])
    result = visualize_classes(subject, [target], prng_key(1), init=init, settings=settings[name], progress=False, advance=ascents[name])
    display(Markdown(markdown_table(scores(subject, result))))
    display(Image(save_figure(subject, [(f"from {inputs.names[0]}", result)], OUT / f"classviz_from_image_{name}.png")))

# %% [markdown]
# **Answer.** Starting from an image, the ascent keeps its layout and paints the target's features into
# it (docs/visualize/real-squeezenet.md: image 0 towards "snail", probability 1.00) — the fooling images' mechanism
# run much longer, with regularisation: what the network needs to see the class, drawn onto the image.
