"""One pure DCGAN training iteration over two TrainStates (D step, then G step), jitted by jaxdl.training.

As in the PyTorch DCGAN recipe, G runs forward once per iteration: `jax.vjp` keeps its
pullback, D is updated on real and detached fake images, then the gradient of G's loss
w.r.t. the fake images (through the updated D) is pulled back to G's parameters.
Randomness (z, fake labels) comes only from the explicit `key`.
"""

from collections.abc import Callable
from functools import partial

import flax.linen as nn
import jax
import jax.numpy as jnp
import optax
from flax import struct

from jaxdl import parallel
from jaxdl.gan.losses import GENERATOR_LOSSES, discriminator_loss
from jaxdl.models.dcgan import Discriminator, Generator
from jaxdl.train_state import TrainState


class GanState(struct.PyTreeNode):
    """Both players (one TrainState each) and the iteration count: everything a checkpoint needs to resume bit-identically."""

    g: TrainState
    d: TrainState
    step: jax.Array


def dcgan_adam(learning_rate: float = 2e-4, b1: float = 0.5) -> optax.GradientTransformation:
    """Adam as in the DCGAN paper (lr 2e-4, beta1 0.5): beta1 0.9 makes GAN training oscillate."""
    return optax.adam(learning_rate, b1=b1)


def _player(model: nn.Module, tx: optax.GradientTransformation, key: jax.Array, *inputs) -> TrainState:
    """Initialise one network on example inputs and its optimiser state."""
    return TrainState.start(model.apply, model.init(key, *inputs, train=False), tx)


@partial(jax.jit, static_argnums=(0, 1, 3, 4))
def init_state(g: Generator, d: Discriminator, key: jax.Array, g_tx: optax.GradientTransformation,
               d_tx: optax.GradientTransformation) -> GanState:
    """Fresh DCGAN-initialised players for images of d's size with g's channel count."""
    g_key, d_key = jax.random.split(key)
    labels = jnp.zeros((1,), jnp.int32) if g.num_classes else None
    images = jnp.zeros((1, g.image_size, g.image_size, g.channels))
    return GanState(_player(g, g_tx, g_key, jnp.zeros((1, g.nz)), labels),
                    _player(d, d_tx, d_key, images, labels), jnp.zeros((), jnp.int32))


def sample_inputs(g: Generator, key: jax.Array, n: int) -> tuple[jax.Array, jax.Array | None]:
    """z ~ N(0, I) of shape (n, nz) and, for a conditional G, uniform labels."""
    z_key, y_key = jax.random.split(key)
    labels = jax.random.randint(y_key, (n,), 0, g.num_classes) if g.num_classes else None
    return jax.random.normal(z_key, (n, g.nz)), labels


@partial(jax.jit, static_argnums=0)
def generate(g: Generator, player: TrainState, z: jax.Array, labels: jax.Array | None = None) -> jax.Array:
    """Samples in eval mode (BatchNorm running statistics), images in [-1, 1]."""
    return g.apply({"params": player.params, "batch_stats": player.batch_stats}, z, labels, train=False)


def _train_forward(model: nn.Module, params: dict, batch_stats: dict, *inputs) -> tuple[jax.Array, dict]:
    """A train-mode forward pass: (output, updated BatchNorm statistics)."""
    out, updated = model.apply({"params": params, "batch_stats": batch_stats}, *inputs, train=True,
                               mutable=["batch_stats"])
    return out, updated["batch_stats"]


def make_train_step(g: Generator, d: Discriminator, g_loss: str = "nonsaturating") -> Callable:
    """`train_step(state, (images, labels or None), key) -> (state, metrics)`, pure (jaxdl.training jits it once per run)."""
    g_loss_fn = GENERATOR_LOSSES[g_loss]

    def train_step(state: GanState, batch: tuple[jax.Array, jax.Array | None], key: jax.Array) -> tuple[GanState, dict]:
        images, labels = batch
        z, fake_labels = jax.tree.map(parallel.batch_split, sample_inputs(g, key, images.shape[0]))  # per device, like images
        fake, g_pullback, g_stats = jax.vjp(
            lambda p: _train_forward(g, p, state.g.batch_stats, z, fake_labels), state.g.params, has_aux=True)

        def d_objective(params: dict) -> tuple[jax.Array, tuple]:
            real_logits, stats = _train_forward(d, params, state.d.batch_stats, images, labels)
            fake_logits, stats = _train_forward(d, params, stats, fake, fake_labels)
            return discriminator_loss(real_logits, fake_logits), (stats, real_logits, fake_logits)

        (d_loss, (d_stats, real_logits, fake_logits)), d_grads = jax.value_and_grad(d_objective, has_aux=True)(
            state.d.params)
        d_player = state.d.apply_gradients(grads=d_grads, batch_stats=d_stats)

        def g_objective(fake_images: jax.Array) -> tuple[jax.Array, tuple]:
            logits, stats = _train_forward(d, d_player.params, d_player.batch_stats, fake_images, fake_labels)
            return g_loss_fn(logits), (stats, logits)

        (g_value, (d_stats, fake_logits_after)), fake_grads = jax.value_and_grad(g_objective, has_aux=True)(fake)
        (g_grads,) = g_pullback(fake_grads)
        new_state = GanState(state.g.apply_gradients(grads=g_grads, batch_stats=g_stats), d_player.replace(batch_stats=d_stats),
                             state.step + 1)
        metrics = {
            "d_loss": d_loss, "g_loss": g_value,
            "d_real": jnp.mean(jax.nn.sigmoid(real_logits)),
            "d_fake": jnp.mean(jax.nn.sigmoid(fake_logits)),
            "d_fake_after": jnp.mean(jax.nn.sigmoid(fake_logits_after)),
        }
        return new_state, metrics

    return train_step
