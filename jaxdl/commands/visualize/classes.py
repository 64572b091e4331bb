"""The class each attribution explains: `--class`, else the image's true label, else the network's prediction."""

import argparse

import numpy as np

from jaxdl.features import extract
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


def class_rows(inputs: Inputs, classes: np.ndarray, subject: Subject) -> list[dict]:
    """The table of which class each image's map explains."""
    return [{"image": name, "class": int(c), "name": subject.class_names[c]} for name, c in zip(inputs.names, classes)]
