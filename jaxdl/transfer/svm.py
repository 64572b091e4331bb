"""Transfer learning by feature extraction, as in the course: CNN features -> L2 norm -> linear SVM.

The course L2-normalises each feature vector (x / ||x||_2) before a scikit-learn
LinearSVC (one-vs-rest, squared hinge, defaults otherwise); we do the same, and sweep C.
"""

from collections.abc import Callable, Sequence

import numpy as np
from sklearn.preprocessing import normalize
from sklearn.svm import LinearSVC
from tqdm.auto import tqdm

from jaxdl.errors import DataError, JaxdlError
from jaxdl.transfer.jax_svm import JaxLinearSVC

SVMS = {"sklearn": LinearSVC, "jax": JaxLinearSVC}  # the same problem, two solvers


def l2_normalized(features: np.ndarray) -> np.ndarray:
    """Each sample flattened to a vector of unit L2 norm (the course's feature normalisation)."""
    return normalize(np.asarray(features).reshape(len(features), -1), norm="l2")


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
    classifier: Callable = LinearSVC,
) -> list[dict]:
    """Fit one `classifier(C=C)` (LinearSVC or a drop-in: jax_svm.JaxLinearSVC) per C on L2-normalised
    train features; rows {C, train_acc, test_acc}."""
    check_split(train_feats, train_labels, "train")
    check_split(test_feats, test_labels, "test")
    if len(np.unique(train_labels)) < 2:
        raise DataError("train split: an SVM needs at least two classes")
    if not Cs:
        raise JaxdlError("no C values to sweep")
    x_train, x_test = l2_normalized(train_feats), l2_normalized(test_feats)
    rows = []
    for C in tqdm(Cs, desc="SVM over C", leave=False, disable=None):  # None: no bar when not a terminal
        svm = classifier(C=C).fit(x_train, train_labels)
        rows.append({"C": float(C), "train_acc": svm.score(x_train, train_labels), "test_acc": svm.score(x_test, test_labels)})
    return rows


def layer_sweep(
    features_for: Callable[[str], tuple[np.ndarray, np.ndarray]],
    layers: Sequence[str],
    train_labels: np.ndarray,
    test_labels: np.ndarray,
    Cs: Sequence[float],
    classifier: Callable = LinearSVC,
) -> list[dict]:
    """The course's table: for each layer, `features_for(layer) -> (train, test)` then an SVM per C;
    rows {layer, C, train_acc, test_acc}. One layer's features are in memory at a time."""
    rows = []
    for layer in layers:
        train, test = features_for(layer)
        rows += [{"layer": layer, **row} for row in svm_sweep(train, train_labels, test, test_labels, Cs, classifier)]
    return rows
