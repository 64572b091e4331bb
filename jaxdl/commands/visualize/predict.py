"""`jaxdl visualize predict`: top-k classes with probabilities, as a table (Markdown + CSV) and a figure."""

import argparse

from jaxdl.commands.visualize.common import add_options, output, progress, study
from jaxdl.options import from_args
from jaxdl.report import markdown_table
from jaxdl.visualize.predict import PREDICT_HELP, PredictSettings, write_predictions

EXAMPLE = """example:
  jaxdl visualize predict --arch squeezenet1_0 --weights ../shared/weights/squeezenet1_0-imagenet-dc.safetensors \\
      ../shared/data/imagenet_val_25.npz --images 0 --out runs/viz   # -> runs/viz/predict.{md,csv,png}"""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `visualize predict`."""
    parser = subparsers.add_parser("predict", help="top-k classes and probabilities", epilog=EXAMPLE,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    add_options(parser, PredictSettings, PREDICT_HELP)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Write OUT/predict.{md,csv,png}; print the table and, with true labels, the top-1 / top-k accuracy."""
    _, subject, inputs = study(args)
    settings, out = from_args(PredictSettings, args), output(args)
    rows, accuracy = write_predictions(subject, inputs, settings, out, progress(args))
    print(markdown_table(rows[:settings.show]) + (f"{accuracy}\n" if accuracy else "") + f"wrote {out / 'predict.md'}, .csv and .png")
    return 0
