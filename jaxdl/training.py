"""The one training loop of jaxdl (DANN, the GANs, the small CNN classifier, fine-tuning).

`train_step(state, batch, key) -> (state, metrics)` is pure; the loop jits it once per run with the state donated, the
batch split over the devices and the state replicated (jaxdl.parallel). Step s trains with `fold_in(key, key_offset + s)`,
so a run depends only on its seed. Metrics are summed on the device and fetched every `log_every` steps and at each
epoch's end. At the end of each epoch the state is saved as an Orbax checkpoint indexed by the global step; a rerun in
the same folder resumes there bit-identically. One `history.jsonl` holds a record per line: {"step", means} every
`log_every` steps, {"epoch", "step", means, evaluate(...)} per epoch. A non-finite metric stops the run with
TrainingDiverged and leaves the last good checkpoint in place.
"""

import itertools
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax.sharding import Mesh
from tqdm.auto import tqdm

from jaxdl import checkpoint, parallel
from jaxdl.errors import JaxdlError

TrainStep = Callable[[Any, Any, jax.Array], tuple[Any, dict]]
History = list[dict]


class TrainingDiverged(JaxdlError):
    """A metric became NaN or infinite: training stops and the last good checkpoint stays."""


@dataclass(frozen=True)
class Settings:
    """How long and with which keys to train; `out`: the run folder (checkpoints/, history.jsonl; None: nothing written,
    no resume); `log_every`: steps between step records (0: epoch records only); `key_offset`: fold_in index of step 0."""

    epochs: int
    steps_per_epoch: int
    key: jax.Array
    key_offset: int = 0
    out: str | Path | None = None
    log_every: int = 0
    progress: bool = True
    desc: str = "training"


def epoch_rng(seed: int, epoch: int) -> np.random.Generator:
    """The host generator of one epoch of a seeded run: a resumed run (or a reference script) draws the same batches."""
    return np.random.default_rng([seed, epoch])


def epoch_order(seed: int, epoch: int, n: int) -> np.ndarray:
    """The order of `n` training rows in one epoch of a seeded run (0-based epoch)."""
    return epoch_rng(seed, epoch).permutation(n)


def compile_step(train_step: TrainStep, mesh: Mesh, key_offset: int = 0) -> Callable:
    """`step(state, tally, batch, key) -> (state, tally)`: train_step jitted over `mesh` with the state donated.

    `tally` holds the metric sums since the last fetch and the first step whose metrics were not finite (-1: none).
    Call it under `jax.set_mesh(mesh)`: what the step draws itself is then split like the batch (parallel.batch_split).
    """
    def step(state: Any, tally: dict, batch: Any, key: jax.Array) -> tuple[Any, dict]:
        state, metrics = train_step(state, batch, jax.random.fold_in(key, key_offset + state.step))
        finite = jnp.all(jnp.stack([jnp.isfinite(v).all() for v in metrics.values()]))
        diverged = jnp.where((tally["diverged"] < 0) & ~finite, state.step, tally["diverged"])
        return state, {"sums": jax.tree.map(jnp.add, tally["sums"], metrics), "diverged": diverged}
    same = parallel.replicated(mesh)
    return jax.jit(step, donate_argnums=0, in_shardings=(same, same, parallel.split(mesh), same), out_shardings=(same, same))


def empty_tally(train_step: TrainStep, state: Any, batch: Any, key: jax.Array, mesh: Mesh) -> dict:
    """Zero sums shaped like train_step's metrics and no divergence seen (-1), on every device of `mesh`."""
    metrics = jax.eval_shape(train_step, state, batch, key)[1]
    zeros = jax.tree.map(lambda m: jnp.zeros(m.shape, m.dtype), metrics)
    return parallel.put_replicated({"sums": zeros, "diverged": jnp.array(-1, jnp.int32)}, mesh)


def read_history(path: str | Path, last_step: int | None = None) -> History:
    """The records of a history.jsonl (none if it is missing), up to `last_step` if given."""
    path = Path(path)
    records = [json.loads(line) for line in path.read_text().splitlines()] if path.is_file() else []
    return [r for r in records if last_step is None or r["step"] <= last_step]


