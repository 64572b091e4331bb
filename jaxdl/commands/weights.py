"""`jaxdl weights convert|fetch|list`: torchvision checkpoints -> converted Orbax weights."""

import argparse
from dataclasses import dataclass
from pathlib import Path

from jaxdl.options import add_fields, cli, from_args
from jaxdl.report import markdown_table
from jaxdl.weights import convert_file, fetch, manifest
from jaxdl.weights.imagenet import status


@dataclass(frozen=True)
class ConvertOptions:
    """`weights convert`: the state_dict file, its architecture, the output folder (None: <weights folder>/<file stem>)."""

    file: str = cli(positional=True)
    arch: str = cli()
    out: Path | None = None


@dataclass(frozen=True)
class FetchOptions:
    """`weights fetch`: the architecture and the weights folder (None: the usual places)."""

    arch: str = cli(positional=True)
    dir: Path | None = None


@dataclass(frozen=True)
class ListOptions:
    """`weights list`: the weights folder (None: the usual places)."""

    dir: Path | None = None


HELP = {"file": "the state_dict file", "arch": "architecture, e.g. vgg16",
        "out": "output folder (default: <weights folder>/<file stem>)",
        "dir": "weights folder (default: $JAXDL_WEIGHTS, repo weights/ or ~/.cache/jaxdl/weights)"}


def _convert(args: ConvertOptions) -> None:
    """Convert FILE for ARCH into --out (default: <weights folder>/<file stem>)."""
    out = args.out or manifest.weights_dir() / Path(args.file).stem
    print(f"wrote {convert_file(args.arch, args.file, out)}")


def _fetch(args: FetchOptions) -> None:
    """Find or download ARCH's ImageNet weights, verify, convert and cache them."""
    print(f"ready: {fetch(args.arch, args.dir)}")


def _list(args: ListOptions) -> None:
    """Every manifest entry with its status in the weights folder."""
    directory = manifest.weights_dir(args.dir)
    rows = [
        {"arch": e.arch, "file": e.filename, "sha256": e.sha256, "status": status(e, directory)}
        for e in manifest.read_manifest().values()
    ]
    print(f"weights folder: {directory}\n\n{markdown_table(rows)}", end="")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `weights` and its three subcommands."""
    parser = subparsers.add_parser("weights", help="convert, download and list pretrained weights",
                                   epilog="examples: jaxdl weights list; jaxdl weights fetch vgg16; "
                                   "jaxdl weights convert squeezenet1_0.pth --arch squeezenet1_0")
    sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    convert = sub.add_parser("convert", help="convert a torchvision .pth/.safetensors/.npz state_dict",
                             epilog="example: jaxdl weights convert ../shared/weights/squeezenet1_0-imagenet-dc.safetensors "
                             "--arch squeezenet1_0 --out weights/sq10")
    add_fields(convert, ConvertOptions, HELP)
    convert.set_defaults(func=lambda args: _convert(from_args(ConvertOptions, args)))
    get = sub.add_parser("fetch", help="download (sha256-verified) and convert torchvision's ImageNet weights",
                         epilog="example: JAXDL_WEIGHTS=~/weights jaxdl weights fetch resnet18")
    add_fields(get, FetchOptions, HELP)
    get.set_defaults(func=lambda args: _fetch(from_args(FetchOptions, args)))
    listing = sub.add_parser("list", help="the known checkpoints and whether they are here",
                             epilog="example: jaxdl weights list --dir ~/weights")
    add_fields(listing, ListOptions, HELP)
    listing.set_defaults(func=lambda args: _list(from_args(ListOptions, args)))
