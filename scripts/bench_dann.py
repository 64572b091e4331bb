"""Training steps per second of the DANN step at batch 64+64: jaxdl (jitted) vs the same network and step in PyTorch (CPU)."""

import argparse
import time

import jax
import jax.numpy as jnp
import numpy as np
import torch
from torch import nn

from jaxdl.dann.step import init_state, make_train_step, optimizer
from jaxdl.models.dann import DANN


class Reverse(torch.autograd.Function):
    """PyTorch gradient reversal: identity forward, -lam * grad backward."""

    @staticmethod
    def forward(ctx, x, lam):
        ctx.lam = lam
        return x.view_as(x)

    @staticmethod
    def backward(ctx, grad):
        return -ctx.lam * grad, None


class TorchDANN(nn.Module):
    """The same network as jaxdl.models.dann.DANN, in NCHW."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(3, 32, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 48, 5), nn.ReLU(), nn.MaxPool2d(2))
        self.classifier = nn.Sequential(nn.Linear(1200, 100), nn.ReLU(), nn.Linear(100, 100), nn.ReLU(), nn.Linear(100, 10))
        self.domain = nn.Sequential(nn.Linear(1200, 100), nn.ReLU(), nn.Linear(100, 1))

    def forward(self, x, lam):
        f = self.features(x).flatten(1)
        return self.classifier(f), self.domain(Reverse.apply(f, lam))[:, 0]


def bench_torch(x, y, steps):
    """Steps/s of the PyTorch DANN step (SGD momentum 0.9, label + domain loss)."""
    model = TorchDANN()
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    x, y = torch.from_numpy(x).permute(0, 3, 1, 2).contiguous(), torch.from_numpy(y)
    domain = (torch.arange(len(x)) >= len(x) // 2).float()

    def step():
        opt.zero_grad()
        logits, dom = model(x, 0.5)
        loss = nn.functional.cross_entropy(logits[: len(x) // 2], y[: len(x) // 2]) + \
            nn.functional.binary_cross_entropy_with_logits(dom, domain)
        loss.backward()
        opt.step()

    for _ in range(3):
        step()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    return steps / (time.perf_counter() - start)


def bench_jax(x, y, steps):
    """Steps/s of jaxdl's jitted DANN train_step."""
    model, tx = DANN(), optimizer(0.01, 1000)
    state = init_state(model, tx, jax.random.key(0))
    step = make_train_step(model, tx, "dann", 1000)
    n = len(x) // 2
    src, tgt, key = (jnp.asarray(x[:n]), jnp.asarray(y[:n])), (jnp.asarray(x[n:]), jnp.asarray(y[n:])), jax.random.key(1)
    for _ in range(3):
        state, metrics = step(state, src, tgt, key)
    jax.block_until_ready(state)
    start = time.perf_counter()
    for _ in range(steps):
        state, metrics = step(state, src, tgt, key)
    jax.block_until_ready(state)
    return steps / (time.perf_counter() - start)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--batch", type=int, default=64, help="per domain (the step sees 2x this)")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    x, y = rng.random((2 * args.batch, 32, 32, 3), np.float32), rng.integers(0, 10, 2 * args.batch)
    torch.set_num_threads(max(torch.get_num_threads(), 1))
    j, t = bench_jax(x, y, args.steps), bench_torch(x, y, args.steps)
    print(f"| batch | jaxdl steps/s | PyTorch steps/s | ratio |\n|---|---|---|---|\n| {args.batch}+{args.batch} | {j:.2f} | {t:.2f} | {j / t:.2f}x |")


if __name__ == "__main__":
    main()
