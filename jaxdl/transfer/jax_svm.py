"""LinearSVC's exact problem solved in JAX: one-vs-rest, squared hinge, L2 penalty, the same C.

For each class (y = +1 for it, -1 for the others) liblinear, as LinearSVC calls it, minimises
    J(w) = 0.5 ||w||^2 + C sum_i max(0, 1 - y_i w.z_i)^2,   z_i = [x_i, intercept_scaling],
so the bias is an extra feature whose weight is penalised too. J is convex, differentiable and
piecewise quadratic: on the current active set {i: y_i w.z_i < 1} the Newton step is a ridge
least-squares solve (here by Jacobi-preconditioned conjugate gradients), and the exact minimum along
it is found among the hinge breakpoints (L2-SVM-MFN, Keerthi & DeCoste, JMLR 2005), so it ends after
a few steps. J depends on the data only through the Gram matrix Z Z^T: when d + 1 > n we solve on an
n x n square root of it (same objective, smaller; the kernel-space route) and map the solution back by
an isometry. All classes run together (jax.vmap batches their matrix products).
"""

import warnings
from collections.abc import Callable
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model._base import LinearClassifierMixin

from jaxdl.errors import DataError, JaxdlError

CG_MAX_ITER = 500  # per Newton step; preconditioned CG needs far fewer here


class Solution(NamedTuple):
    """Weights on the (possibly factored) features, one row per class, and the Newton steps taken."""

    w: jax.Array
    n_iter: jax.Array
    grad_ratio: jax.Array  # ||grad J|| / ||grad J(0)|| before the last step, per class
    converged: jax.Array


def line_search(w: jax.Array, d: jax.Array, f: jax.Array, g: jax.Array, y: jax.Array, C: jax.Array) -> jax.Array:
    """The exact minimiser t >= 0 of J(w + t d), where f = Z w and g = Z d.

    J'(t) = w.d + t d.d - 2C sum_{active at t} s_i (r_i - t s_i), with r = 1 - y f, s = y g, is
    increasing and linear between the breakpoints t_i = r_i / s_i where a sample enters or leaves the
    active set; the root is in the first segment whose right end has J' >= 0.
    """
    r, s = 1 - y * f, y * g
    active = r > 0
    a0 = w @ d - 2 * C * jnp.sum(jnp.where(active, s * r, 0))
    b0 = d @ d + 2 * C * jnp.sum(jnp.where(active, s * s, 0))
    leaves, joins = active & (s > 0), ~active & (s < 0)
    event = leaves | joins
    sign = jnp.where(leaves, 1.0, -1.0)  # leaving removes its term from J', joining adds it
    tau = jnp.where(event, r / jnp.where(event, s, 1.0), jnp.inf)
    order = jnp.argsort(tau)
    da = jnp.where(event, sign * 2 * C * s * r, 0)[order]
    db = jnp.where(event, -sign * 2 * C * s * s, 0)[order]
    a = jnp.concatenate([a0[None], a0 + jnp.cumsum(da)])
    b = jnp.concatenate([b0[None], b0 + jnp.cumsum(db)])
    ends = jnp.concatenate([tau[order], jnp.array([jnp.inf], tau.dtype)])
    slope_at_end = jnp.where(jnp.isinf(ends), jnp.inf, a + b * jnp.where(jnp.isinf(ends), 0, ends))
    k = jnp.argmax(slope_at_end >= 0)
    return jnp.where(b[k] > 0, jnp.maximum(-a[k] / jnp.where(b[k] > 0, b[k], 1.0), 0.0), 0.0)


def conjugate_gradients(apply: Callable[[jax.Array], jax.Array], b: jax.Array, jacobi: jax.Array, atol: jax.Array) -> jax.Array:
    """x with ||A x - b|| <= atol (or CG_MAX_ITER steps) for symmetric positive definite A = `apply`,
    preconditioned by the inverse diagonal `jacobi`; from x = 0. (jax.scipy's cg cannot run under vmap here.)"""

    def step(state):
        x, r, p, rz, k = state
        ap = apply(p)
        alpha = rz / (p @ ap)
        x, r = x + alpha * p, r - alpha * ap
        z = jacobi * r
        rz_new = r @ z
        return x, r, z + (rz_new / rz) * p, rz_new, k + 1

    going = lambda state: (jnp.linalg.norm(state[1]) > atol) & (state[4] < CG_MAX_ITER)  # noqa: E731
    z0 = jacobi * b
    return jax.lax.while_loop(going, step, (jnp.zeros_like(b), b, z0, b @ z0, 0))[0]


