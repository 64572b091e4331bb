"""`jaxdl <command>`: one subcommand per module in jaxdl.commands."""

import argparse
import importlib
import sys

from jaxdl.errors import JaxdlError
from jaxdl.xla import use_fast_cpu_convolutions

DESCRIPTION = (
    "The practical works of a graduate deep-learning course in JAX/Flax: ImageNet CNNs with "
    "torchvision weights, transfer learning, network visualization, domain adaptation (DANN) and GANs. "
    "`jaxdl COMMAND --help` tells more."
)
COMMANDS = ("info", "weights", "transfer", "finetune", "demo", "gan", "dann", "visualize")


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser; each command module adds its own subparser."""
    parser = argparse.ArgumentParser(prog="jaxdl", description=DESCRIPTION)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"jaxdl.commands.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run a command; a JaxdlError or a missing file is one line on stderr and exit code 2."""
    use_fast_cpu_convolutions()
    args = build_parser().parse_args(argv)
    try:
        return args.func(args) or 0
    except (JaxdlError, FileNotFoundError) as err:
        print(f"jaxdl {args.command}: error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"jaxdl {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
