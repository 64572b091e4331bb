"""The JAX SVM against scikit-learn's LinearSVC (liblinear) on generated multi-class data: same predictions,
same objective (both routes: n > d primal, n < d Gram root), binary layout, clear errors."""

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.preprocessing import normalize
from sklearn.svm import LinearSVC

from jaxdl.errors import DataError, JaxdlError
from jaxdl.transfer.jax_svm import JaxLinearSVC, fit, objective
from jaxdl.transfer.svm import jax_linear_svc, svm_sweep


def blobs(n: int, d: int, classes: int, seed: int = 0):
    """(train x, train y, test x, test y): n training rows of L2-normalised features (as the course's SVM sees them)."""
    x, y = make_classification(n_samples=3 * n, n_features=d, n_informative=min(d, 20), n_classes=classes,
                               n_clusters_per_class=1, random_state=seed)
    x = normalize(x).astype(np.float32)
    return x[:n], y[:n], x[n:], y[n:]


def compare(n: int, d: int, classes: int, Cs: list[float]) -> list[tuple[float, float, float]]:
    """Per C: (relative objective excess of jax over a tightly converged liblinear, worst |decision| difference,
    fraction of test predictions that differ)."""
    x, y, x_test, y_test = blobs(n, d, classes)
    out = []
    for C in Cs:
        reference = LinearSVC(C=C, tol=1e-8, max_iter=100_000).fit(x, y)
        ours = JaxLinearSVC(C=C).fit(x, y)
        assert ours.converged_ and ours.coef_.shape == reference.coef_.shape
        j_ref = objective(reference.coef_, reference.intercept_, x, y, reference.classes_, C)
        j_ours = objective(ours.coef_, ours.intercept_, x, y, ours.classes_, C)
        decisions = np.abs(ours.decision_function(x_test) - reference.decision_function(x_test)).max()
        out.append((float(np.max((j_ours - j_ref) / j_ref)), float(decisions),
                    float(np.mean(ours.predict(x_test) != reference.predict(x_test)))))
    return out


def test_matches_liblinear_primal_route_more_samples_than_dims():
    results = compare(n=300, d=40, classes=5, Cs=[1e-5, 1e-2, 1.0, 100.0])
    for excess, decisions, differ in results:  # measured: excess <= 4e-13, decisions <= 1.5e-6, no prediction differs
        assert excess < 1e-7 and decisions < 1e-4 and differ == 0, results


def test_matches_liblinear_gram_route_fewer_samples_than_dims():
    results = compare(n=90, d=300, classes=4, Cs=[1e-5, 1.0, 100.0])
    for excess, decisions, differ in results:  # measured: excess <= 8e-9, decisions <= 1.1e-5, no prediction differs
        assert excess < 1e-7 and decisions < 1e-4 and differ == 0, results


def test_two_classes_give_one_problem_like_liblinear():
    x, y, x_test, _ = blobs(120, 30, 2)
    reference, ours = LinearSVC(C=1.0, tol=1e-8).fit(x, y), JaxLinearSVC(C=1.0).fit(x, y)
    assert ours.coef_.shape == (1, 30)
    np.testing.assert_allclose(ours.coef_, reference.coef_, atol=1e-4)
    np.testing.assert_allclose(ours.intercept_, reference.intercept_, atol=1e-4)
    assert (ours.predict(x_test) == reference.predict(x_test)).all()


def test_svm_sweep_takes_the_jax_classifier():
    x, y, x_test, y_test = blobs(300, 40, 5)  # the shapes of the primal-route test: no new compilation
    rows_jax = svm_sweep(x, y, x_test, y_test, [0.1, 10.0], fit=jax_linear_svc)
    rows_sk = svm_sweep(x, y, x_test, y_test, [0.1, 10.0])
    assert [r["test_acc"] for r in rows_jax] == [r["test_acc"] for r in rows_sk]


@pytest.mark.parametrize("args, error, message", [
    ((np.ones((4, 3)), np.array([0, 1, 0, 1]), 0.0), JaxdlError, "C and intercept_scaling must be positive, got C=0.0, intercept_scaling=1.0"),
    ((np.ones((4, 3)), np.array([0, 1, 0]), 1.0), DataError,
     "features must be (samples, dims) with one label per sample, got (4, 3) and (3,) labels"),
    ((np.ones((4, 3)), np.array([2, 2, 2, 2]), 1.0), DataError, "an SVM needs at least two classes, got only [2]"),
])
def test_bad_inputs_one_clear_error(args, error, message):
    with pytest.raises(error) as caught:
        fit(*args)
    assert str(caught.value) == message
