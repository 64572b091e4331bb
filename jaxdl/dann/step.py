"""One pure training step (jitted by jaxdl.training) for DANN and its baselines, on one TrainState over all parameters.

Methods: "dann" (label loss on source + domain loss through the GRL), "no-grl" (the same three parts and losses, the
domain gradient reaching the features unreversed: the course's question 1), "source-only" (no domain branch),
"target-only" (labels of the target: the upper bound), "pseudo-label" (self-training on confident target predictions,
weighted by the same ramp as lam), "cdan" and "cdan+e" (the domain classifier on the multilinear map of features and
class probabilities, +E weighting its examples by their entropy: jaxdl.dann.cdan; the network is `train.network`'s).
"""

from collections.abc import Callable

import flax.linen as nn
import jax
import jax.numpy as jnp
import optax

from jaxdl.dann import cdan
from jaxdl.dann.schedules import lam_schedule, lr_schedule
from jaxdl.train_state import TrainState

METHODS = ("dann", "source-only", "target-only", "pseudo-label", "no-grl", *cdan.METHODS)
Batch = tuple[jnp.ndarray, jnp.ndarray]


def optimizer(mu0: float, total_steps: int) -> optax.GradientTransformation:
    """The paper's SGD: momentum 0.9, learning rate mu0 / (1 + 10 p)^0.75."""
    return optax.sgd(lr_schedule(mu0, total_steps), momentum=0.9)


def init_state(model: nn.Module, tx: optax.GradientTransformation, key: jax.Array,
               shape: tuple[int, ...] = (1, 32, 32, 3)) -> TrainState:
    """A fresh TrainState with parameters initialised from `key`."""
    return TrainState.start(model.apply, model.init(key, jnp.zeros(shape, jnp.float32)), tx)


def _losses(method: str, outputs: tuple, labels: jnp.ndarray, n_source: int, weight: jnp.ndarray,
            threshold: float) -> tuple[jnp.ndarray, dict]:
    """(total loss, metrics) of `method` from the network outputs on the concatenated source+target batch."""
    logits, domain_logits, _ = outputs
    ce = optax.softmax_cross_entropy_with_integer_labels
    if method == "target-only":
        label_loss = ce(logits[n_source:], labels[n_source:]).mean()
        return label_loss, {"label_loss": label_loss}
    label_loss = ce(logits[:n_source], labels[:n_source]).mean()
    if method == "source-only":
        return label_loss, {"label_loss": label_loss}
    if method == "pseudo-label":
        probs = jax.nn.softmax(jax.lax.stop_gradient(logits[n_source:]))
        mask = probs.max(-1) >= threshold
        pseudo = jnp.where(mask, ce(logits[n_source:], probs.argmax(-1)), 0.0).sum() / jnp.maximum(mask.sum(), 1)
        return label_loss + weight * pseudo, {"label_loss": label_loss, "confident": mask.mean()}
    domain = (jnp.arange(domain_logits.shape[0]) >= n_source).astype(jnp.float32)  # 0 source, 1 target
    bce = optax.sigmoid_binary_cross_entropy(domain_logits, domain)
    if method == "cdan+e":
        w = cdan.entropy_weights(logits, n_source, weight)
        domain_loss = (w * bce).sum() / jax.lax.stop_gradient(w.sum())
    else:
        domain_loss = bce.mean()
    domain_acc = ((domain_logits > 0) == (domain > 0.5)).mean()
    return label_loss + domain_loss, {"label_loss": label_loss, "domain_loss": domain_loss, "domain_acc": domain_acc}


def make_train_step(model: nn.Module, method: str, total_steps: int,
                    lam_max: float = 1.0, threshold: float = 0.9) -> Callable:
    """train_step(state, (source_batch, target_batch), key) -> (state, metrics), pure; lam follows the paper's schedule.

    Metrics: label_loss and lam; "dann", "no-grl", "cdan" and "cdan+e" add domain_loss and domain_acc, "pseudo-label" the fraction of
    confident (pseudo-labelled) target images. "no-grl" passes -1 as the reversal factor: the layer is the identity.
    `key` feeds the 'dropout' stream, so stochastic variants need no new signature.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")

    def train_step(state: TrainState, batch: tuple[Batch, Batch], key: jax.Array) -> tuple[TrainState, dict]:
        source_batch, target_batch = batch
        weight = lam_schedule(state.step / total_steps, lam_max)
        images = jnp.concatenate([source_batch[0], target_batch[0]])
        labels = jnp.concatenate([source_batch[1], target_batch[1]])

        def loss_fn(params: dict) -> tuple[jnp.ndarray, dict]:
            reversal = -1.0 if method == "no-grl" else weight
            outputs = model.apply({"params": params}, images, reversal, rngs={"dropout": key})
            return _losses(method, outputs, labels, source_batch[0].shape[0], weight, threshold)

        (_, metrics), grads = jax.value_and_grad(loss_fn, has_aux=True)(state.params)
        return state.apply_gradients(grads=grads), {**metrics, "lam": weight}

    return train_step
