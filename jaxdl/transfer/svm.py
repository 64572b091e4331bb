"""Transfer learning by feature extraction, as in the course: CNN features -> (L2 norm) -> linear SVM.

The course L2-normalises each feature vector (x / ||x||_2) before a scikit-learn
LinearSVC (one-vs-rest, squared hinge, defaults otherwise), and its reports compare that
with the raw features; we sweep C over the course's grid, with and without the normalisation.
The classifier is a parameter (`fit(x, y, C) -> model with .predict`): another solver of the
same objective plugs in through CLASSIFIERS.
"""

import time
from collections.abc import Callable, Sequence

import numpy as np
from sklearn.preprocessing import normalize
from sklearn.svm import LinearSVC
from tqdm.auto import tqdm

from jaxdl.errors import DataError, JaxdlError
from jaxdl.transfer.jax_svm import JaxLinearSVC

COURSE_CS = (1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1.0, 1e1, 1e2)  # the C grid of the course's tables
Fit = Callable[[np.ndarray, np.ndarray, float], object]  # (features, labels, C) -> fitted model with .predict


def linear_svc(x: np.ndarray, y: np.ndarray, C: float) -> LinearSVC:
    """scikit-learn's LinearSVC with the course's settings (defaults but C)."""
    return LinearSVC(C=C).fit(x, y)


def jax_linear_svc(x: np.ndarray, y: np.ndarray, C: float) -> JaxLinearSVC:
    """jaxdl's exact JAX solver of LinearSVC's problem (jax_svm.py)."""
    return JaxLinearSVC(C=C).fit(x, y)


CLASSIFIERS: dict[str, Fit] = {"sklearn": linear_svc, "jax": jax_linear_svc}  # `--svm NAME`: one problem, two solvers


def flat(features: np.ndarray) -> np.ndarray:
    """Each sample flattened to one row."""
    return np.asarray(features).reshape(len(features), -1)


def l2_normalized(features: np.ndarray) -> np.ndarray:
    """Each sample flattened to a vector of unit L2 norm (the course's feature normalisation)."""
    return normalize(flat(features), norm="l2")


def check_split(features: np.ndarray, labels: np.ndarray, name: str) -> None:
    """Raise a DataError unless a split has as many labels as feature rows, and some of each."""
    if len(features) == 0 or len(features) != len(labels):
        raise DataError(f"{name} split: {len(features)} feature rows but {len(labels)} labels")


def svm_sweep(
    train_feats: np.ndarray,
    train_labels: np.ndarray,
    test_feats: np.ndarray,
    test_labels: np.ndarray,
    Cs: Sequence[float],
    l2: bool = True,
    fit: Fit = linear_svc,
) -> list[dict]:
    """Fit one classifier per C on the (L2-normalised if `l2`) train features; rows {C, train_acc, test_acc, fit_s}."""
    check_split(train_feats, train_labels, "train")
    check_split(test_feats, test_labels, "test")
    if len(np.unique(train_labels)) < 2:
        raise DataError("train split: an SVM needs at least two classes")
    if not Cs:
        raise JaxdlError("no C values to sweep")
    prepare = l2_normalized if l2 else flat
    x_train, x_test = prepare(train_feats), prepare(test_feats)
    rows = []
    for C in tqdm(Cs, desc="SVM over C", leave=False, disable=None):  # None: no bar when not a terminal
        start = time.perf_counter()
        svm = fit(x_train, train_labels, C)
        seconds = time.perf_counter() - start
        train_acc = float(np.mean(svm.predict(x_train) == train_labels))
        test_acc = float(np.mean(svm.predict(x_test) == test_labels))
        rows.append({"C": float(C), "train_acc": train_acc, "test_acc": test_acc, "fit_s": round(seconds, 3)})
    return rows


def layer_sweep(
    features_for: Callable[[str], tuple[np.ndarray, np.ndarray]],
    layers: Sequence[str],
    train_labels: np.ndarray,
    test_labels: np.ndarray,
    Cs: Sequence[float],
    l2s: Sequence[bool] = (True,),
    fit: Fit = linear_svc,
) -> list[dict]:
    """The course's tables: for each layer, `features_for(layer) -> (train, test)`, then per normalisation in `l2s`
    a classifier per C; rows {layer, l2, C, train_acc, test_acc, fit_s}."""
    rows = []
    for layer in layers:
        train, test = features_for(layer)
        for l2 in l2s:
            sweep = svm_sweep(train, train_labels, test, test_labels, Cs, l2, fit)
            rows += [{"layer": layer, "l2": l2, **row} for row in sweep]
    return rows
