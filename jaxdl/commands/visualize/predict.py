"""`jaxdl visualize predict`: top-k classes with probabilities, as a table (Markdown + CSV) and a figure."""

import argparse

from jaxdl.commands.visualize.common import add_subject_arguments, subject_and_inputs
from jaxdl.features import extract
from jaxdl.report import markdown_table, write_table
from jaxdl.visualize.predict import prediction_figure, prediction_rows, top_k

EXAMPLE = """example:
  jaxdl visualize predict --arch squeezenet1_0 --weights ../shared/weights/squeezenet1_0-imagenet-dc.safetensors \\
      ../shared/data/imagenet_val_25.npz --out runs/viz   # -> runs/viz/predict.{md,csv,png}"""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `visualize predict`."""
    parser = subparsers.add_parser("predict", help="top-k classes and probabilities", epilog=EXAMPLE,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    add_subject_arguments(parser)
    parser.add_argument("--top", type=int, default=5, help="classes per image (default 5)")
    parser.add_argument("--show", type=int, default=10, help="images drawn in the figure (default 10)")
    parser.add_argument("--batch-size", type=int, default=32, help="images per forward pass (default 32)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> None:
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
