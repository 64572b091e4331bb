"""The one evaluation of a classifier: (mean loss, accuracy) over padded batches split over the devices.

Every batch has the same padded shape, so one compilation serves them all; the padding rows are masked out and the
sums stay on the device until the end (one transfer).
"""

from collections.abc import Callable, Sequence
from functools import partial

import jax
import jax.numpy as jnp
import numpy as np
import optax
from jax.sharding import Mesh

from jaxdl import parallel
from jaxdl.errors import JaxdlError
from jaxdl.features import batch_size_for

Logits = Callable[[dict, jax.Array], jax.Array]  # (variables, inputs) -> logits; hashable (a model's apply, a function)


@partial(jax.jit, static_argnums=0)
def _sums(logits_fn: Logits, variables: dict, inputs: jax.Array, labels: jax.Array, count: jax.Array) -> tuple[jax.Array, jax.Array]:
    """(summed loss, correct) over the first `count` rows of a padded batch; one compilation per function and shape."""
    logits = logits_fn(variables, inputs)
    real = jnp.arange(len(labels)) < count
    loss = optax.softmax_cross_entropy_with_integer_labels(logits, labels)
    return jnp.where(real, loss, 0).sum(), jnp.where(real, logits.argmax(-1) == labels, False).sum()


def _padded(rows: np.ndarray, size: int) -> np.ndarray:
    """`rows` with zero rows appended up to `size` (any number of dimensions)."""
    return np.pad(rows, [(0, size - len(rows))] + [(0, 0)] * (rows.ndim - 1))


def evaluate(logits_fn: Logits, variables: dict, inputs: Sequence, labels: np.ndarray, indices: np.ndarray | None = None,
             batch_size: int = 64, mesh: Mesh | None = None) -> tuple[float, float]:
    """(mean loss, accuracy) of `logits_fn` on `inputs[indices]` (default all; an array or a lazy sequence of rows)."""
    mesh = mesh or parallel.data_mesh()
    labels = np.asarray(labels)
    indices = np.arange(len(labels)) if indices is None else np.asarray(indices)
    if len(indices) == 0:
        raise JaxdlError("nothing to evaluate: no inputs")
    if len(inputs) != len(labels):
        raise JaxdlError(f"{len(inputs)} inputs but {len(labels)} labels")
    size = batch_size_for(batch_size, len(indices), mesh.size)
    variables = parallel.put_replicated(variables, mesh)
    loss = correct = 0
    for start in range(0, len(indices), size):
        chosen = indices[start:start + size]
        rows = np.stack([np.asarray(inputs[int(i)], np.float32) for i in chosen])
        batch = _padded(rows, size), _padded(labels[chosen], size)
        summed, right = _sums(logits_fn, variables, *parallel.put_batch(batch, mesh), len(chosen))
        loss, correct = loss + summed, correct + right
    loss, correct = jax.device_get((loss, correct))
    return float(loss) / len(indices), float(correct) / len(indices)
