"""Training iterations per second of the DCGAN step, jaxdl (jitted, donated) vs the same networks and step in PyTorch.

    python scripts/bench_gan.py [--sizes 32 64] [--iters 10] [--repeats 5] [--out runs/bench_gan]

Batch 128; 32x32 gray with the course's widths (32), 64x64 RGB with DCGAN's widths (64); both use one
G forward per iteration (D on real + detached fake, then G through the updated D), Adam(2e-4, 0.5).
Both steps are built and warmed up once, then timed in alternation (jaxdl, PyTorch, jaxdl, ...) so
that load changes on the machine hit both; the table reports the median rate of the repeats.
XLA gets the CLI's settings (jaxdl.xla); PyTorch uses as many threads as the process may run on.
"""

import argparse
import os
import statistics
import sys
from collections.abc import Callable
from pathlib import Path

import jax
import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "support"))
from torch_dcgan import TorchDiscriminator, TorchGenerator  # noqa: E402

from jaxdl import configure  # noqa: E402
from jaxdl.bench import interleaved_rates  # noqa: E402
from jaxdl.gan.steps import dcgan_adam, init_state, make_train_step  # noqa: E402
from jaxdl.keys import prng_key  # noqa: E402
from jaxdl.models.dcgan import Discriminator, Generator  # noqa: E402
from jaxdl.report import write_table  # noqa: E402

SETTINGS = {32: (1, 32), 64: (3, 64)}  # image size -> (channels, ngf = ndf)
BATCH = 128


def jax_step(size: int) -> Callable[[], None]:
    """jaxdl: the train step jitted as jaxdl.training does (state donated) on a fixed real batch, a new key each call."""
    channels, width = SETTINGS[size]
    g, d, tx = Generator(size, ngf=width, channels=channels), Discriminator(size, ndf=width), dcgan_adam()
    state, train_step = [init_state(g, d, prng_key(0), tx, tx)], jax.jit(make_train_step(g, d), donate_argnums=0)
    real = np.random.default_rng(0).uniform(-1, 1, (BATCH, size, size, channels)).astype(np.float32)
    key, count = prng_key(1), [0]

    def step():
        state[0], metrics = train_step(state[0], (real, None), jax.random.fold_in(key, count[0]))
        count[0] += 1
        jax.block_until_ready(metrics)

    return step


def torch_step(size: int) -> Callable[[], None]:
    """PyTorch: the DCGAN tutorial's iteration on the same networks."""
    channels, width = SETTINGS[size]
    g, d = TorchGenerator(size, ngf=width, channels=channels), TorchDiscriminator(size, ndf=width, channels=channels)
    og = torch.optim.Adam(g.parameters(), 2e-4, betas=(0.5, 0.999))
    od = torch.optim.Adam(d.parameters(), 2e-4, betas=(0.5, 0.999))
    real, ones, zeros = torch.rand(BATCH, channels, size, size) * 2 - 1, torch.ones(BATCH), torch.zeros(BATCH)
    bce = torch.nn.functional.binary_cross_entropy_with_logits

    def step():
        fake = g(torch.randn(BATCH, 100))
        od.zero_grad()
        (bce(d(real), ones) + bce(d(fake.detach()), zeros)).backward()
        od.step()
        og.zero_grad()
        bce(d(fake), ones).backward()
        og.step()

    return step


def measure(size: int, iters: int, repeats: int) -> dict:
    """Median (and spread) of `repeats` alternating timings of both steps after one warm-up call each."""
    rates = interleaved_rates({"jaxdl": jax_step(size), "torch": torch_step(size)}, iters, repeats, warmup=1)
    ours, theirs = statistics.median(rates["jaxdl"]), statistics.median(rates["torch"])
    return {"image": f"{size}x{size}x{SETTINGS[size][0]}", "width": SETTINGS[size][1], "batch": BATCH,
            "repeats": f"{repeats}x{iters}", "jaxdl it/s": ours, "jaxdl min-max": f"{min(rates['jaxdl']):.3g}-{max(rates['jaxdl']):.3g}",
            "torch it/s": theirs, "torch min-max": f"{min(rates['torch']):.3g}-{max(rates['torch']):.3g}",
            "speed-up": ours / theirs}


def main() -> None:
    """Measure both frameworks per size; print the Markdown table and write it with a CSV."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[32, 64], choices=sorted(SETTINGS))
    parser.add_argument("--iters", type=int, default=10, help="iterations per timing")
    parser.add_argument("--repeats", type=int, default=5, help="alternating timings per framework (median reported)")
    parser.add_argument("--out", default="runs/bench_gan")
    args = parser.parse_args()
    configure()
    torch.set_num_threads(len(os.sched_getaffinity(0)))
    print(f"cores {sorted(os.sched_getaffinity(0))}, torch threads {torch.get_num_threads()}, "
          f"XLA_FLAGS={os.environ.get('XLA_FLAGS', '')!r}", flush=True)
    rows = []
    for size in args.sizes:
        rows.append(measure(size, args.iters, args.repeats))
        print(rows[-1], flush=True)
    md, csv_path = write_table(rows, Path(args.out) / "bench_gan")
    print(md.read_text() + f"(also {csv_path})")


if __name__ == "__main__":
    main()
