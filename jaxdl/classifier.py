"""A small CNN classifier (SmallCNN) trained once on labelled images and cached on disk: the GAN scorer, the visualization practical's digits network.

The cache file is named after a hash of the training data, so new data means a new classifier.
"""

import hashlib
from collections.abc import Iterator
from pathlib import Path

import flax.serialization
import jax
import jax.numpy as jnp
import numpy as np
import optax

from jaxdl import training
from jaxdl.data.tfds_io import data_dir
from jaxdl.keys import prng_key
from jaxdl.models.small import SmallCNN
from jaxdl.train_state import TrainState


def _fingerprint(images: np.ndarray, labels: np.ndarray, epochs: int, seed: int) -> str:
    """A short hash of the training data and settings (v2: batches of (seed, epoch) permutations)."""
    digest = hashlib.sha256(np.ascontiguousarray(images).tobytes())
    digest.update(np.ascontiguousarray(labels).tobytes() + f"{epochs}/{seed}/v2".encode())
    return digest.hexdigest()[:16]


def train_classifier(images: np.ndarray, labels: np.ndarray, num_classes: int, epochs: int = 5, batch_size: int = 64,
                     seed: int = 0, out: str | Path | None = None, progress: bool = True) -> dict:
    """Adam(1e-3) on softmax cross-entropy over (seed, epoch) permutations; returns the variables of a SmallCNN.

    With `out`, the run is checkpointed there and resumes (jaxdl.training).
    """
    model, tx = SmallCNN(num_classes), optax.adam(1e-3)
    params = jax.jit(model.init)(prng_key(seed), jnp.asarray(images[:1]))["params"]
    state = TrainState.start(model.apply, {"params": params}, tx)

    def train_step(state: TrainState, batch: tuple[jax.Array, jax.Array], key: jax.Array) -> tuple[TrainState, dict]:
        loss_fn = lambda p: optax.softmax_cross_entropy_with_integer_labels(model.apply({"params": p}, batch[0]), batch[1]).mean()  # noqa: E731
        loss, grads = jax.value_and_grad(loss_fn)(state.params)
        return state.apply_gradients(grads=grads), {"loss": loss}

    def batches(epoch: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        order = training.epoch_order(seed, epoch, len(images))
        for start in range(0, len(order) - batch_size + 1, batch_size):
            yield images[order[start:start + batch_size]], labels[order[start:start + batch_size]]

    settings = training.Settings(epochs, len(images) // batch_size, prng_key(seed), out=out, progress=progress,
                                 desc="training the classifier")
    state, _ = training.fit(state, train_step, batches, settings)
    return {"params": jax.device_get(state.params)}


def cached_classifier(images: np.ndarray, labels: np.ndarray, num_classes: int, epochs: int = 5,
                      seed: int = 0, cache_dir: str | Path | None = None, progress: bool = True) -> dict:
    """The classifier's variables: read from `cache_dir` (default <data dir>/jaxdl_scorers) or trained and written there."""
    path = Path(cache_dir or data_dir() / "jaxdl_scorers") / f"smallcnn_{_fingerprint(images, labels, epochs, seed)}.msgpack"
    if path.is_file():
        return flax.serialization.msgpack_restore(path.read_bytes())
    variables = train_classifier(images, labels, num_classes, epochs, seed=seed, progress=progress)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(flax.serialization.to_bytes(variables))
    tmp.replace(path)
    return variables
