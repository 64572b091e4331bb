"""`jaxdl visualize robustness`: robust accuracy against eps for FGSM, PGD (L-inf, L2) and APGD (CE, DLR)."""

import argparse

from jaxdl.commands.visualize.common import add_options, output, progress, study
from jaxdl.options import from_args
from jaxdl.report import markdown_table
from jaxdl.visualize.robustness_outputs import ROBUSTNESS_HELP, RobustnessSettings, with_default_eps, write_robustness
from jaxdl.visualize.subject import DIGITS

EXAMPLE = """Robust accuracy: the fraction of images whose true class (else the network's prediction) survives an untargeted
attack of radius eps. One row per eps, one column per attack; the table and figure go to --out.
examples:
  jaxdl visualize robustness --images 0                          # all 899 test digits, the embedded digits CNN
  jaxdl visualize robustness --attacks pgd,apgd-ce --eps 0,0.1,0.15 --steps 20 --restarts 2
  jaxdl visualize robustness --arch squeezenet1_0 --weights ../shared/weights/squeezenet1_0-imagenet-dc.safetensors \\
      ../shared/data/imagenet_val_25.npz --images 0 --steps 5 --out runs/robust"""


def register(methods: argparse._SubParsersAction) -> None:
    """Add `robustness`."""
    parser = methods.add_parser("robustness", help="robust accuracy against eps: FGSM, PGD, PGD-L2, APGD",
                                description=__doc__, epilog=EXAMPLE, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_options(parser, RobustnessSettings, ROBUSTNESS_HELP)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Write OUT/robustness.{md,csv,png}; print the table."""
    config, subject, inputs = study(args)
    settings = with_default_eps(from_args(RobustnessSettings, args), config.arch == DIGITS)
    out = output(args)
    rows, figure = write_robustness(subject, inputs, settings, config.seed, out, progress(args))
    print(markdown_table(rows) + f"table and figure: {out}/robustness.md, .csv, {figure.name}")
    return 0
