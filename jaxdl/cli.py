"""`jaxdl <command>`: one subcommand per module in jaxdl.commands, plus the options every command takes."""

import argparse
import importlib
import os
import sys
from collections.abc import Iterator

from jaxdl import configure, heartbeat
from jaxdl.errors import JaxdlError

DESCRIPTION = (
    "The practical works of a graduate deep-learning course in JAX/Flax: ImageNet CNNs with "
    "torchvision weights, transfer learning, network visualization, domain adaptation (DANN) and GANs. "
    "`jaxdl COMMAND --help` tells more; environment variables: docs/cli.md (the site's page 'The command line')."
)
EXAMPLE = """examples:
  jaxdl run all --quick          # every practical on embedded data, one report (runs/quick/report.html)
  jaxdl info squeezenet1_0       # a layer table: output shapes and parameter counts
  jaxdl --no-progress --device cpu dann --epochs 5"""
COMMANDS = ("run", "info", "weights", "transfer", "finetune", "gan", "dann", "visualize")
DEVICES = ("cpu", "gpu")


def parsers(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    """`parser` and every subcommand's parser below it (argparse keeps them in its subparsers action)."""
    yield parser
    for action in parser._actions:  # noqa: SLF001 -- argparse offers no public way to walk its subparsers
        if isinstance(action, argparse._SubParsersAction):  # noqa: SLF001
            for child in dict.fromkeys(action.choices.values()):
                yield from parsers(child)


def add_common_options(parser: argparse.ArgumentParser, top: bool) -> None:
    """--no-progress and --device on `parser`; below the top, defaults are left to the top-level parser."""
    default = {} if top else {"default": argparse.SUPPRESS}
    if "--no-progress" not in parser._option_string_actions:  # noqa: SLF001
        parser.add_argument("--no-progress", dest="progress", action="store_false", help="no progress bars (for logs)",
                            **default)
    parser.add_argument("--device", choices=DEVICES, help="run on the CPU or the GPU (default: JAX's choice, "
                        "a GPU when one is visible)", **({"default": None} if top else default))


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser; each command module adds its own subparser; every one takes --no-progress and --device."""
    parser = argparse.ArgumentParser(prog="jaxdl", description=DESCRIPTION, epilog=EXAMPLE,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"jaxdl.commands.{name}").register(sub)
    for each in parsers(parser):
        add_common_options(each, each is parser)
    return parser


def select_device(device: str | None) -> None:
    """Make JAX use only the CPU (before its first computation), or check that it has a GPU (then its default)."""
    if device is None:
        return
    import jax

    if device == "cpu":
        jax.config.update("jax_platforms", "cpu")
        return
    try:
        jax.devices("gpu")
    except RuntimeError:
        raise JaxdlError("--device gpu: JAX sees no GPU here (install jax[cuda12] for NVIDIA GPUs), or use --device cpu") from None


def main(argv: list[str] | None = None) -> int:
    """Run a command; a JaxdlError or a missing file is one line on stderr and exit code 2."""
    argv = sys.argv[1:] if argv is None else argv
    if "--no-progress" in argv:
        os.environ["TQDM_DISABLE"] = "1"  # tqdm reads it when first imported: bars no caller can switch off
    configure()
    args = build_parser().parse_args(argv)
    args.progress = "--no-progress" not in argv
    try:
        select_device(args.device)
        return args.func(args) or 0
    except (JaxdlError, FileNotFoundError) as err:
        line = f"jaxdl {args.command}: error: {err}"
        print(line, file=sys.stderr)
        heartbeat.failing(2, line)
        return 2
    except KeyboardInterrupt:
        print(f"jaxdl {args.command}: interrupted", file=sys.stderr)
        heartbeat.failing(130, f"jaxdl {args.command}: interrupted")
        return 130


if __name__ == "__main__":
    sys.exit(main())
