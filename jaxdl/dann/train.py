"""DANN training on jaxdl.training's loop (shuffled source batches, target batches drawn alongside) and evaluation."""

from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import jax
import numpy as np
from jax.sharding import Mesh
from scipy.special import softmax

from jaxdl import parallel, training
from jaxdl.dann import cdan, selection
from jaxdl.dann.step import init_state, make_train_step, optimizer
from jaxdl.evaluate import evaluate
from jaxdl.features import batch_size_for, padded_batches
from jaxdl.keys import prng_key
from jaxdl.models.dann import DANN
from jaxdl.train_state import TrainState

Arrays = tuple[np.ndarray, np.ndarray]
PLAIN = DANN()  # the network of every method but CDAN's: the default of `predict` and `accuracy`
SCORED = 2000  # unlabelled target training images scored per epoch (SND compares every pair)
MAP_STREAM = 1  # fold_in index of the seed's key that draws CDAN's random matrices (0: the initialisation)


def network(method: str, init: str = "torch", seed: int = 0) -> DANN:
    """The network `method` trains: DANN's, whose domain classifier sees CDAN's multilinear map for "cdan" and
    "cdan+e" (random matrices drawn from the seed's key). Build it once and pass it on: its compilations follow it."""
    condition = cdan.conditioning(jax.random.fold_in(prng_key(seed), MAP_STREAM)) if method in cdan.METHODS else None
    return DANN(init_scheme=init, condition=condition)


def epoch_batches(seed: int, epoch: int, n_source: int, n_target: int, batch_size: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """(source indices, target indices) of each step of one epoch: the source shuffled, the target drawn with replacement.

    A per-epoch stream of `seed`, so a resumed run (and scripts/dann_reference_torch.py) sees the same batches.
    """
    steps = max(n_source // batch_size, 1)
    rng = training.epoch_rng(seed, epoch)
    src, tgt = rng.permutation(n_source), rng.integers(n_target, size=steps * batch_size)
    return [(src[i * batch_size:(i + 1) * batch_size], tgt[i * batch_size:(i + 1) * batch_size]) for i in range(steps)]


def fit(method: str, source: Arrays, target: Arrays, *, epochs: int = 10, batch_size: int = 64, seed: int = 0,
        mu0: float = 0.01, lam_max: float = 1.0, init: str = "torch", ckpt_dir: str | Path | None = None,
        progress: bool = True, mesh: Mesh | None = None, target_test: Arrays | None = None) -> tuple[TrainState, list[dict]]:
    """Train `method` for `epochs` over the source set (target batches drawn alongside); returns (state, per-epoch records).

    With `target_test` (images, labels), each epoch's record holds its accuracy as "target_acc" (labels only scored) and
    the unsupervised scores of the first SCORED target training images, "im" and "snd" (no label read: selection.py).
    `init` is the network's initialisation ("torch" or "flax", see jaxdl.models.dann). With `ckpt_dir`, the state is
    saved after every epoch (history in ckpt_dir/history.jsonl) and an interrupted run resumes there (jaxdl.training).
    """
    steps_per_epoch = max(len(source[0]) // batch_size, 1)
    model, tx = network(method, init, seed), optimizer(mu0, epochs * steps_per_epoch)
    train_step = make_train_step(model, method, epochs * steps_per_epoch, lam_max)

    def batches(epoch: int) -> Iterator[tuple[Arrays, Arrays]]:
        for s, t in epoch_batches(seed, epoch, len(source[0]), len(target[0]), batch_size):
            yield (source[0][s], source[1][s]), (target[0][t], target[1][t])

    settings = training.Settings(epochs, steps_per_epoch, prng_key(seed), out=ckpt_dir, progress=progress, desc=method)
    scored = (lambda state, epoch: {"target_acc": accuracy(state.params, target_test, mesh, model),
                                    **target_scores(state.params, target[0][:SCORED], mesh, model)}) if target_test is not None else None
    return training.fit(init_state(model, tx, prng_key(seed)), train_step, batches, settings, evaluate=scored, mesh=mesh)


@partial(jax.jit, static_argnums=0)
def _forward(model: DANN, params: dict, x: jax.Array) -> tuple[jax.Array, jax.Array]:
    """(class logits, features) of a batch: the domain branch is not evaluated at test time."""
    logits, _, features = model.apply({"params": params}, x, 0.0)
    return logits, features


def outputs(params: dict, images: np.ndarray, batch_size: int = 500, mesh: Mesh | None = None,
            model: DANN = PLAIN) -> tuple[np.ndarray, np.ndarray]:
    """(class logits N,C, features N,1200) of all images, in batches split over the mesh (default: all devices); the
    last batch is padded (one compilation). `model`: the trained one (`network`), whose domain input fits its params."""
    mesh = mesh or parallel.data_mesh()
    size = batch_size_for(batch_size, len(images), mesh.size)
    parts = [(rows, parallel.split_apply(partial(_forward, model), params, batch, mesh))
             for rows, batch in padded_batches(images, size)]
    return tuple(np.concatenate([np.asarray(part[i])[: rows.stop - rows.start] for rows, part in parts]) for i in (0, 1))


def predict(params: dict, images: np.ndarray, batch_size: int = 500, mesh: Mesh | None = None,
            model: DANN = PLAIN) -> tuple[np.ndarray, np.ndarray]:
    """(predicted classes, features N,1200) of all images (see `outputs`)."""
    logits, features = outputs(params, images, batch_size, mesh, model)
    return logits.argmax(-1), features


def target_scores(params: dict, images: np.ndarray, mesh: Mesh | None = None, model: DANN = PLAIN) -> dict[str, float]:
    """The unsupervised validation scores (jaxdl.dann.selection) of the class probabilities of unlabelled target images."""
    return selection.scores(softmax(outputs(params, images, mesh=mesh, model=model)[0].astype(np.float64), axis=-1))


@dataclass(frozen=True)
class _Logits:
    """Class logits of a batch (what `evaluate` scores); hashable by its model, so one compilation per network."""

    model: DANN

    def __call__(self, variables: dict, x: jax.Array) -> jax.Array:
        return self.model.apply(variables, x, 0.0)[0]


def accuracy(params: dict, data: Arrays, mesh: Mesh | None = None, model: DANN = PLAIN) -> float:
    """Fraction of `data` (images, labels) classified correctly by `model` (the trained one, see `predict`)."""
    return evaluate(_Logits(model), {"params": params}, data[0], data[1], batch_size=500, mesh=mesh)[1]
