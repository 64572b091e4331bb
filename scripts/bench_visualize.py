"""Network visualization speed, jaxdl vs torch autograd on the same weights: one table, one row per benchmark case.

    python scripts/bench_visualize.py [--cases saliency:squeezenet1_0 pgd:vgg16 ...] [--batch 16] [--steps 5] [--repeats 5]

Each case names a method and an architecture; `CASES` maps a method to its (jaxdl run, torch run)
builders: saliency maps/s (`--steps` batches per call), PGD steps/s, class-visualization iterations/s
(200 iterations of the course loop on SqueezeNet 1.0, scripts/bench_classviz_case.py).
PGD: L-inf, eps 8/255, step 2/255, `--steps` steps per call on a fixed random batch in [0, 1],
jaxdl's jitted `lax` loop vs torchattacks.PGD. Random torchvision weights (seed 0), converted for
jaxdl. Each framework runs in its own fresh process pinned to the same `--threads` cores (XLA sizes
its thread pool by the CPU affinity; torch.set_num_threads), and the two take turns run by run
(scripts/bench_features.interleaved); the median of `--repeats` runs is reported with each peak RSS.
Writes OUT/visualize.md and OUT/visualize.csv.
"""

import argparse
import os
import statistics
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
from bench_features import interleaved, save_weights

EPS, STEP = 8 / 255, 2 / 255


def pin(threads: int) -> None:
    """Run this (fresh) process on the first `threads` cores it may use: XLA and torch then use that many threads.
    jaxdl gets the CLI's XLA settings (YNNPACK convolutions; JAXDL_XLA_DEFAULTS=1 measures XLA's defaults)."""
    os.sched_setaffinity(0, sorted(os.sched_getaffinity(0))[:threads])
    from jaxdl import configure

    configure()  # before XLA starts; torch ignores XLA_FLAGS


def pixels(batch: int, size: int) -> np.ndarray:
    """The fixed benchmark batch: uniform pixel-space images, NHWC."""
    return np.random.default_rng(0).uniform(0, 1, (batch, size, size, 3)).astype(np.float32)


def jax_pgd(arch: str, weights: Path, batch: int, size: int, steps: int, threads: int) -> Callable[[], np.ndarray]:
    """jaxdl: make_pgd on Subject.logits_of_pixels, one call = `steps` steps (one jit, a fori_loop)."""
    pin(threads)
    import jax.numpy as jnp

    from jaxdl import models
    from jaxdl.data.imagenet import MEAN, STD, class_names
    from jaxdl.visualize.attacks import make_pgd
    from jaxdl.visualize.subject import Subject
    from jaxdl.weights import from_torchvision

    subject = Subject(models.create(arch), from_torchvision(arch, weights), jnp.asarray(MEAN), jnp.asarray(STD), class_names(), arch)
    pgd, x = make_pgd(subject.logits_of_pixels), pixels(batch, size)
    labels = np.arange(batch) % 1000
    return lambda: np.asarray(pgd(subject.variables, x, labels, False, EPS, STEP, steps))


def torch_pgd(arch: str, weights: Path, batch: int, size: int, steps: int, threads: int) -> Callable[[], np.ndarray]:
    """torch: torchattacks.PGD (no random start) on torchvision's model with the normalisation inside."""
    pin(threads)
    import torch
    import torchattacks
    import torchvision
    from safetensors.torch import load_file

    from jaxdl.data.imagenet import MEAN, STD

    torch.set_num_threads(threads)
    model = getattr(torchvision.models, arch)(weights=None)
    model.load_state_dict(load_file(str(weights)))
    mean, std = torch.tensor(MEAN).view(1, 3, 1, 1), torch.tensor(STD).view(1, 3, 1, 1)
    normalized = torch.nn.Sequential(torchvision.transforms.Normalize(mean.flatten(), std.flatten()), model).eval()
    attack = torchattacks.PGD(normalized, eps=EPS, alpha=STEP, steps=steps, random_start=False)
    x = torch.from_numpy(pixels(batch, size).transpose(0, 3, 1, 2).copy())
    labels = torch.arange(batch) % 1000
    return lambda: attack(x, labels).numpy().transpose(0, 2, 3, 1)


def jax_saliency(arch: str, weights: Path, batch: int, size: int, steps: int, threads: int) -> Callable[[], np.ndarray]:
    """jaxdl: `steps` batches of vanilla saliency maps (one jitted gradient of the summed selected logits each)."""
    pin(threads)
    from jaxdl import models
    from jaxdl.visualize.saliency import saliency
    from jaxdl.weights import from_torchvision

    model, variables, x = models.create(arch), from_torchvision(arch, weights), pixels(batch, size)
    classes = np.arange(batch) % 1000
    return lambda: [np.asarray(saliency(model, variables, x, classes)[0]) for _ in range(steps)][-1]


