"""The class each attribution explains (`--class`, else the true label, else the prediction), and what a method writes."""

import argparse
from collections.abc import Callable
from pathlib import Path

import numpy as np

from jaxdl.features import extract
from jaxdl.report import write_table
from jaxdl.visualize.attribution_figure import attribution_figure
from jaxdl.visualize.inputs import Inputs, check_class
from jaxdl.visualize.subject import Subject


def add_class_arguments(parser: argparse.ArgumentParser) -> None:
    """--class, --batch-size, --show."""
    parser.add_argument("--class", dest="target", type=int, default=None,
                        help="class index to explain for every image (default: its true label if known, else the prediction)")
    parser.add_argument("--batch-size", type=int, default=16, help="images per jitted call (default 16)")
    parser.add_argument("--show", type=int, default=8, help="images drawn in the figure (default 8)")


def chosen_classes(args: argparse.Namespace, subject: Subject, inputs: Inputs) -> np.ndarray:
    """One class index per image, as the options say (an out-of-range --class is a one-line error)."""
    if args.target is not None:
        return np.full(len(inputs.pixels), check_class(args.target, len(subject.class_names)))
    if inputs.labels is not None:
        return inputs.labels
    logits = extract(subject.model, subject.variables, subject.to_normalized(inputs.pixels), None, args.batch_size,
                     args.progress)
    return logits.argmax(axis=1)


def write_attributions(stem: Path, maps: np.ndarray, pictures: Callable[[slice], dict[str, np.ndarray]],
                       subject: Subject, inputs: Inputs, classes: np.ndarray, show: int) -> None:
    """STEM.npy (the raw maps), STEM.{md,csv} (the class each explains), STEM.png (the first `show` images with
    the figure columns `pictures(images slice)`)."""
    np.save(stem.with_suffix(".npy"), maps)
    rows = [{"image": name, "class": int(c), "name": subject.class_names[c]} for name, c in zip(inputs.names, classes)]
    write_table(rows, stem)
    part = slice(0, show)
    titles = [f"{name}\n{subject.class_names[c][:20]}" for name, c in zip(inputs.names[part], classes[part])]
    attribution_figure(inputs.pixels[part], pictures(part), titles, stem.with_suffix(".png"))
    print(f"{len(maps)} maps of shape {maps.shape[1:]} -> {stem}.npy, .png, .md, .csv")
