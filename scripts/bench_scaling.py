"""Data-parallel scaling of the three trainings: bytes all-reduced per step, step time at 1, 2 and 4 devices here, and a
projection to 8 GPUs on one node and 4 nodes of 8 GPUs from a stated interconnect.

    XLA_FLAGS=--xla_force_host_platform_device_count=4 python scripts/bench_scaling.py   # writes docs/scaling/scaling.{md,csv}

Each practical's own `fit` builds its state, step and batches; `training.fit` is replaced by a function that takes them
and stops (no training). The step is then compiled by `training.compile_step` over meshes of the first 1, 2 and 4 (forced
CPU) devices of this one process; its compiled HLO gives the all-reduce ops and their bytes, the state's pytree the
parameter and BatchNorm bytes. Times are medians of --steps steps after two warm-up steps.
"""

import argparse
import os
import re
import statistics
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import jax
import numpy as np

from jaxdl import parallel, training
from jaxdl.report import markdown_table, write_table

DTYPE_BYTES = {"f32": 4, "f64": 8, "bf16": 2, "f16": 2, "s32": 4, "u32": 4, "s64": 8, "pred": 1, "u8": 1, "s8": 1}
ALL_REDUCE = re.compile(r"= (\(.*?\)|\S+) all-reduce(?:-start)?\(")
SHAPE = re.compile(r"(\w+)\[([\d,]*)\]")
LINKS = {  # name: (GPUs, bandwidth per GPU in the ring's slowest link, bytes/s; latency per ring hop, s)
    "8 GPUs, 1 node (NVLink 450 GB/s)": (8, 450e9, 5e-6),
    "32 GPUs, 4 nodes x 8 (InfiniBand 200 Gb/s per node)": (32, 25e9, 10e-6),
}


class Captured(Exception):  # noqa: N818 -- a signal, not an error
    """Carries what a practical passed to training.fit."""

    def __init__(self, state: object, train_step: Callable, batches: Callable, settings: training.Settings) -> None:
        super().__init__("captured")
        self.state, self.train_step, self.batches, self.settings = state, train_step, batches, settings


def capture(run: Callable[[], object]) -> Captured:
    """What `run()` (a practical's fit) passes to training.fit, without training."""
    real = training.fit

    def stop(state: object, train_step: Callable, batches: Callable, settings: training.Settings, **_: object) -> None:
        raise Captured(state, train_step, batches, settings)
    training.fit = stop
    try:
        run()
    except Captured as captured:
        return captured
    finally:
        training.fit = real
    raise RuntimeError("the practical did not call training.fit")


def dann() -> Captured:
    """DANN as the course trains it: batch 64 source + 64 target images, 32x32x3."""
    from jaxdl.dann.train import fit
    rng = np.random.default_rng(0)
    data = (rng.uniform(-1, 1, (256, 32, 32, 3)).astype(np.float32), rng.integers(0, 10, 256))
    return capture(lambda: fit("dann", data, data, epochs=1, batch_size=64, progress=False))


def cdcgan() -> Captured:
    """The conditional DCGAN with jaxdl's defaults (nz 100, ngf = ndf = 32, batch 128) on 32x32 digits."""
    from jaxdl.gan.config import GanConfig
    from jaxdl.gan.data import GanData, load
    from jaxdl.gan.train import fit
    digits = load("digits", 32)
    data = GanData(digits.train[:256], digits.train_labels[:256], digits.held_out[:64], digits.held_out_labels[:64], 10)
    out = Path("runs/bench_scaling/cdcgan")
    return capture(lambda: fit(GanConfig(epochs=1, eval_samples=0), out, True, data, progress=False))


def finetune() -> Captured:
    """SqueezeNet 1.1 (random weights), fire9 + conv10 trained, batch 32 at 128x128 (the course: 224x224)."""
    from jaxdl.models import create
    from jaxdl.pretrained import variables_for
    from jaxdl.transfer.finetune_run import FinetuneConfig
    from jaxdl.transfer.finetune_run import finetune as fit
    pretrained = variables_for(create("squeezenet1_1"), "squeezenet1_1", "random")
    images = np.random.default_rng(0).normal(size=(80, 136, 136, 3)).astype(np.float32)
    config = FinetuneConfig("fire9-conv10", epochs=1, batch_size=32, size=128, val_fraction=0.2, progress=False)
    return capture(lambda: fit("squeezenet1_1", pretrained, images, np.arange(80) % 4, 4, config))


