"""LinearSVC's exact problem solved in JAX: one-vs-rest, squared hinge, L2 penalty, the same C.

For each class (y = +1 for it, -1 for the others) liblinear, as LinearSVC calls it, minimises
    J(w) = 0.5 ||w||^2 + C sum_i max(0, 1 - y_i w.z_i)^2,   z_i = [x_i, intercept_scaling],
so the bias is an extra feature whose weight is penalised too. J is convex, differentiable and
piecewise quadratic: on the current active set {i: y_i w.z_i < 1} the Newton step is a ridge
least-squares solve (here by Jacobi-preconditioned conjugate gradients), and the exact minimum along
it is found among the hinge breakpoints (L2-SVM-MFN, Keerthi & DeCoste, JMLR 2005), so it ends after
a few steps. When d + 1 > n the optimum is w = Z^T beta, and J depends on the data only through the
Gram matrix K = Z Z^T: we run the same Newton steps on beta (n unknowns), each a ridge solve on the
active rows of K by conjugate gradients preconditioned with K's top eigenpairs (a randomized low-rank
approximation), with no n x n factorisation. All classes run together (jax.vmap batches their matrix
products).
"""

import functools
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
from jaxdl.keys import prng_key

CG_MAX_ITER = 500  # per Newton step; preconditioned CG needs far fewer here
PRECONDITIONER_RANK = 128  # eigenpairs of K in the kernel route's preconditioner
KERNEL_RTOL = 1e-3  # the kernel route's CG tolerance, relative


class Solution(NamedTuple):
    """w (primal route) or beta (kernel route, w = Z^T beta), one row per class; Newton steps taken; converged."""

    w: jax.Array
    n_iter: jax.Array
    converged: jax.Array


def line_search(wd: jax.Array, dd: jax.Array, f: jax.Array, g: jax.Array, y: jax.Array, C: jax.Array) -> jax.Array:
    """The exact minimiser t >= 0 of J(w + t d), where f = Z w, g = Z d, wd = w.d and dd = d.d.

    J'(t) = w.d + t d.d - 2C sum_{active at t} s_i (r_i - t s_i), with r = 1 - y f, s = y g, is
    increasing and linear between the breakpoints t_i = r_i / s_i where a sample enters or leaves the
    active set; the root is in the first segment whose right end has J' >= 0.
    """
    r, s = 1 - y * f, y * g
    active = r > 0
    a0 = wd - 2 * C * jnp.sum(jnp.where(active, s * r, 0))
    b0 = dd + 2 * C * jnp.sum(jnp.where(active, s * s, 0))
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


def conjugate_gradients(apply: Callable[[jax.Array], jax.Array], b: jax.Array, precondition: Callable[[jax.Array], jax.Array],
                        x0: jax.Array, atol: jax.Array) -> jax.Array:
    """x with ||A x - b|| <= atol (or CG_MAX_ITER steps) for symmetric positive definite A = `apply`, preconditioned
    by the SPD `precondition` (~A^-1), from x0. (jax.scipy's cg cannot run under vmap here.)"""

    def step(state: tuple) -> tuple:
        x, r, p, rz, k = state
        ap = apply(p)
        alpha = rz / (p @ ap)
        x, r = x + alpha * p, r - alpha * ap
        z = precondition(r)
        rz_new = r @ z
        return x, r, z + (rz_new / rz) * p, rz_new, k + 1

    going = lambda state: (jnp.linalg.norm(state[1]) > atol) & (state[4] < CG_MAX_ITER)  # noqa: E731
    r0 = b - apply(x0)
    z0 = precondition(r0)
    return jax.lax.while_loop(going, step, (x0, r0, z0, r0 @ z0, 0))[0]


def primal_value(f: jax.Array, y: jax.Array, C: jax.Array, half_norm: jax.Array) -> jax.Array:
    """J = 0.5 ||w||^2 + C sum max(0, 1 - y f)^2, with half_norm = 0.5 ||w||^2."""
    return half_norm + C * jnp.sum(jnp.maximum(1 - y * f, 0) ** 2)


def gradient(w: jax.Array, z: jax.Array, f: jax.Array, y: jax.Array, C: jax.Array) -> jax.Array:
    """grad J(w) = w - 2C Z^T (y * max(0, 1 - y f))."""
    return w - 2 * C * z.T @ (y * jnp.maximum(1 - y * f, 0))


def solve_binary(z: jax.Array, y: jax.Array, C: jax.Array, tol: jax.Array, max_iter: jax.Array) -> Solution:
    """Minimise J over w for one +-1 labelling (more samples than dims): Newton steps on the active set (Jacobi-
    preconditioned CG) + exact line search, until the Newton decrement (-grad.d / 2) is within tol * J, or max_iter steps."""
    squares = z * z
    w0, f0 = jnp.zeros(z.shape[1], z.dtype), jnp.zeros_like(y)
    g0 = jnp.linalg.norm(gradient(w0, z, f0, y, C))

    def step(state: tuple) -> tuple:
        w, f, it, _ = state
        m = (y * f < 1).astype(z.dtype)
        hessian = lambda v: v + 2 * C * z.T @ (m * (z @ v))  # noqa: E731  (I + 2C Z^T M Z) v
        jacobi = 1 / (1 + 2 * C * (m @ squares))
        grad = gradient(w, z, f, y, C)
        norm = jnp.linalg.norm(grad)
        forcing = jnp.minimum(0.1, jnp.sqrt(norm / g0))  # inexact Newton, tighter near the optimum
        d = conjugate_gradients(hessian, -grad, lambda r: jacobi * r, jnp.zeros_like(w), forcing * norm)
        done = -(grad @ d) / 2 <= tol * primal_value(f, y, C, 0.5 * w @ w)
        g = z @ d
        t = line_search(w @ d, d @ d, f, g, y, C)
        return w + t * d, f + t * g, it + 1, done

    going = lambda state: ~state[3] & (state[2] < max_iter)  # noqa: E731
    w, _, it, done = jax.lax.while_loop(going, step, (w0, f0, 0, False))
    return Solution(w, it, done)