def epoch_records(history: History) -> History:
    """The per-epoch records of a history."""
    return [r for r in history if "epoch" in r]


def fit(state: Any, train_step: TrainStep, batches: Callable[[int], Iterable], settings: Settings, *,
        evaluate: Callable[[Any, int], dict] | None = None, mesh: Mesh | None = None) -> tuple[Any, History]:
    """Train `state` (a pytree with a global `step`) for `settings.epochs`; returns (state, history).

    `batches(epoch)` yields the epoch's host batches (pytrees of arrays, deterministic per seed and epoch, 0-based epoch);
    `evaluate(state, epoch)` (1-based epoch) adds host numbers to the epoch's record. `mesh`: default all devices.
    """
    mesh = mesh or parallel.data_mesh()
    out = Path(settings.out) if settings.out else None
    mngr = checkpoint.manager(out / "checkpoints") if out else None
    if mngr:
        state, _ = checkpoint.restore_latest(mngr, state)
    state = parallel.put_replicated(state, mesh)
    done = int(state.step)
    history = read_history(out / "history.jsonl", done) if out else []  # a resumed run drops what came after its checkpoint
    if out and parallel.primary():
        (out / "history.jsonl").write_text("".join(json.dumps(r) + "\n" for r in history))
    step, key = compile_step(train_step, mesh, settings.key_offset), parallel.put_replicated(settings.key, mesh)
    total, per_epoch = settings.epochs * settings.steps_per_epoch, settings.steps_per_epoch
    bar = tqdm(total=total, initial=min(done, total), desc=settings.desc, disable=not settings.progress, mininterval=1.0)
    n = since = done  # steps trained (counted on the host: no device sync per step), and at the last fetch
    zeros = tally = None
    epoch_sums: dict[str, float] = {}

    def fetch() -> dict[str, float]:
        """The metric means since the last fetch (one transfer); stops on divergence; adds the sums to the epoch's."""
        nonlocal tally, since
        if n == since:
            return {}
        sums, diverged = jax.device_get((tally["sums"], tally["diverged"]))
        if diverged >= 0:
            bad = ", ".join(f"{k}={v}" for k, v in sums.items() if not np.isfinite(v).all())
            kept = f"the last good checkpoint is kept in {out / 'checkpoints'}" if out else "no checkpoint was asked for"
            raise TrainingDiverged(f"non-finite {bad} at step {diverged}; training stopped, {kept}")
        means = {k: float(v) / (n - since) for k, v in sums.items()}
        for k, v in sums.items():
            epoch_sums[k] = epoch_sums.get(k, 0.0) + float(v)
        tally, since = zeros, n
        bar.set_postfix({k: f"{v:.3g}" for k, v in means.items()}, refresh=False)
        return means

    def record(row: dict) -> None:
        """Append a record to the history (and to history.jsonl)."""
        history.append(row)
        if out and parallel.primary():
            with (out / "history.jsonl").open("a") as f:
                f.write(json.dumps(row) + "\n")

    with bar:  # closed on TrainingDiverged too
        for epoch in range(done // per_epoch, settings.epochs):
            start = n
            epoch_sums.clear()
            for batch in itertools.islice(batches(epoch), n - epoch * per_epoch, per_epoch):
                batch = parallel.put_batch(batch, mesh)
                if zeros is None:
                    zeros = tally = empty_tally(train_step, state, batch, settings.key, mesh)
                with jax.set_mesh(mesh):
                    state, tally = step(state, tally, batch, key)
                n += 1
                bar.update()
                if settings.log_every and n % settings.log_every == 0:
                    record({"step": n, **fetch()})
            if n == start:
                raise JaxdlError(f"epoch {epoch + 1} yielded no batch")
            fetch()
            row = {"epoch": epoch + 1, "step": n, **{k: v / (n - start) for k, v in epoch_sums.items()}}
            record({**row, **(evaluate(state, epoch + 1) if evaluate else {})})
            if mngr:
                checkpoint.save(mngr, n, state)
    return state, history
