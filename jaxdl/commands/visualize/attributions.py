"""`jaxdl visualize attributions`: several attribution methods side by side for every image, a few images a figure."""

import argparse

from jaxdl.commands.visualize.common import add_options, output, progress, study
from jaxdl.options import from_args
from jaxdl.report import markdown_table
from jaxdl.visualize.attribution_grid import GRID_HELP, GRID_METHODS, GridSettings, write_attribution_grid
from jaxdl.visualize.integrated_gradients import RULES

EXAMPLE = """examples (the course's 25 ImageNet images, each explained for its true class, 5 a figure):
  jaxdl visualize attributions --arch squeezenet1_0 --weights ../shared/weights/squeezenet1_0-imagenet-dc.safetensors \\
      ../shared/data/imagenet_val_25.npz --images 0 --samples 10 --layer fire9 --out docs/visualize
  jaxdl visualize attributions ... --methods ig guided --steps 16 --name attributions_ig"""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `visualize attributions`."""
    parser = subparsers.add_parser("attributions", help="several attribution methods side by side, for every image",
                                   epilog=EXAMPLE, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_options(parser, GridSettings, GRID_HELP, {"methods": GRID_METHODS, "rule": RULES}, skip=("method",))
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Write OUT/NAME_K.png for every `show` images and OUT/NAME_seconds.{md,csv}; print the timings."""
    config, subject, inputs = study(args)
    settings = from_args(GridSettings, args)
    figures, rows = write_attribution_grid(subject, inputs, settings, config.seed, output(args), progress(args))
    print(markdown_table(rows) + f"{len(figures)} figures: {', '.join(str(f) for f in figures)}")
    return 0
