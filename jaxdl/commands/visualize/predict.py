"""`jaxdl visualize predict`: top-k classes with probabilities, as a table (Markdown + CSV) and a figure."""

import argparse
from dataclasses import dataclass

from jaxdl.commands.visualize.common import HELP as SUBJECT_HELP
from jaxdl.commands.visualize.common import SKIP, SubjectOptions, subject_and_inputs
from jaxdl.features import extract
from jaxdl.options import add_fields, from_args
from jaxdl.report import markdown_table, write_table
from jaxdl.visualize.predict import prediction_figure, prediction_rows, top_k

EXAMPLE = """example:
  jaxdl visualize predict --arch squeezenet1_0 --weights ../shared/weights/squeezenet1_0-imagenet-dc.safetensors \\
      ../shared/data/imagenet_val_25.npz --out runs/viz   # -> runs/viz/predict.{md,csv,png}"""


@dataclass(frozen=True)
class PredictOptions(SubjectOptions):
    """`visualize predict`: classes per image, images in the table and figure, images per forward pass."""

    top: int = 5
    show: int = 10
    batch_size: int = 32


HELP = SUBJECT_HELP | {"top": "classes per image (default 5)", "show": "images drawn in the figure (default 10)",
                       "batch_size": "images per forward pass (default 32)"}


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `visualize predict`."""
    parser = subparsers.add_parser("predict", help="top-k classes and probabilities", epilog=EXAMPLE,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    add_fields(parser, PredictOptions, HELP, skip=SKIP)
    parser.set_defaults(func=lambda args: run(from_args(PredictOptions, args)))


def run(args: PredictOptions) -> None:
    """Write OUT/predict.{md,csv,png}; print the table and, with true labels, the top-1 / top-k accuracy."""
    subject, inputs = subject_and_inputs(args)
    logits = extract(subject.model, subject.variables, subject.to_normalized(inputs.pixels), None, args.batch_size,
                     args.progress)
    probs, classes = top_k(logits, min(args.top, logits.shape[1]))
    rows = prediction_rows(inputs.names, probs, classes, subject.class_names, inputs.labels)
    write_table(rows, args.out / "predict")
    prediction_figure(inputs.pixels[:args.show], probs, classes, subject.class_names, args.out / "predict.png")
    print(markdown_table(rows[:args.show]), end="")
    if inputs.labels is not None:
        hits = classes == inputs.labels[:, None]
        print(f"top-1 {100 * hits[:, 0].mean():.1f} %, top-{classes.shape[1]} {100 * hits.any(axis=1).mean():.1f} % "
              f"of {len(hits)} images")
    print(f"wrote {args.out / 'predict.md'}, .csv and .png")