def gradient(w: jax.Array, z: jax.Array, f: jax.Array, y: jax.Array, C: jax.Array) -> jax.Array:
    """grad J(w) = w - 2C Z^T (y * max(0, 1 - y f))."""
    return w - 2 * C * z.T @ (y * jnp.maximum(1 - y * f, 0))


def solve_binary(z: jax.Array, y: jax.Array, C: jax.Array, tol: jax.Array, max_iter: jax.Array) -> Solution:
    """Minimise J for one +-1 labelling: Newton steps on the active set (CG) + exact line search, until the
    Newton decrement says J is within tol * J of its minimum (-grad.d / 2, d = -H^-1 grad) or max_iter steps."""
    squares = z * z
    w0, f0 = jnp.zeros(z.shape[1], z.dtype), jnp.zeros_like(y)
    g0 = jnp.linalg.norm(gradient(w0, z, f0, y, C))

    def step(state):
        w, f, _, it, _ = state
        m = (y * f < 1).astype(z.dtype)
        hessian = lambda v: v + 2 * C * z.T @ (m * (z @ v))  # noqa: E731  (I + 2C Z^T M Z) v
        jacobi = 1 / (1 + 2 * C * (m @ squares))
        grad = gradient(w, z, f, y, C)
        forcing = jnp.minimum(0.1, jnp.sqrt(jnp.linalg.norm(grad) / g0))  # inexact Newton, tighter near the optimum
        d = conjugate_gradients(hessian, -grad, jacobi, forcing * jnp.linalg.norm(grad))
        done = -(grad @ d) / 2 <= tol * (0.5 * w @ w + C * jnp.sum(jnp.maximum(1 - y * f, 0) ** 2))
        g = z @ d
        t = line_search(w, d, f, g, y, C)
        return w + t * d, f + t * g, jnp.linalg.norm(grad) / g0, it + 1, done

    going = lambda state: ~state[4] & (state[3] < max_iter)  # noqa: E731
    w, _, ratio, it, done = jax.lax.while_loop(going, step, (w0, f0, jnp.ones((), z.dtype), 0, False))
    return Solution(w, it, ratio, done)


@jax.jit
def solve_ovr(z: jax.Array, ys: jax.Array, C: jax.Array, tol: jax.Array, max_iter: jax.Array) -> Solution:
    """solve_binary for every row of `ys` (classes x samples of +-1) at once."""
    with jax.default_matmul_precision("highest"):  # no TF32 on GPUs: this is an exact solver
        return jax.vmap(solve_binary, in_axes=(None, 0, None, None, None))(z, ys, C, tol, max_iter)


@jax.jit
def gram(z: jax.Array) -> jax.Array:
    """Z Z^T, at full float32 precision."""
    with jax.default_matmul_precision("highest"):
        return z @ z.T


@jax.jit
def eigh(k: jax.Array) -> tuple[jax.Array, jax.Array]:
    """jnp.linalg.eigh, jitted once (called in float64)."""
    return jnp.linalg.eigh(k)


@jax.jit
def lift(z: jax.Array, u: jax.Array, root: jax.Array, w_root: jax.Array) -> jax.Array:
    """w = V w_root = Z^T U diag(1/sqrt(lambda)) w_root, rows of w_root one per class (coordinates with lambda = 0 stay 0)."""
    scaled = jnp.where(root > 0, w_root / jnp.where(root > 0, root, 1.0), 0.0)
    with jax.default_matmul_precision("highest"):
        return (scaled @ u.T).astype(z.dtype) @ z


def solve_on_gram_root(z: jax.Array, ys: jax.Array, C: jax.Array, tol: jax.Array, max_iter: jax.Array) -> tuple[jax.Array, Solution]:
    """(w, solution) for more dims than samples: solve on R = U sqrt(lambda) (R R^T = Z Z^T = U diag(lambda) U^T,
    Z = U sqrt(lambda) V^T), then w = V u keeps J. The eigendecomposition runs in float64: float32's error
    (eps * lambda_max, 6e-4 on 15-Scene-like Gram matrices) moved J by 5e-4 at C = 100."""
    k = gram(z)
    with jax.enable_x64(True):
        lam, u = eigh(k.astype(jnp.float64))
        root = jnp.sqrt(jnp.maximum(lam, 0))
        factor = (u * root).astype(z.dtype)
    solution = solve_ovr(factor, ys, C, tol, max_iter)
    with jax.enable_x64(True):
        return lift(z, u, root, solution.w.astype(jnp.float64)), solution