def torch_saliency(arch: str, weights: Path, batch: int, size: int, steps: int, threads: int) -> Callable[[], np.ndarray]:
    """torch autograd: the course's saliency (|d logit_c / dx| max over channels), `steps` batches."""
    pin(threads)
    import torch
    import torchvision
    from safetensors.torch import load_file

    torch.set_num_threads(threads)
    model = getattr(torchvision.models, arch)(weights=None)
    model.load_state_dict(load_file(str(weights)))
    model.eval()
    x, classes = torch.from_numpy(pixels(batch, size).transpose(0, 3, 1, 2).copy()), torch.arange(batch) % 1000

    def maps() -> np.ndarray:
        image = x.clone().requires_grad_(True)
        (grad,) = torch.autograd.grad(model(image).gather(1, classes[:, None]).sum(), image)  # no weight gradients
        return grad.abs().amax(dim=1).numpy()

    return lambda: [maps() for _ in range(steps)][-1]


def jax_classviz(arch: str, weights: Path, batch: int, size: int, steps: int, threads: int) -> Callable[[], np.ndarray]:
    """jaxdl: 200 iterations of the course's class visualization (scripts/bench_classviz_case.py, SqueezeNet 1.0, 224)."""
    pin(threads)
    from bench_classviz_case import jaxdl_case

    return jaxdl_case()


def torch_classviz(arch: str, weights: Path, batch: int, size: int, steps: int, threads: int) -> Callable[[], np.ndarray]:
    """torch: the course's loop in autograd, same noise and jitter (scripts/bench_classviz_case.py)."""
    pin(threads)
    import torch

    torch.set_num_threads(threads)
    from bench_classviz_case import torch_case

    run = torch_case()
    return lambda: run().transpose(0, 2, 3, 1)  # NCHW -> NHWC, as jaxdl


# method -> (jaxdl builder, torch builder, unit, work per timed call)
CASES = {
    "pgd": (jax_pgd, torch_pgd, "steps/s", lambda args: args.steps),
    "saliency": (jax_saliency, torch_saliency, "maps/s", lambda args: args.steps * args.batch),
    "classviz": (jax_classviz, torch_classviz, "iterations/s", lambda args: 200),
}


def bench(method: str, arch: str, args: argparse.Namespace, weights: Path) -> dict:
    """One table row: the median rates of both frameworks, their ratio, peak memory and agreement."""
    jax_run, torch_run, unit, work = CASES[method]
    common = (arch, weights, args.batch, args.size, args.steps, args.threads)
    runs = interleaved({"jaxdl": (jax_run, *common), "torch": (torch_run, *common)}, args.warmup, args.repeats)
    rate = {name: work(args) / statistics.median(run["seconds"]) for name, run in runs.items()}
    diff = np.abs(runs["jaxdl"]["out"] - runs["torch"]["out"])
    batch = 1 if method == "classviz" else args.batch  # the class-visualization case is one image at 224
    return {"case": method, "arch": arch, "batch": batch, "size": args.size, "threads": args.threads,
            "unit": unit, "jaxdl rate": round(rate["jaxdl"], 3), "torch rate": round(rate["torch"], 3),
            "ratio": round(rate["jaxdl"] / rate["torch"], 2), "jaxdl peak RSS MB": round(runs["jaxdl"]["rss"]),
            "torch peak RSS MB": round(runs["torch"]["rss"]), "pixels within 1e-5": float((diff <= 1e-5).mean())}


def main() -> None:
    from jaxdl.report import markdown_table, write_table

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", nargs="+", metavar="METHOD:ARCH", help="METHOD: pgd, saliency or classviz (SqueezeNet 1.0 only)",
                        default=["saliency:squeezenet1_0", "pgd:squeezenet1_0", "classviz:squeezenet1_0", "saliency:vgg16", "pgd:vgg16"])
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--size", type=int, default=224)
    parser.add_argument("--steps", type=int, default=5, help="iterations per timed call (default 5)")
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=5, help="timed calls per framework, interleaved (median reported)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--out", type=Path, default=Path("runs/bench"))
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for case in args.cases:
            method, _, arch = case.partition(":")
            weights = Path(tmp) / f"{arch}.safetensors"
            if not weights.exists():
                save_weights(arch, weights)
            rows.append(bench(method, arch, args, weights))
            print(markdown_table(rows[-1:]), flush=True)
    print(markdown_table(rows))
    md, csv_path = write_table(rows, args.out / "visualize")
    print(f"wrote {md} and {csv_path}; load average {os.getloadavg()}")


if __name__ == "__main__":
    main()
