"""Fine-tuning an ImageNet CNN instead of an SVM on its features: a fresh n-way classifier, all but the last stages frozen.

The course's partitions (`STAGES`): a choice names the stages that are trained, always with the new classifier;
everything before them is frozen: `optax.set_to_zero` in an `optax.multi_transform`, so its parameters stay
bit-identical. The network runs in two parts (the named layers allow it): the frozen part in inference mode
(BatchNorm uses and keeps its running statistics, no dropout) under `stop_gradient`, then the trained part in
training mode from that activation on (`start=`), whose BatchNorm statistics are updated.
"""

import functools
from collections.abc import Callable

import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np
import optax

from jaxdl import models
from jaxdl.errors import JaxdlError
from jaxdl.train_state import TrainState
from jaxdl.transfer.augment import augment

# family -> {choice: the first trained layer (None: every layer)}, in the course's order (fewest trained first).
STAGES = {
    "squeezenet": {"conv10": "conv10", "fire9-conv10": "fire9", "fire7-conv10": "fire7", "all": None},
    "resnet": {"layer4": "layer4", "layer3-4": "layer3", "layer2-4": "layer2", "all": None},
    "vgg": {"fc": "fc6", "conv5-fc": "conv5_1", "all": None},
    "alexnet": {"fc": "fc6", "conv5-fc": "conv5", "all": None},
}


def family_stages(arch: str) -> dict[str, str | None]:
    """{choice: first trained layer} of `arch`'s family (squeezenet, resnet, vgg, alexnet)."""
    return STAGES[models.family(arch).__name__.rsplit(".", 1)[-1]]


def stage_choices(arch: str) -> tuple[str, ...]:
    """The stage choices of `arch`'s family, fewest trained layers first."""
    return tuple(family_stages(arch))


def frozen_until(model: nn.Module, arch: str, choice: str) -> str | None:
    """The last frozen layer of `choice` (None: nothing frozen); a JaxdlError names the valid choices for `arch`."""
    choices = family_stages(arch)
    if choice not in choices:
        raise JaxdlError(f"unknown stage choice {choice!r} for {arch}; choose one of: {', '.join(choices)}")
    first, names = choices[choice], model.layer_names()
    return None if first is None else names[names.index(first) - 1]


def trainable_labels(model: nn.Module, params: dict, last_frozen: str | None) -> dict:
    """params' tree with "train" on every leaf of a layer after `last_frozen`, "frozen" on the others."""
    names = model.layer_names()
    cut = -1 if last_frozen is None else names.index(last_frozen)
    label = {layer: "train" if names.index(layer) > cut else "frozen" for layer in params}
    return {layer: jax.tree.map(lambda _, name=label[layer]: name, sub) for layer, sub in params.items()}


def count_trainable(params: dict, labels: dict) -> int:
    """How many parameters are trained (labelled "train")."""
    return sum(int(np.prod(p.shape)) for p, label in zip(jax.tree.leaves(params), jax.tree.leaves(labels)) if label == "train")


def with_new_classifier(model: nn.Module, variables: dict, key: jax.Array, size: int = 224) -> dict:
    """`variables` (e.g. ImageNet's) with the classifier, the last layer with parameters, replaced by `model`'s
    freshly initialised one (its `num_classes` outputs); initialised alone from the shape of its input."""
    names = [name for name in model.layer_names() if name in variables["params"]]
    before = model.layer_names()[model.layer_names().index(names[-1]) - 1]
    image = jax.ShapeDtypeStruct((1, size, size, 3), jnp.float32)
    shape = jax.eval_shape(lambda v, x: model.apply(v, x, layer=before), variables, image)
    fresh = jax.jit(functools.partial(model.init, start=before))(key, jnp.zeros(shape.shape, shape.dtype))["params"]
    return {**variables, "params": {**variables["params"], **fresh}}


def optimizer(tx: optax.GradientTransformation, labels: dict) -> optax.GradientTransformation:
    """`tx` on the trained parameters, zero updates (hence no change, no optimiser state) on the frozen ones."""
    return optax.multi_transform({"train": tx, "frozen": optax.set_to_zero()}, labels)


def forward(model: nn.Module, state: TrainState, inputs: jax.Array, last_frozen: str | None, key: jax.Array,
            start: str | None = None) -> tuple[jax.Array, dict]:
    """(training logits, new BatchNorm statistics): the frozen part in inference mode without gradient, the rest in
    training mode (dropout from `key`, batch statistics) from the activation of `last_frozen` on. `inputs` are the
    images, or the activations of layer `start` (a cache of the frozen part up to there)."""
    variables = state.variables()
    x = inputs
    if last_frozen is not None and last_frozen != start:
        x = jax.lax.stop_gradient(model.apply(variables, inputs, train=False, start=start, layer=last_frozen))
    logits, updated = model.apply(variables, x, train=True, start=last_frozen, rngs={"dropout": key}, mutable=["batch_stats"])
    return logits, {**state.batch_stats, **updated.get("batch_stats", {})}


def make_train_step(model: nn.Module, last_frozen: str | None, size: int = 224,
                    scale: tuple[float, float] | None = (0.08, 1.0), start: str | None = None) -> Callable:
    """The pure `train_step(state, (inputs, labels), key) -> (state, {"loss", "accuracy"})`: augment the normalised
    NHWC batch (random resized crop of area fraction `scale` to size x size + flip; `scale=None`: no augmentation),
    softmax cross-entropy, one update of the state's optimiser. With `start`, the inputs are the (cached)
    activations of that frozen layer instead of images, which cannot be augmented."""
    if start is not None and scale is not None:
        raise JaxdlError(f"inputs cached at {start!r} cannot be augmented: pass scale=None")

    def train_step(state: TrainState, batch: tuple[jax.Array, jax.Array], key: jax.Array) -> tuple[TrainState, dict]:
        inputs, labels = batch
        augment_key, dropout_key = jax.random.split(key)
        if scale is not None:
            inputs = augment(augment_key, inputs, size, scale)

        def loss_fn(params: dict) -> tuple[jax.Array, tuple[jax.Array, dict]]:
            logits, stats = forward(model, state.replace(params=params), inputs, last_frozen, dropout_key, start)
            return optax.softmax_cross_entropy_with_integer_labels(logits, labels).mean(), (logits, stats)

        (loss, (logits, stats)), grads = jax.value_and_grad(loss_fn, has_aux=True)(state.params)
        return state.apply_gradients(grads=grads, batch_stats=stats), {"loss": loss, "accuracy": (logits.argmax(-1) == labels).mean()}

    return train_step
