"""The bag-of-visual-words baseline the deep features replaced (Lazebnik et al. 2006): dense SIFT ->
k-means vocabulary -> word histograms (optionally a spatial pyramid) -> normalisation -> SVM.

Images are decoded to grayscale at their own size (long side capped at `max_side`) one at a time,
so memory holds only uint8 descriptors. Each stage is cached as .npy under `cache_dir`, keyed by
every option that changes it: descriptors, vocabulary, and per-cell word counts (one set of counts
serves the single-level histogram and every pyramid).
"""

import dataclasses
import io
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from PIL import Image
from tqdm.auto import tqdm

from jaxdl.errors import JaxdlError
from jaxdl.features import cached
from jaxdl.transfer import pyramid, sift, words
from jaxdl.transfer.kernels import check_kernel, kernel_sweep
from jaxdl.transfer.svm import svm_sweep


@dataclasses.dataclass(frozen=True)
class BowOptions:
    """Every setting of the pipeline (defaults: Lazebnik's 16-px patches every 8 px, 1,000 words, hard assignment)."""

    step: int = 8
    patch: int = 16
    contrast: float = 0.0  # mean gradient (intensity in [0, 1] per pixel) under which a descriptor is zero; 0.005 costs 2 points
    max_side: int = 300
    vocab: int = 1000
    sample: int = 100_000  # training descriptors clustered
    assign: str = "hard"
    sigma: float = 0.2  # soft assignment's Gaussian width (descriptors have unit norm)
    pyramid: int = 2
    norm: str = "hellinger"
    kernel: str = "linear"
    seed: int = 0

    def check(self) -> None:
        """Raise a JaxdlError naming the first bad option."""
        sift.check_options(self.step, self.patch)
        words.check_assign(self.assign)
        pyramid.check_norm(self.norm)
        check_kernel(self.kernel)
        pyramid.check_levels(self.pyramid)
        if self.vocab < 2 or self.sample < self.vocab:
            raise JaxdlError(f"vocabulary of {self.vocab} words from {self.sample} sampled descriptors: need 2 <= vocab <= sample")
        if self.max_side < self.patch:
            raise JaxdlError(f"max_side {self.max_side} is smaller than one {self.patch}-pixel patch")


def capped(width: int, height: int, max_side: int) -> tuple[int, int]:
    """(width, height) scaled down (aspect kept) so that the long side is at most `max_side`."""
    scale = min(1.0, max_side / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def gray(encoded: bytes, max_side: int) -> np.ndarray:
    """An encoded image -> (H, W) float32 gray in [0, 1], long side capped (PIL bilinear, antialiased)."""
    image = Image.open(io.BytesIO(encoded)).convert("L")
    size = capped(*image.size, max_side)
    return np.asarray(image if size == image.size else image.resize(size, Image.BILINEAR), np.float32) / 255


def sizes(source: Sequence, max_side: int) -> np.ndarray:
    """(images, 2) heights and widths after capping, read from the image headers only (no decoding)."""
    return np.array([capped(*Image.open(io.BytesIO(source[i]["image"])).size, max_side)[::-1] for i in range(len(source))])


def split_descriptors(fn: Callable, source: Sequence, shapes: np.ndarray, options: BowOptions, progress: bool = True) -> np.ndarray:
    """(total patches, 128) uint8 dense SIFT of every image of a data source, image after image."""
    counts = [np.prod(sift.grid_shape(h, w, options.step, options.patch)) for h, w in shapes]
    out, start = np.empty((sum(counts), sift.DIM), np.uint8), 0
    for index in tqdm(range(len(source)), desc="dense SIFT", disable=not progress, mininterval=1.0):
        image = gray(source[index]["image"], options.max_side)
        out[start : start + counts[index]] = sift.to_bytes(sift.dense_sift(fn, image, options.step, options.patch, options.contrast))
        start += counts[index]
    return out


def word_counts(sources: dict, options: BowOptions, cache_dir: Path | None, tag: str, progress: bool = True) -> tuple[dict, dict]:
    """({split: (images, 4, 4, vocab) word counts per finest pyramid cell}, stage timings in seconds);
    `sources` maps "train"/"test" to data sources whose records hold encoded "image" bytes."""
    options.check()
    store = (lambda name, compute: cached(cache_dir / f"{name}.npy", compute)) if cache_dir else (lambda name, compute: compute())
    o = options
    key = f"{tag}-sift-s{o.step}-p{o.patch}-c{o.contrast:g}-m{o.max_side}"
    vocab_key = f"{key}-k{o.vocab}-n{o.sample}-seed{o.seed}"
    counts_key = f"{vocab_key}-{o.assign}" + (f"{o.sigma:g}" if o.assign == "soft" else "")
    timings: dict = {}
    shapes = {split: sizes(source, o.max_side) for split, source in sources.items()}
    fn, assign_fn = sift.dense_sift_fn(), words.nearest_fn()
    loaded: dict = {}  # descriptors are read (or computed) only when a later stage is not cached, and once

    def descriptors(split: str) -> np.ndarray:
        if split not in loaded:
            start = time.perf_counter()
            loaded[split] = store(f"{key}-{split}", lambda: split_descriptors(fn, sources[split], shapes[split], o, progress))
            timings["descriptors_s"] = timings.get("descriptors_s", 0.0) + time.perf_counter() - start
        return loaded[split]

    def vocabulary() -> np.ndarray:
        sampled = words.sample(descriptors("train"), o.sample, o.seed)
        start = time.perf_counter()
        centres = words.vocabulary(sampled, o.vocab, o.seed, progress=progress)
        timings["kmeans_s"] = time.perf_counter() - start
        return centres

    def counts(split: str) -> np.ndarray:
        found = descriptors(split)
        start = time.perf_counter()
        assigned = words.assign(assign_fn, found, centres, o.assign, o.sigma, progress=progress)
        result = pyramid.cell_counts(*assigned, shapes[split], o.step, o.patch, o.vocab)
        timings["histograms_s"] = timings.get("histograms_s", 0.0) + time.perf_counter() - start
        loaded.pop(split, None)
        return result

    centres = store(vocab_key, vocabulary)
    return {split: store(f"{counts_key}-{split}", lambda split=split: counts(split)) for split in sources}, timings


def features(counts: np.ndarray, levels: int, norm: str) -> np.ndarray:
    """The normalised pyramid of `levels` (0: plain bag of words) from per-cell word counts."""
    return pyramid.normalized(pyramid.pyramid(counts, levels), norm)


def classify(train: np.ndarray, train_labels: np.ndarray, test: np.ndarray, test_labels: np.ndarray, Cs: Sequence[float], kernel: str) -> list[dict]:
    """Rows {C, train_acc, test_acc, fit_s}: the deep pipeline's LinearSVC (kernel "linear") or an SVC on a
    precomputed intersection / chi2 kernel; fit_s is the time of that C's fit and scoring (plus, for kernels, its share
    of computing the kernel matrices once)."""
    if kernel == "linear":
        rows = []
        for C in Cs:
            start = time.perf_counter()
            rows += [{**row, "fit_s": time.perf_counter() - start} for row in svm_sweep(train, train_labels, test, test_labels, [C])]
        return rows
    return kernel_sweep(train, train_labels, test, test_labels, Cs, kernel)
