"""`jaxdl demo --out runs/demo`: a two-minute tour of jaxdl on real data shipped with scikit-learn.

The demo is a list of small steps `step(args, state)`: each reads what earlier steps left
in `state`, adds its results and writes its files under `--out`; more steps can be appended.
Transfer learning: the 1,797 real 8x8 digits, upsampled to RGB, go through SqueezeNet
(squeezenet1_0 with real ImageNet weights when ../shared/weights has them, else a random
squeezenet1_1); features at three layers feed a linear SVM, next to a raw-pixel baseline.
"""

import argparse
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.model_selection import train_test_split

from jaxdl import models
from jaxdl.data.digits import digits
from jaxdl.data.imagenet import preprocess
from jaxdl.features import extract
from jaxdl.options import add_fields, from_args
from jaxdl.pretrained import variables_for
from jaxdl.report import markdown_table, write_table
from jaxdl.run.locate import real_weights
from jaxdl.summary import layer_table
from jaxdl.transfer.svm import layer_sweep, svm_sweep

SIZE = 64  # digits are upsampled from 8x8 to SIZE x SIZE
LAYERS = ("fire3", "fire6", "fire9")
CS = (0.1, 1.0, 10.0)



@dataclass(frozen=True)
class DemoOptions:
    """Where the demo writes."""

    out: Path = Path("runs/demo")


Step = Callable[[DemoOptions, dict], None]


def digits_step(args: DemoOptions, state: dict) -> None:
    """Real digits -> SIZE x SIZE RGB ImageNet-normalised images, split half/half per class with a seed."""
    images, labels = digits()
    inputs = np.stack([preprocess(image, SIZE) for image in images])
    split = train_test_split(inputs, images.reshape(len(images), -1), labels, train_size=0.5, random_state=0, stratify=labels)
    state["train"], state["test"], state["pixels_train"], state["pixels_test"], state["y_train"], state["y_test"] = split
    print(f"digits: {len(state['train'])} train / {len(state['test'])} test images, {SIZE}x{SIZE} RGB")


def network_step(args: DemoOptions, state: dict) -> None:
    """squeezenet1_0 with real ImageNet weights if available, else a seeded random squeezenet1_1; its layer table."""
    weights = real_weights()
    arch = "squeezenet1_0" if weights else "squeezenet1_1"
    state["network"] = f"{arch} ({'ImageNet' if weights else 'random'})"
    state["model"] = models.create(arch)
    state["variables"] = variables_for(state["model"], arch, str(weights) if weights else "random")
    summary = layer_table(arch, SIZE)
    write_table(summary, args.out / "model_summary")
    print(f"{state['network']} weights from {weights or 'a seeded random init'}; layers on {SIZE}x{SIZE} inputs:")
    print(markdown_table(summary), end="")


def transfer_step(args: DemoOptions, state: dict) -> None:
    """Average-pooled features at LAYERS (one forward pass) -> L2 norm -> LinearSVC over CS, raw pixels as the baseline."""
    model, variables = state["model"], state["variables"]

    feats = {s: extract(model, variables, state[s], pool="avg", progress=False, layers=LAYERS) for s in ("train", "test")}
    features_for = lambda layer: (feats["train"][layer], feats["test"][layer])  # all layers came from one pass
    pixels = svm_sweep(state["pixels_train"], state["y_train"], state["pixels_test"], state["y_test"], CS)
    rows = [{"features": "raw pixels (8x8)", **row} for row in pixels]
    for row in layer_sweep(features_for, LAYERS, state["y_train"], state["y_test"], CS):
        row.pop("l2")  # always L2 here, as the pixel rows
        rows.append({"features": f"{state['network']} {row.pop('layer')}", **row})
    write_table(rows, args.out / "transfer_digits")
    print(markdown_table(rows), end="")


STEPS: list[tuple[str, Step]] = [("digits", digits_step), ("network", network_step), ("transfer", transfer_step)]


def run(args: DemoOptions) -> int:
    """Run every step in order, timing each; files go under --out."""
    args.out.mkdir(parents=True, exist_ok=True)
    state: dict = {}
    for name, step in STEPS:
        start = time.perf_counter()
        print(f"== {name}")
        step(args, state)
        print(f"   ({time.perf_counter() - start:.1f}s)")
    print(f"results in {args.out}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `demo`."""
    parser = subparsers.add_parser("demo", help="a two-minute tour on embedded real data (transfer learning on digits)",
                                   epilog="example: jaxdl demo --out runs/demo   (every practical: jaxdl run all --quick)")
    add_fields(parser, DemoOptions, {"out": "output folder"})
    parser.set_defaults(func=lambda args: run(from_args(DemoOptions, args)))