def objective(coef: np.ndarray, intercept: np.ndarray, x: np.ndarray, labels: np.ndarray, classes: np.ndarray,
              C: float, intercept_scaling: float = 1.0) -> np.ndarray:
    """J per one-vs-rest problem (float64 numpy), from LinearSVC-style coef_ / intercept_: for comparing solvers."""
    ys = signs(labels, classes)
    w_bias = np.asarray(intercept, np.float64) / intercept_scaling
    f = np.asarray(x, np.float64) @ np.asarray(coef, np.float64).T + np.asarray(intercept, np.float64)
    hinge = np.maximum(0, 1 - ys.T * f)
    return 0.5 * (np.sum(np.asarray(coef, np.float64) ** 2, axis=1) + w_bias**2) + C * np.sum(hinge**2, axis=0)


def signs(labels: np.ndarray, classes: np.ndarray) -> np.ndarray:
    """The +-1 labellings of the one-vs-rest problems (classes x samples); one problem (positive = classes[1]) for two classes."""
    positives = classes[1:] if len(classes) == 2 else classes
    return np.where(np.asarray(labels)[None, :] == positives[:, None], 1.0, -1.0)


class Fit(NamedTuple):
    """A fitted one-vs-rest linear SVM, as LinearSVC stores it."""

    coef: np.ndarray  # (problems, d)
    intercept: np.ndarray  # (problems,)
    n_iter: np.ndarray  # Newton steps per problem
    converged: bool


def fit(x: np.ndarray, labels: np.ndarray, C: float, tol: float = 1e-8, max_iter: int = 100,
        intercept_scaling: float = 1.0) -> Fit:
    """Solve LinearSVC's problem for (n, d) features and n labels: one problem per class (one if two classes)."""
    x = np.asarray(x)
    labels = np.asarray(labels)
    if x.ndim != 2 or len(x) != len(labels) or len(x) == 0:
        raise DataError(f"features must be (samples, dims) with one label per sample, got {x.shape} and {labels.shape} labels")
    classes = np.unique(labels)
    if len(classes) < 2:
        raise DataError(f"an SVM needs at least two classes, got only {classes.tolist()}")
    if not C > 0 or not intercept_scaling > 0:
        raise JaxdlError(f"C and intercept_scaling must be positive, got C={C}, intercept_scaling={intercept_scaling}")
    z = jnp.asarray(np.hstack([x, np.full((len(x), 1), intercept_scaling, x.dtype)]), jnp.float32)
    ys = jnp.asarray(signs(labels, classes), jnp.float32)
    args = (jnp.float32(C), jnp.float32(tol), jnp.int32(max_iter))
    if z.shape[1] > z.shape[0]:  # more dims than samples: solve on the Gram matrix's square root
        w, solution = solve_on_gram_root(z, ys, *args)
    else:
        solution = solve_ovr(z, ys, *args)
        w = solution.w
    w = np.asarray(w)
    return Fit(w[:, :-1], w[:, -1] * intercept_scaling, np.asarray(solution.n_iter),
               bool(np.all(np.asarray(solution.converged))))


class JaxLinearSVC(LinearClassifierMixin, BaseEstimator):
    """A drop-in for sklearn's LinearSVC (default options) solved by `fit` above: predict/score/decision_function
    come from sklearn's linear-classifier mixin."""

    def __init__(self, C: float = 1.0, tol: float = 1e-8, max_iter: int = 100, intercept_scaling: float = 1.0):
        self.C, self.tol, self.max_iter, self.intercept_scaling = C, tol, max_iter, intercept_scaling

    def fit(self, x: np.ndarray, labels: np.ndarray) -> "JaxLinearSVC":
        """Solve for coef_, intercept_, classes_, n_iter_ (sklearn's names)."""
        result = fit(x, labels, self.C, self.tol, self.max_iter, self.intercept_scaling)
        self.coef_, self.intercept_, self.n_iter_, self.converged_ = result
        self.classes_ = np.unique(labels)
        if not self.converged_:
            warnings.warn(f"JAX LinearSVC did not converge in max_iter={self.max_iter} Newton steps (C={self.C})", ConvergenceWarning, stacklevel=2)
        return self
