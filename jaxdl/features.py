"""Intermediate-layer features of a model: batched, jitted once, sharded over all devices.

`extract(model, variables, images, "fire9")` runs the network only up to `fire9`
(the models stop at `layer=`); `extract(..., layers=["fire5", "fire9"])` returns both
from one pass that stops at fire9. One fixed-shape batch at a time: the last batch is
padded, so a single compilation serves every batch. With several devices each batch
is split over them along the batch axis and the variables are replicated; across processes (`--distributed`)
each process decodes only its share of every batch and every process receives all the features.
`pool="avg"` (or "max") reduces a spatial activation to one vector per image on the device,
so e.g. fire9's 13x13x512 map becomes 512 numbers before it is copied to the host.
"""

import collections
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import partial
from pathlib import Path

import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np
from jax.experimental import multihost_utils
from tqdm.auto import tqdm

from jaxdl import parallel
from jaxdl.errors import JaxdlError
from jaxdl.models.named import check_layer

POOLS = {"avg": jnp.mean, "max": jnp.max}


def check_pool(pool: str | None) -> None:
    """Raise a JaxdlError unless `pool` is None or one of POOLS."""
    if pool is not None and pool not in POOLS:
        raise JaxdlError(f"unknown pool {pool!r}; choose one of: {', '.join(POOLS)} (or none)")


def pooled(out: jnp.ndarray, pool: str | None) -> jnp.ndarray:
    """`out` reduced over its spatial axes by `pool` when it is an NHWC map, else unchanged."""
    return POOLS[pool](out, axis=(1, 2)) if pool and out.ndim == 4 else out


@partial(jax.jit, static_argnames=("model", "layer", "pool"))
def forward(variables: dict, images: jax.Array, model: nn.Module, layer: str | tuple[str, ...] | None,
            pool: str | None) -> jax.Array | dict[str, jax.Array]:
    """The activation at `layer` (spatially pooled if `pool` and 4-D), or {name: activation} for a tuple of layers
    (one pass). Compiled once per (model, layer, pool, batch shape): models compare by value, parameters are arguments,
    and a batch split over devices stays split (the computation follows the data)."""
    out = model.apply(variables, images, train=False, layer=layer)
    return jax.tree.map(lambda a: pooled(a, pool), out)


def batch_size_for(requested: int, num_images: int, num_devices: int) -> int:
    """The batch size used: `requested` (or fewer if there are fewer images) rounded up to a multiple of the devices."""
    if requested < 1:
        raise JaxdlError(f"batch_size must be at least 1, got {requested}")
    size = min(requested, num_images)
    return -(-size // num_devices) * num_devices


def padded(batch: np.ndarray, size: int) -> np.ndarray:
    """The batch as float32 with zero images appended up to `size` rows (same shape every batch: one compilation)."""
    batch = np.asarray(batch, dtype=np.float32)
    if batch.ndim != 4:
        raise JaxdlError(f"images must be an NHWC batch (4 dimensions), got shape {batch.shape}")
    return np.pad(batch, [(0, size - len(batch))] + [(0, 0)] * 3)


def padded_batches(images: Sequence, size: int) -> Iterator[tuple[slice, np.ndarray]]:
    """(rows of `images`, that batch padded to `size`) for consecutive batches: one shape, one compilation."""
    for start in range(0, len(images), size):
        yield slice(start, min(start + size, len(images))), padded(images[start : start + size], size)


def process_batches(images: Sequence, size: int) -> Iterator[tuple[int, np.ndarray]]:
    """(first row, this process's share of the batch padded to its share of `size`) for consecutive batches of `size`
    rows: one shape, one compilation; each process decodes only its own images (all of them when alone)."""
    share, num = parallel.process_rows(size), len(images)
    for start in range(0, num, size):
        lo, hi = start + share.start, start + share.stop
        local = images[lo:hi] if lo < num else np.asarray(images[num - 1:num])[:0]  # a share past the last image: none
        yield start, padded(local, share.stop - share.start)


def one_ahead(items: Iterable) -> Iterator:
    """Yield each item only once the next one has been produced: with JAX's asynchronous dispatch the
    device computes batch i while the host prepares batch i+1."""
    queue = collections.deque()
    for item in items:
        queue.append(item)
        if len(queue) > 1:
            yield queue.popleft()
    yield from queue


def extract(
    model: nn.Module,
    variables: dict,
    images: Sequence,
    layer: str | None = None,
    batch_size: int = 64,
    progress: bool = True,
    pool: str | None = None,
    layers: Sequence[str] | None = None,
) -> np.ndarray | dict[str, np.ndarray]:
    """The activations at `layer` (None: logits) of all images, as one numpy array with the images' order;
    with `layers=[...]` instead, {name: array} of every one of them from a single forward pass.

    `images` is an NHWC float array, or any sequence whose slices `images[i:j]` are NHWC batches
    (e.g. a lazily decoded data set), so the whole data set need not fit in memory.
    `pool` ("avg", "max") reduces an NHWC activation over its spatial axes to (N, C).
    """
    wanted = layer if layers is None else tuple(dict.fromkeys(layers))  # a tuple: one pass, a dict out
    for name in wanted if layers is not None else [layer]:
        check_layer(name, model.layer_names())
    if layers is not None and not wanted:
        raise JaxdlError("no layers to extract")
    check_pool(pool)
    num = len(images)
    if num == 0:
        raise JaxdlError("no images to extract features from")
    size = batch_size_for(batch_size, num, jax.device_count())
    mesh = parallel.data_mesh()
    variables = parallel.put_replicated(variables, mesh)
    running = ((start, parallel.gathered(forward(variables, parallel.put_local(local, size, mesh), model, wanted, pool),
                                         size, mesh))
               for start, local in process_batches(images, size))
    desc = f"features {','.join(wanted) if layers is not None else layer or 'logits'}"
    features: dict = {}
    for start, result in tqdm(one_ahead(running), total=-(-num // size), desc=desc, disable=not progress):
        for name, block in result.items() if layers is not None else [(layer, result)]:
            block = np.asarray(block)[: num - start]
            if name not in features:
                features[name] = np.empty((num, *block.shape[1:]), block.dtype)
            features[name][start : start + len(block)] = block
    return {name: features[name] for name in wanted} if layers is not None else features[layer]  # in the order asked


def save(path: Path, array: np.ndarray) -> None:
    """`array` saved as .npy at `path` atomically (written beside it, then renamed): never a half-written cache file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial.npy")
    np.save(partial, array)
    partial.replace(path)


def cached(path: str | Path, compute: Callable[[], np.ndarray]) -> np.ndarray:
    """The array saved at `path` (.npy) if it exists, else `compute()` saved there first (atomically)."""
    return cached_layers({None: Path(path)}, lambda missing: {None: compute()})[None]


def cached_layers(paths: dict, compute: Callable[[list], dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """{layer: array} for every layer of `paths` ({layer: .npy path}): those saved are read back, the missing
    ones come from ONE call `compute(missing layers)` (one forward pass) and are saved, each to its own file."""
    missing = [layer for layer, path in paths.items() if not Path(path).exists()]
    computed = compute(missing) if missing else {}
    for layer in missing if parallel.primary() else ():  # one process writes; all see the files after the barrier
        save(Path(paths[layer]), computed[layer])
    if missing and jax.process_count() > 1:
        multihost_utils.sync_global_devices("jaxdl: features cached")
    return {layer: computed[layer] if layer in computed else np.load(path) for layer, path in paths.items()}
