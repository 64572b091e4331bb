"""Kernel SVMs on histograms: histogram intersection (Lazebnik et al.'s pyramid match) and chi2, precomputed.

The intersection kernel sum_i min(x_i, y_i) is a jitted blockwise reduction (no N x M x D array);
chi2 is scikit-learn's exp(-gamma * sum (x - y)^2 / (x + y)) with gamma = 1 / the mean training
chi2 distance. Both feed scikit-learn's SVC(kernel="precomputed"), one fit per C.
"""

import time
from collections.abc import Callable, Sequence

import jax
import jax.numpy as jnp
import numpy as np
from sklearn.metrics.pairwise import additive_chi2_kernel
from sklearn.svm import SVC
from tqdm.auto import tqdm

from jaxdl.errors import DataError, JaxdlError
from jaxdl.transfer.svm import check_split

KERNELS = ("linear", "intersection", "chi2")


def check_kernel(kernel: str) -> None:
    """Raise a JaxdlError unless `kernel` is one of KERNELS."""
    if kernel not in KERNELS:
        raise JaxdlError(f"unknown kernel {kernel!r}; choose one of: {', '.join(KERNELS)}")


def intersection_block(a: jax.Array, b: jax.Array) -> jax.Array:
    """(n, m) sums of elementwise minima of the rows of a (n, D) and b (m, D)."""
    return jax.vmap(lambda row: jnp.minimum(row[None, :], b).sum(axis=1))(a)


def intersection(fn: Callable, a: np.ndarray, b: np.ndarray, rows: int = 32, progress: bool | None = None) -> np.ndarray:
    """The histogram intersection kernel matrix (len(a), len(b)) with `fn` = jax.jit(intersection_block), `rows`
    rows of `a` at a time (padded: one compilation); progress None: a bar only on a terminal."""
    out = np.empty((len(a), len(b)), np.float32)
    b = jnp.asarray(b, jnp.float32)
    for start in tqdm(range(0, len(a), rows), desc="intersection kernel", leave=False, disable=None if progress is None else not progress):
        block = np.asarray(a[start : start + rows], np.float32)
        size = len(block)
        out[start : start + size] = np.asarray(fn(jnp.asarray(np.pad(block, [(0, rows - size), (0, 0)])), b))[:size]
    return out


def kernel_matrices(train: np.ndarray, test: np.ndarray, kernel: str) -> tuple[np.ndarray, np.ndarray]:
    """(train x train, test x train) Gram matrices of the intersection or (exponentiated) chi2 kernel."""
    if kernel == "intersection":
        fn = jax.jit(intersection_block)  # built once, both matrices share its compilation
        return intersection(fn, train, train), intersection(fn, test, train)
    train_d, test_d = -additive_chi2_kernel(train), -additive_chi2_kernel(test, train)  # chi2 distances
    gamma = 1.0 / max(float(train_d.mean()), 1e-12)
    return np.exp(-gamma * train_d), np.exp(-gamma * test_d)


def kernel_sweep(
    train: np.ndarray, train_labels: np.ndarray, test: np.ndarray, test_labels: np.ndarray, Cs: Sequence[float], kernel: str
) -> list[dict]:
    """Rows {C, train_acc, test_acc, fit_s} of an SVC on a precomputed kernel; fit_s includes an equal share of
    the time spent computing the kernel matrices (once for all C)."""
    check_split(train, train_labels, "train")
    check_split(test, test_labels, "test")
    if len(np.unique(train_labels)) < 2:
        raise DataError("train split: an SVM needs at least two classes")
    start = time.perf_counter()
    gram_train, gram_test = kernel_matrices(train, test, kernel)
    share = (time.perf_counter() - start) / max(len(Cs), 1)
    rows = []
    for C in Cs:
        start = time.perf_counter()
        svm = SVC(C=C, kernel="precomputed").fit(gram_train, train_labels)
        fit_s = time.perf_counter() - start + share
        rows.append({"C": float(C), "train_acc": svm.score(gram_train, train_labels), "test_acc": svm.score(gram_test, test_labels), "fit_s": fit_s})
    return rows
