"""`jaxdl dann`: train DANN and its baselines on a source -> target digit pair; table, loss curves, embedding figure."""

import argparse
from collections.abc import Callable
from pathlib import Path

import jax
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.decomposition import PCA  # noqa: E402

from jaxdl.dann.experiment import Arrays, compare  # noqa: E402
from jaxdl.dann.options import add_options, domains, fit_options  # noqa: E402
from jaxdl.dann.step import METHODS  # noqa: E402
from jaxdl.dann.train import fit, predict  # noqa: E402
from jaxdl.report import write_table  # noqa: E402
from jaxdl.training import epoch_records  # noqa: E402


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `dann` subcommand."""
    p = subparsers.add_parser(
        "dann", help="domain adaptation (DANN, Ganin & Lempitsky 2015) and baselines",
        epilog='example: jaxdl dann --source "idx:../shared/data/mnist[0:5000]" --target "mnist-m:../shared/data/mnist_m[5000:9001]" '
               "--method source-only dann target-only --epochs 10   (no options: embedded digits -> digits-M)")
    add_options(p)
    p.add_argument("--method", nargs="+", default=["source-only", "dann"], choices=METHODS)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", default="runs/dann", help="output folder (table, curves, embedding, checkpoints)")
    p.add_argument("--distributed", action="store_true", help="one process of a multi-host run: call "
                   "jax.distributed.initialize() first (Slurm, TPU slice or JAX_COORDINATOR_ADDRESS...)")
    p.set_defaults(func=run)


def plot_curves(histories: dict[str, list[dict]], path: Path) -> None:
    """Label and domain loss per epoch for each method (domain loss: DANN only)."""
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.5))
    for method, history in histories.items():
        epochs = [h["epoch"] for h in history]
        for ax, key in zip(axes, ("label_loss", "domain_loss")):
            ax.plot(epochs, [h.get(key, np.nan) for h in history], label=method)
    for ax, title in zip(axes, ("label loss (source)", "domain loss (DANN)")):
        ax.set(title=title, xlabel="epoch")
        ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def plot_embedding(features: dict[str, tuple[np.ndarray, np.ndarray]], path: Path) -> None:
    """PCA of source (blue) vs target (red) features, one panel per method (source-only = before adaptation)."""
    fig, axes = plt.subplots(1, len(features), figsize=(4 * len(features), 4), squeeze=False)
    for ax, (method, (fs, ft)) in zip(axes[0], features.items()):
        points = PCA(2).fit_transform(np.concatenate([fs, ft]))
        ax.scatter(*points[:len(fs)].T, s=3, c="tab:blue", label="source")
        ax.scatter(*points[len(fs):].T, s=3, c="tab:red", label="target")
        ax.set_title(method)
        ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def run(args: argparse.Namespace) -> int:
    """Train each method (experiment.compare, as scripts/dann_table.py), write table.md/.csv, curves.png, embedding.png
    under --out; print the table."""
    if args.distributed:
        jax.distributed.initialize()
    source, target = domains(args, args.seed)
    out = Path(args.out)
    histories, features = {}, {}

    def train(method: str, src: Arrays, tgt: Arrays, seed: int, **options) -> Callable[[np.ndarray], np.ndarray]:
        """jaxdl's fit with a resumable run folder per method; keeps the history and test features for the figures."""
        state, history = fit(method, src, tgt, seed=seed, ckpt_dir=out / "runs" / method, **options)
        histories[method] = epoch_records(history)
        features[method] = (predict(state.params, source[1][0][:500])[1], predict(state.params, target[1][0][:500])[1])
        return lambda images: predict(state.params, images)[0]

    rows = compare(source, target, args.method, [args.seed], train, **fit_options(args))
    md, _ = write_table(rows, out / "table")
    plot_curves(histories, out / "curves.png")
    plot_embedding(features, out / "embedding.png")
    print(md.read_text(), end="")
    return 0
