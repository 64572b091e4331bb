"""The class each attribution explains (`--class`, else the true label, else the prediction), and what a method writes."""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from jaxdl.commands.visualize.common import HELP as SUBJECT_HELP
from jaxdl.commands.visualize.common import SubjectOptions
from jaxdl.features import extract
from jaxdl.options import cli
from jaxdl.report import write_table
from jaxdl.visualize.attribution_figure import attribution_figure
from jaxdl.visualize.inputs import Inputs, check_class
from jaxdl.visualize.subject import Subject


@dataclass(frozen=True)
class AttributionOptions(SubjectOptions):
    """An attribution method's options: the class explained (`--class`), images per call, images in the figure."""

    target: int | None = cli(None, flag="--class")
    batch_size: int = 16
    show: int = 8


HELP = SUBJECT_HELP | {
    "target": "class index to explain for every image (default: its true label if known, else the prediction)",
    "batch_size": "images per jitted call (default 16)",
    "show": "images drawn in the figure (default 8)",
}


def chosen_classes(args: AttributionOptions, subject: Subject, inputs: Inputs) -> np.ndarray:
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
