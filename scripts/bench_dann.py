"""Training steps per second of the DANN step at batch 64+64: jaxdl (jitted) vs the same network and step in PyTorch (CPU).

Also times each convolution of the network alone (forward, and forward + backward) in both frameworks, since
those dominate the step. Every figure is the median of --repeats timed runs, jaxdl and PyTorch interleaved.
"""

import argparse
import statistics
import sys
from collections.abc import Callable
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import torch
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "support"))
from torch_dann import TorchDANN, sgd, train_step  # noqa: E402

from jaxdl.bench import interleaved_rates  # noqa: E402
from jaxdl.dann.step import init_state, make_train_step, optimizer  # noqa: E402
from jaxdl.keys import prng_key  # noqa: E402
from jaxdl.models.dann import DANN  # noqa: E402
from jaxdl.report import markdown_table, write_table  # noqa: E402

CONVS = {"conv1 5x5 3->32 on 32x32": ((32, 32, 3), 32), "conv2 5x5 32->48 on 14x14": ((14, 14, 32), 48)}


def torch_step(x: np.ndarray, y: np.ndarray) -> Callable[[], None]:
    """One step of the PyTorch transcription (tests/support/torch_dann.py) on the same batch, halfway through the schedule."""
    model = TorchDANN()
    opt = sgd(model, 0.01)
    x, y = torch.from_numpy(x).permute(0, 3, 1, 2).contiguous(), torch.from_numpy(y)
    n = len(x) // 2
    return lambda: train_step(model, opt, "dann", (x[:n], y[:n]), (x[n:], y[n:]), 500, 1000)


def jax_step(x: np.ndarray, y: np.ndarray) -> Callable[[], None]:
    """One jaxdl DANN train_step on the same batch, as a closure that waits for the result."""
    model, tx = DANN(), optimizer(0.01, 1000)
    train_step = jax.jit(make_train_step(model, "dann", 1000), donate_argnums=0)
    n, key = len(x) // 2, prng_key(1)
    src, tgt = (jnp.asarray(x[:n]), jnp.asarray(y[:n])), (jnp.asarray(x[n:]), jnp.asarray(y[n:]))
    state = [init_state(model, tx, prng_key(0))]

    def step():
        state[0], _ = train_step(state[0], (src, tgt), key)
        jax.block_until_ready(state[0])

    return step


def conv_calls(batch: int, shape: tuple[int, int, int], out: int, backward: bool) -> dict[str, Callable[[], None]]:
    """{"jaxdl": f, "PyTorch": f}: one convolution (5x5, VALID) forward, or forward + backward to input and kernel."""
    rng = np.random.default_rng(0)
    x, w = rng.random((batch, *shape), np.float32), rng.normal(size=(5, 5, shape[-1], out)).astype(np.float32)
    conv = lambda x, w: jax.lax.conv_general_dilated(x, w, (1, 1), "VALID", dimension_numbers=("NHWC", "HWIO", "NHWC"))
    jf = jax.jit(jax.grad(lambda x, w: conv(x, w).sum(), argnums=(0, 1)) if backward else conv)
    jx, jw = jnp.asarray(x), jnp.asarray(w)
    tx = torch.from_numpy(x).permute(0, 3, 1, 2).contiguous().requires_grad_(backward)
    tw = torch.from_numpy(w).permute(3, 2, 0, 1).contiguous().requires_grad_(backward)

    def torch_call():
        y = nn.functional.conv2d(tx, tw)
        if backward:
            y.sum().backward()

    return {"jaxdl": lambda: jax.block_until_ready(jf(jx, jw)), "PyTorch": torch_call}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=20, help="steps per timed run")
    parser.add_argument("--repeats", type=int, default=5, help="timed runs; the median is reported")
    parser.add_argument("--batch", type=int, default=64, help="per domain (the step sees 2x this)")
    parser.add_argument("--out", default="runs/bench_dann", help="table path without extension (.md and .csv)")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    x, y = rng.random((2 * args.batch, 32, 32, 3), np.float32), rng.integers(0, 10, 2 * args.batch)
    rows = []
    work = {f"train step, batch {args.batch}+{args.batch}": {"jaxdl": jax_step(x, y), "PyTorch": torch_step(x, y)}}
    for name, (shape, out) in CONVS.items():
        for backward in (False, True):
            work[f"{name}, {'fwd+bwd' if backward else 'fwd'}"] = conv_calls(2 * args.batch, shape, out, backward)
    for name, calls in work.items():
        rate = {k: statistics.median(v) for k, v in interleaved_rates(calls, args.steps, args.repeats).items()}
        rows.append({"what": name, "jaxdl /s": round(rate["jaxdl"], 2), "PyTorch /s": round(rate["PyTorch"], 2),
                     "ratio": f"{rate['jaxdl'] / rate['PyTorch']:.2f}x"})
    write_table(rows, args.out)
    print(f"threads: PyTorch {torch.get_num_threads()}, median of {args.repeats} x {args.steps} calls\n")
    print(markdown_table(rows), end="")


if __name__ == "__main__":
    main()