def tree_bytes(tree: object, part: str) -> int:
    """Bytes of the leaves of `tree` whose path names `part` ("params", "batch_stats"), optimiser states left out."""
    leaves = jax.tree_util.tree_flatten_with_path(tree)[0]
    return sum(np.asarray(leaf).nbytes for path, leaf in leaves
               if part in (text := jax.tree_util.keystr(path)) and "opt" not in text)


def all_reduces(hlo: str) -> tuple[int, int]:
    """(number of all-reduce ops, bytes they reduce) in a compiled module's text."""
    ops = [m.group(1) for m in ALL_REDUCE.finditer(hlo)]
    size = sum(DTYPE_BYTES.get(dtype, 4) * int(np.prod([int(d) for d in dims.split(",") if d], dtype=np.int64))
               for op in ops for dtype, dims in SHAPE.findall(op))
    return len(ops), size


def timed(captured: Captured, devices: int, steps: int) -> tuple[float, int, int]:
    """(median step seconds, all-reduce ops, all-reduced bytes) of the captured step over the first `devices` devices."""
    mesh = parallel.data_mesh(jax.devices()[:devices])
    batch = parallel.put_batch(next(iter(captured.batches(0))), mesh)
    state = parallel.put_replicated(jax.device_get(captured.state), mesh)
    key = parallel.put_replicated(captured.settings.key, mesh)
    tally = training.empty_tally(captured.train_step, state, batch, captured.settings.key, mesh)
    step = training.compile_step(captured.train_step, mesh, captured.settings.key_offset)
    times = []
    with jax.set_mesh(mesh):
        ops, size = all_reduces(step.lower(state, tally, batch, key).compile().as_text()) if devices > 1 else (0, 0)
        for i in range(steps + 2):
            start = time.perf_counter()
            state, tally = step(state, tally, batch, key)
            jax.block_until_ready(state)
            if i >= 2:
                times.append(time.perf_counter() - start)
    return statistics.median(times), ops, size


def projected(t1: float, ops: int, size: int, gpus: int, bandwidth: float, latency: float) -> tuple[float, float]:
    """(all-reduce seconds, step seconds) on `gpus` GPUs: ring all-reduce 2(n-1)/n x bytes / bandwidth plus 2(n-1) hops
    of `latency` per op; compute t1/n (perfect split of a fixed global batch)."""
    comm = 2 * (gpus - 1) / gpus * size / bandwidth + ops * 2 * (gpus - 1) * latency
    return comm, t1 / gpus + comm


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=5, help="timed steps per device count (median)")
    parser.add_argument("--out", type=Path, default=Path("docs/scaling/scaling"), help="table path (.md and .csv)")
    args = parser.parse_args()
    if jax.device_count() < 4:
        raise SystemExit("needs 4 devices: XLA_FLAGS=--xla_force_host_platform_device_count=4")
    load = os.getloadavg()
    rows = []
    for name, build in (("DANN", dann), ("cDCGAN", cdcgan), ("fine-tuning", finetune)):
        captured = build()
        state = jax.device_get(captured.state)
        measured = {n: timed(captured, n, args.steps) for n in (1, 2, 4)}
        ops, size = measured[4][1:]
        row = {"training": name, "parameters MB": round(tree_bytes(state, "params") / 1e6, 3),
               "BatchNorm stats MB": round(tree_bytes(state, "batch_stats") / 1e6, 4),
               "all-reduce ops": ops, "all-reduced MB/step (HLO)": round(size / 1e6, 3),
               **{f"step ms, {n} CPU dev": round(1e3 * measured[n][0], 1) for n in (1, 2, 4)}}
        for link, (gpus, bandwidth, latency) in LINKS.items():
            comm, step = projected(measured[1][0], ops, size, gpus, bandwidth, latency)
            row[f"all-reduce ms, {link}"] = round(1e3 * comm, 3)
            row[f"step ms, {link}"] = round(1e3 * step, 2)
        rows.append(row)
        print(markdown_table([row]), flush=True)
    write_table(rows, args.out)
    note = (f"\n`XLA_FLAGS=--xla_force_host_platform_device_count=4 python scripts/bench_scaling.py`, {date.today()}, "
            f"2-core AMD EPYC CPU shared with other jobs (load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} over "
            f"1 / 5 / 15 min at the start), median of {args.steps} steps.\n")
    args.out.with_suffix(".md").write_text(args.out.with_suffix(".md").read_text() + note)


if __name__ == "__main__":
    main()
