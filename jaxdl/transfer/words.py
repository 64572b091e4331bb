"""Visual words: a k-means vocabulary of SIFT descriptors and the assignment of descriptors to words.

The vocabulary is scikit-learn's MiniBatchKMeans fed a seeded random sample of training
descriptors (Lazebnik et al. cluster a random subset of patches), one mini-batch at a time so
a progress bar can follow it. Assignment is a jitted nearest-centre search: hard (the nearest
word, weight 1) or soft (the `knn` nearest words, Gaussian weights summing to 1: van Gemert's
kernel codebook restricted to the nearest words).
"""

from collections.abc import Callable, Iterator

import jax
import jax.numpy as jnp
import numpy as np
from sklearn.cluster import MiniBatchKMeans
from tqdm.auto import tqdm

from jaxdl.errors import JaxdlError
from jaxdl.transfer.sift import from_bytes

ASSIGNMENTS = {"hard": 1, "soft": 5}  # how many nearest words share a descriptor


def check_assign(mode: str) -> None:
    """Raise a JaxdlError unless `mode` is one of ASSIGNMENTS."""
    if mode not in ASSIGNMENTS:
        raise JaxdlError(f"unknown assignment {mode!r}; choose one of: {', '.join(ASSIGNMENTS)}")


def sample(descriptors: np.ndarray, size: int, seed: int) -> np.ndarray:
    """`size` rows drawn without replacement (seeded), as float32 (all rows if there are fewer)."""
    rng = np.random.default_rng(seed)
    rows = np.sort(rng.choice(len(descriptors), min(size, len(descriptors)), replace=False))
    return from_bytes(descriptors[rows])


def vocabulary(
    samples: np.ndarray, words: int, seed: int, epochs: int = 10, batch_size: int = 10_000, progress: bool = True
) -> np.ndarray:
    """(words, D) float32 k-means centres of `samples`: MiniBatchKMeans, `epochs` shuffled passes (seeded)."""
    if words < 2 or len(samples) < words:
        raise JaxdlError(f"a vocabulary of {words} words needs at least 2 words and as many sampled descriptors (got {len(samples)})")
    batch_size = max(batch_size, 3 * words)  # k-means++ initialises on the first batch
    kmeans = MiniBatchKMeans(n_clusters=words, random_state=seed, batch_size=batch_size, n_init=1)
    rng = np.random.default_rng(seed)
    batches = [(epoch, start) for epoch in range(epochs) for start in range(0, len(samples), batch_size)]
    order = None
    for _epoch, start in tqdm(batches, desc=f"k-means {words} words", disable=not progress):
        if start == 0:
            order = rng.permutation(len(samples))
        kmeans.partial_fit(samples[order[start : start + batch_size]])
    return kmeans.cluster_centers_.astype(np.float32)


def nearest(descriptors: jax.Array, centres: jax.Array, knn: int, sigma: float) -> tuple[jax.Array, jax.Array]:
    """(words (N, knn) int32, weights (N, knn)) of the knn nearest centres; weights ∝ exp(-d²/2σ²), summing to 1."""
    d2 = jnp.sum(descriptors**2, 1, keepdims=True) - 2 * descriptors @ centres.T + jnp.sum(centres**2, 1)
    neg, words = jax.lax.top_k(-d2, knn)
    return words, jax.nn.softmax(neg / (2 * sigma**2), axis=-1)


def nearest_fn() -> Callable:
    """The jitted `nearest` (knn static): build once per run and pass to `assign`."""
    return jax.jit(nearest, static_argnames="knn")


def chunks(num: int, size: int) -> Iterator[slice]:
    """Consecutive slices of at most `size` rows covering range(num)."""
    return (slice(start, min(start + size, num)) for start in range(0, num, size))


def assign(
    fn: Callable,
    descriptors: np.ndarray,
    centres: np.ndarray,
    mode: str = "hard",
    sigma: float = 0.2,
    chunk: int = 16_384,
    progress: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """(words, weights), each (N, knn), of every descriptor (float, or uint8 from `to_bytes`), in fixed-size
    padded chunks so one compilation serves all; knn = ASSIGNMENTS[mode]."""
    check_assign(mode)
    knn, num = ASSIGNMENTS[mode], len(descriptors)
    chunk = min(chunk, num)
    words, weights = np.empty((num, knn), np.int32), np.empty((num, knn), np.float32)
    centres = jnp.asarray(centres)
    for part in tqdm(list(chunks(num, chunk)), desc=f"{mode} assignment", disable=not progress, mininterval=1.0):
        size = part.stop - part.start
        block = np.pad(from_bytes(descriptors[part]), [(0, chunk - size), (0, 0)])
        got_words, got_weights = fn(jnp.asarray(block), centres, knn=knn, sigma=sigma)
        words[part], weights[part] = np.asarray(got_words)[:size], np.asarray(got_weights)[:size]
    return words, weights
