"""`jaxdl dann`: train DANN and its baselines on a source -> target digit pair; table, loss curves, embedding figure."""

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure
from sklearn.decomposition import PCA

from jaxdl.dann.experiment import Arrays, compare
from jaxdl.dann.options import DannOptions, add_options, domains, fit_options
from jaxdl.dann.step import METHODS
from jaxdl.dann.train import fit, predict
from jaxdl.options import add_fields, from_args
from jaxdl.parallel import LAUNCH_HELP, Launch, launch
from jaxdl.report import write_table
from jaxdl.training import epoch_records


@dataclass(frozen=True)
class DannRun:
    """Which methods `jaxdl dann` trains on the domains of DannOptions, with which seed, and where it writes."""

    method: tuple[str, ...] = ("source-only", "dann")
    seed: int = 0
    out: Path = Path("runs/dann")


HELP = {"method": "methods to train and compare", "seed": "seed of the split, the initialisation and the batches",
        "out": "output folder (table, curves, embedding, checkpoints)"}


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `dann` subcommand."""
    p = subparsers.add_parser(
        "dann", help="domain adaptation (DANN, Ganin & Lempitsky 2015) and baselines",
        epilog='example: jaxdl dann --source "idx:../shared/data/mnist[0:5000]" --target "mnist-m:../shared/data/mnist_m[5000:9001]" '
               "--method source-only dann target-only --epochs 10   (no options: embedded digits -> digits-M)")
    add_options(p)
    add_fields(p, DannRun, HELP, {"method": METHODS})
    add_fields(p, Launch, LAUNCH_HELP)
    p.set_defaults(func=run)


def plot_curves(histories: dict[str, list[dict]], path: Path) -> None:
    """Label and domain loss per epoch for each method (domain loss: DANN only)."""
    fig = Figure(figsize=(10, 3.5))
    axes = fig.subplots(1, 2)
    for method, history in histories.items():
        epochs = [h["epoch"] for h in history]
        for ax, key in zip(axes, ("label_loss", "domain_loss")):
            ax.plot(epochs, [h.get(key, np.nan) for h in history], label=method)
    for ax, title in zip(axes, ("label loss (source)", "domain loss (DANN)")):
        ax.set(title=title, xlabel="epoch")
        ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def plot_embedding(features: dict[str, tuple[np.ndarray, np.ndarray]], path: Path) -> None:
    """PCA of source (blue) vs target (red) features, one panel per method (source-only = before adaptation)."""
    fig = Figure(figsize=(4 * len(features), 4))
    axes = fig.subplots(1, len(features), squeeze=False)
    for ax, (method, (fs, ft)) in zip(axes[0], features.items()):
        points = PCA(2).fit_transform(np.concatenate([fs, ft]))
        ax.scatter(*points[:len(fs)].T, s=3, c="tab:blue", label="source")
        ax.scatter(*points[len(fs):].T, s=3, c="tab:red", label="target")
        ax.set_title(method)
        ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def run(args: argparse.Namespace) -> int:
    """Train each method (experiment.compare, as scripts/dann_table.py), write table.md/.csv, curves.png, embedding.png
    under --out; print the table."""
    launch(from_args(Launch, args))
    options, config = from_args(DannOptions, args), from_args(DannRun, args)
    source, target = domains(options, config.seed)
    out = config.out
    histories, features = {}, {}

    def train(method: str, src: Arrays, tgt: Arrays, seed: int, **options) -> Callable[[np.ndarray], np.ndarray]:
        """jaxdl's fit with a resumable run folder per method; keeps the history and test features for the figures."""
        state, history = fit(method, src, tgt, seed=seed, ckpt_dir=out / "runs" / method, **options)
        histories[method] = epoch_records(history)
        features[method] = (predict(state.params, source[1][0][:500])[1], predict(state.params, target[1][0][:500])[1])
        return lambda images: predict(state.params, images)[0]

    rows = compare(source, target, config.method, [config.seed], train, **fit_options(options))
    md, _ = write_table(rows, out / "table")
    plot_curves(histories, out / "curves.png")
    plot_embedding(features, out / "embedding.png")
    print(md.read_text(), end="")
    return 0
