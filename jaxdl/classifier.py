"""A small CNN classifier (SmallCNN) trained once on labelled images and cached on disk: the GAN scorer, the visualization practical's digits network.

The cache file is named after a hash of the training data, so new data means a new classifier.
"""

import hashlib
from pathlib import Path

import flax.serialization
import jax
import jax.numpy as jnp
import numpy as np
import optax
from tqdm.auto import trange

from jaxdl.data.tfds_io import data_dir
from jaxdl.keys import prng_key
from jaxdl.models.small import SmallCNN


def _fingerprint(images: np.ndarray, labels: np.ndarray, epochs: int, seed: int) -> str:
    """A short hash of the training data and settings."""
    digest = hashlib.sha256(np.ascontiguousarray(images).tobytes())
    digest.update(np.ascontiguousarray(labels).tobytes() + f"{epochs}/{seed}".encode())
    return digest.hexdigest()[:16]


def train_classifier(images: np.ndarray, labels: np.ndarray, num_classes: int, epochs: int = 5,
                     batch_size: int = 64, seed: int = 0) -> dict:
    """Adam(1e-3) on softmax cross-entropy; returns the variables of a SmallCNN."""
    model, tx = SmallCNN(num_classes), optax.adam(1e-3)
    params = jax.jit(model.init)(prng_key(seed), jnp.asarray(images[:1]))["params"]
    opt_state = tx.init(params)

    @jax.jit
    def step(params, opt_state, x, y):
        loss_fn = lambda p: optax.softmax_cross_entropy_with_integer_labels(model.apply({"params": p}, x), y).mean()  # noqa: E731
        grads = jax.grad(loss_fn)(params)
        updates, opt_state = tx.update(grads, opt_state, params)
        return optax.apply_updates(params, updates), opt_state

    rng = np.random.default_rng(seed)
    for _ in trange(epochs, desc="training the scoring classifier", leave=False):
        order = rng.permutation(len(images))
        for start in range(0, len(order) - batch_size + 1, batch_size):
            batch = order[start:start + batch_size]
            params, opt_state = step(params, opt_state, images[batch], labels[batch])
    return {"params": params}


def cached_classifier(images: np.ndarray, labels: np.ndarray, num_classes: int, epochs: int = 5,
                      seed: int = 0, cache_dir: str | Path | None = None) -> dict:
    """The classifier's variables: read from `cache_dir` (default <data dir>/jaxdl_scorers) or trained and written there."""
    path = Path(cache_dir or data_dir() / "jaxdl_scorers") / f"smallcnn_{_fingerprint(images, labels, epochs, seed)}.msgpack"
    if path.is_file():
        return flax.serialization.msgpack_restore(path.read_bytes())
    variables = train_classifier(images, labels, num_classes, epochs, seed=seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(flax.serialization.to_bytes(variables))
    tmp.replace(path)
    return variables
