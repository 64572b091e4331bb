"""The neural head on cached features: learns separable generated data, early stopping only on training rows, clear errors."""

import numpy as np
import pytest
from sklearn.datasets import make_classification

from jaxdl.errors import DataError, JaxdlError
from jaxdl.transfer.head import accuracy, train_head, validation_split


@pytest.fixture(scope="module")
def separable():
    """(train x, train y, test x, test y): 5 well separated classes in 20 dims, 300 training rows."""
    x, y = make_classification(n_samples=900, n_features=20, n_informative=10, n_classes=5, n_clusters_per_class=1,
                               class_sep=3.0, random_state=0)
    return x[:300], y[:300], x[300:], y[300:]


@pytest.fixture(scope="module")
def trained(separable):
    """A linear head (early-stopped) and an MLP head (early-stopped, then refitted on the whole training split)."""
    x, y, _, _ = separable
    return {kind: train_head(x, y, kind, hidden=64, max_epochs=60, patience=15, refit=kind == "mlp", progress=False)
            for kind in ("linear", "mlp")}


@pytest.mark.parametrize("kind", ["linear", "mlp"])
def test_head_learns_separable_data(separable, trained, kind):
    _, _, x_test, y_test = separable
    head = trained[kind]
    assert accuracy(head, x_test, y_test) >= 0.9  # measured 0.97 (linear) and 0.98 (mlp)
    assert 1 <= head.best_epoch <= len(head.history) <= 60
    assert head.history[head.best_epoch - 1]["val_acc"] == max(row["val_acc"] for row in head.history)


def test_early_stopping_sees_only_training_rows(separable, trained):
    x, y, _, _ = separable
    fit, val = trained["linear"].fit_indices, trained["linear"].val_indices
    assert set(val) <= set(range(len(x))) and not set(fit) & set(val) and len(fit) + len(val) == len(x)
    assert np.abs(np.bincount(y[val]) - 0.2 * np.bincount(y)).max() <= 1  # stratified: 20 % of each class
    np.testing.assert_array_equal(validation_split(y, 0.2, seed=0)[1], val)  # seeded
    np.testing.assert_array_equal(trained["mlp"].val_indices, val)
    np.testing.assert_array_equal(trained["mlp"].fit_indices, np.arange(len(x)))  # refit: the whole TRAINING split


@pytest.mark.parametrize("args, kwargs, error, message", [
    ((np.ones((10, 3)), np.arange(10) % 2), {"kind": "svm"}, JaxdlError, "unknown head 'svm'; choose one of: linear, mlp"),
    ((np.ones((10, 3)), np.zeros(10, int)), {}, DataError, "train split: a classifier needs at least two classes"),
    ((np.ones((10, 3)), np.arange(9) % 2), {}, DataError, "train split: 10 feature rows but 9 labels"),
    ((np.ones((10, 3)), np.arange(10) % 2), {"val_fraction": 1.0}, JaxdlError, "validation fraction must be in (0, 1), got 1.0"),
])
def test_bad_inputs_one_clear_error(args, kwargs, error, message):
    with pytest.raises(error) as caught:
        train_head(*args, **kwargs)
    assert str(caught.value) == message