def solve_kernel_binary(k: jax.Array, low_rank: jax.Array, y: jax.Array, C: jax.Array, tol: jax.Array,
                        max_iter: jax.Array) -> Solution:
    """Minimise J over beta, w = Z^T beta (more dims than samples; the optimum lies in that span), K = Z Z^T, f = K beta:
    J = 0.5 beta.f + C sum max(0, 1 - y f)^2. The Newton step on the active set S is beta_S = (K_SS + I/2C)^-1 y_S,
    0 elsewhere (Chapelle, Neural Computation 2007), here by CG from the current beta, preconditioned with the low-rank
    W W^T ~ K (Woodbury), to KERNEL_RTOL of min(||y_S||, the start's residual) (looser targets gave ascent directions); then the
    exact line search and solve_binary's stopping rule."""
    lam = 1 / (2 * C)
    beta0, f0 = jnp.zeros_like(y), jnp.zeros_like(y)

    def step(state: tuple) -> tuple:
        beta, f, it, _ = state
        m = (y * f < 1).astype(k.dtype)
        ws = low_rank * m[:, None]
        small = jax.scipy.linalg.cho_factor(lam * jnp.eye(ws.shape[1], dtype=k.dtype) + ws.T @ ws)
        precondition = lambda r: (r - ws @ jax.scipy.linalg.cho_solve(small, ws.T @ r)) / lam  # noqa: E731  (W_S W_S^T + lam I)^-1 r, Woodbury
        apply = lambda v: m * (k @ (m * v)) + lam * v  # noqa: E731  (K_SS + lam I) on S, lam I elsewhere
        start = m * beta
        atol = KERNEL_RTOL * jnp.minimum(jnp.linalg.norm(m * y), jnp.linalg.norm(m * y - apply(start)))
        target = conjugate_gradients(apply, m * y, precondition, start, atol)
        d = target - beta
        g = k @ d
        slope = g @ (beta - 2 * C * m * (y - f))  # grad_beta J . d, grad_beta J = K (beta - 2C M (y - f))
        done = -slope / 2 <= tol * primal_value(f, y, C, 0.5 * beta @ f)
        t = line_search(beta @ g, d @ g, f, g, y, C)
        return beta + t * d, f + t * g, it + 1, done

    going = lambda state: ~state[3] & (state[2] < max_iter)  # noqa: E731
    beta, _, it, done = jax.lax.while_loop(going, step, (beta0, f0, 0, False))
    return Solution(beta, it, done)


@jax.jit
def solve_ovr(z: jax.Array, ys: jax.Array, C: jax.Array, tol: jax.Array, max_iter: jax.Array) -> Solution:
    """solve_binary for every row of `ys` (classes x samples of +-1) at once."""
    with jax.default_matmul_precision("highest"):  # no TF32 on GPUs: this is an exact solver
        return jax.vmap(solve_binary, in_axes=(None, 0, None, None, None))(z, ys, C, tol, max_iter)


def top_of_spectrum(k: jax.Array, rank: int, key: jax.Array) -> jax.Array:
    """W (n, rank) with W W^T ~ K's top `rank` eigenpairs: randomized range finder with one power iteration,
    then Rayleigh-Ritz (Halko, Martinsson & Tropp 2011); a preconditioner only, so approximate is fine."""
    q, _ = jnp.linalg.qr(k @ (k @ jax.random.normal(key, (k.shape[0], rank), k.dtype)))
    theta, v = jnp.linalg.eigh(q.T @ k @ q)
    return (q @ v) * jnp.sqrt(jnp.maximum(theta, 0))


@functools.partial(jax.jit, static_argnames="rank")
def solve_ovr_kernel(z: jax.Array, ys: jax.Array, C: jax.Array, tol: jax.Array, max_iter: jax.Array, key: jax.Array,
                     rank: int) -> tuple[jax.Array, Solution]:
    """(w, solution): solve_kernel_binary for every row of `ys` on the Gram matrix of `z`, mapped back by w = Z^T beta."""
    with jax.default_matmul_precision("highest"):
        k = z @ z.T
        low_rank = top_of_spectrum(k, rank, key)
        solution = jax.vmap(solve_kernel_binary, in_axes=(None, None, 0, None, None, None))(k, low_rank, ys, C, tol, max_iter)
        return solution.w @ z, solution


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
    if z.shape[1] > z.shape[0]:  # more dims than samples: solve for w = Z^T beta on the Gram matrix
        w, solution = solve_ovr_kernel(z, ys, *args, prng_key(0), min(PRECONDITIONER_RANK, len(x)))
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
