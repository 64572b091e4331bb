"""The loop itself on a toy least-squares model: history.jsonl records and truncation on resume, the NaN stop."""

import json

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest
from flax.training.train_state import TrainState

from jaxdl import checkpoint, training

X = np.random.default_rng(0).normal(size=(24, 3)).astype(np.float32)
Y = X @ np.array([1.0, -2.0, 0.5], np.float32)


def train_step(state: TrainState, batch: tuple, key: jax.Array) -> tuple[TrainState, dict]:
    loss, grads = jax.value_and_grad(lambda p: jnp.mean((batch[0] @ p["w"] - batch[1]) ** 2))(state.params)
    return state.apply_gradients(grads=grads), {"loss": loss, "noise": jax.random.uniform(key)}


def run(out, epochs: int, poison_step: int | None = None) -> tuple[TrainState, training.History]:
    """SGD on 6 batches of 4 per epoch (a NaN in the batch of global step `poison_step`, 1-based)."""
    def batches(epoch: int):
        for i, rows in enumerate(np.split(np.random.default_rng([0, epoch]).permutation(24), 6)):
            x = X[rows].copy()
            if poison_step == epoch * 6 + i + 1:
                x[0, 0] = np.nan
            yield x, Y[rows]
    state = TrainState.create(apply_fn=None, params={"w": jnp.zeros(3)}, tx=optax.sgd(0.2))
    settings = training.Settings(epochs, 6, jax.random.key(0), out=out, log_every=4, progress=False)
    return training.fit(state, train_step, batches, settings)


def test_history_records_keys_and_truncation(tmp_path):
    """Step records every 4 steps (mean since the last fetch), one record per epoch; a rerun past a lost checkpoint
    rewrites the later records identically; step s draws from fold_in(key, s)."""
    state, history = run(tmp_path, 3)
    assert [(r["step"], "epoch" in r) for r in history] == [(4, False), (6, True), (8, False), (12, False), (12, True),
                                                             (16, False), (18, True)]
    assert [json.loads(line) for line in (tmp_path / "history.jsonl").read_text().splitlines()] == history
    assert history[-1]["loss"] < history[1]["loss"] / 10 and int(state.step) == 18
    noise = [float(jax.random.uniform(jax.random.fold_in(jax.random.key(0), s))) for s in range(4)]
    assert history[0]["noise"] == pytest.approx(np.mean(noise), rel=1e-6)
    (tmp_path / "checkpoints" / "18").rename(tmp_path / "lost")
    resumed, again = run(tmp_path, 3)
    assert again == history and np.array_equal(resumed.params["w"], state.params["w"])


def test_a_non_finite_metric_stops_and_keeps_the_last_good_checkpoint(tmp_path):
    with pytest.raises(training.TrainingDiverged, match=r"^non-finite loss=nan at step 9; training stopped, the last good "
                       rf"checkpoint is kept in {tmp_path}/checkpoints$"):
        run(tmp_path, 3, poison_step=9)
    assert checkpoint.manager(tmp_path / "checkpoints").latest_step() == 6
    assert [r["step"] for r in training.read_history(tmp_path / "history.jsonl")] == [4, 6, 8]
