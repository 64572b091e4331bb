"""Training iterations per second of the DCGAN step, jaxdl (jitted, donated) vs the same networks and step in PyTorch.

    python scripts/bench_gan.py [--sizes 32 64] [--iters 10] [--out runs/bench_gan]

Batch 128; 32x32 gray with the course's widths (32), 64x64 RGB with DCGAN's widths (64); both use one
G forward per iteration (D on real + detached fake, then G through the updated D), Adam(2e-4, 0.5).
"""

import argparse
import os
import sys
import time
from pathlib import Path

import jax
import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from torch_dcgan import TorchDiscriminator, TorchGenerator  # noqa: E402

from jaxdl.gan.steps import dcgan_adam, init_state, make_train_step, prng_key  # noqa: E402
from jaxdl.models.dcgan import Discriminator, Generator  # noqa: E402
from jaxdl.report import write_table  # noqa: E402

SETTINGS = {32: (1, 32), 64: (3, 64)}  # image size -> (channels, ngf = ndf)
BATCH = 128


def time_calls(step, iters: int) -> float:
    """Iterations per second of `step()` after one warm-up (compilation) call."""
    step()
    start = time.perf_counter()
    for _ in range(iters):
        step()
    return iters / (time.perf_counter() - start)


def jax_rate(size: int, iters: int) -> float:
    """jaxdl: make_train_step on a fixed real batch."""
    channels, width = SETTINGS[size]
    g, d, tx = Generator(size, ngf=width, channels=channels), Discriminator(size, ndf=width), dcgan_adam()
    state, train_step = [init_state(g, d, prng_key(0), tx, tx)], make_train_step(g, d, tx, tx)
    real = np.random.default_rng(0).uniform(-1, 1, (BATCH, size, size, channels)).astype(np.float32)
    key = prng_key(1)

    def step():
        state[0], metrics = train_step(state[0], real, None, key)
        jax.block_until_ready(metrics)

    return time_calls(step, iters)


def torch_rate(size: int, iters: int) -> float:
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

    return time_calls(step, iters)


def main() -> None:
    """Measure both frameworks per size; print and write the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[32, 64], choices=sorted(SETTINGS))
    parser.add_argument("--iters", type=int, default=10)
    parser.add_argument("--out", default="runs/bench_gan")
    args = parser.parse_args()
    torch.set_num_threads(os.cpu_count())
    rows = []
    for size in args.sizes:
        ours, theirs = jax_rate(size, args.iters), torch_rate(size, args.iters)
        rows.append({"image": f"{size}x{size}x{SETTINGS[size][0]}", "width": SETTINGS[size][1], "batch": BATCH,
                     "jaxdl it/s": ours, "torch it/s": theirs, "speed-up": ours / theirs})
        print(rows[-1], flush=True)
    md, _ = write_table(rows, Path(args.out) / "bench_gan")
    print(md.read_text())


if __name__ == "__main__":
    main()
