"""`jaxdl visualize adversarial`: the course's fooling images, FGSM, PGD (L-inf, L2) and the one-pixel attack."""

import argparse

from jaxdl.commands.visualize.common import add_options, output, progress, study
from jaxdl.options import from_args
from jaxdl.report import markdown_table
from jaxdl.visualize.adversarial_outputs import ATTACK_HELP, DEFAULTS, AttackSettings, write_attack
from jaxdl.visualize.config import course_fooling_target

EXAMPLE = """examples:
  jaxdl visualize adversarial --attack fooling --target 8            # the course's method on the digits CNN
  jaxdl visualize adversarial --attack pgd --eps 0.0078 --arch squeezenet1_0 \\
      --weights ../shared/weights/squeezenet1_0-imagenet-dc.safetensors ../shared/data/imagenet_val_25.npz --images 0"""


def register(methods: argparse._SubParsersAction) -> None:
    """Add `adversarial`."""
    parser = methods.add_parser("adversarial", help="fooling images, FGSM, PGD, one-pixel attack",
                                epilog=EXAMPLE, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_options(parser, AttackSettings, ATTACK_HELP, {"attack": sorted(DEFAULTS)})
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Attack every image; write the per-image table, the summary, the figure and the arrays; print the summary."""
    config, subject, inputs = study(args)
    settings, out = from_args(AttackSettings, args), output(args)
    summary = write_attack(subject, inputs, settings, course_fooling_target(config), config.seed, out, progress(args))
    print(markdown_table([summary]) + f"per-image table, summary, figure and arrays: {out}/adversarial_{settings.attack}.*")
    return 0
