"""`jaxdl weights convert|fetch|list`: torchvision checkpoints -> converted Orbax weights."""

import argparse
from pathlib import Path

from jaxdl.report import markdown_table
from jaxdl.weights import convert_file, fetch, manifest
from jaxdl.weights.imagenet import status


def _convert(args: argparse.Namespace) -> None:
    """Convert FILE for ARCH into --out (default: <weights folder>/<file stem>)."""
    out = args.out or manifest.weights_dir() / Path(args.file).stem
    print(f"wrote {convert_file(args.arch, args.file, out)}")


def _fetch(args: argparse.Namespace) -> None:
    """Find or download ARCH's ImageNet weights, verify, convert and cache them."""
    print(f"ready: {fetch(args.arch, args.dir)}")


def _list(args: argparse.Namespace) -> None:
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
    convert.add_argument("file", help="the state_dict file")
    convert.add_argument("--arch", required=True, help="architecture, e.g. vgg16")
    convert.add_argument("--out", type=Path, help="output folder (default: <weights folder>/<file stem>)")
    convert.set_defaults(func=_convert)
    get = sub.add_parser("fetch", help="download (sha256-verified) and convert torchvision's ImageNet weights",
                         epilog="example: JAXDL_WEIGHTS=~/weights jaxdl weights fetch resnet18")
    get.add_argument("arch", help="architecture, e.g. vgg16")
    get.add_argument("--dir", type=Path, help="weights folder (default: $JAXDL_WEIGHTS, repo weights/ or ~/.cache/jaxdl/weights)")
    get.set_defaults(func=_fetch)
    listing = sub.add_parser("list", help="the known checkpoints and whether they are here",
                             epilog="example: jaxdl weights list --dir ~/weights")
    listing.add_argument("--dir", type=Path, help="weights folder")
    listing.set_defaults(func=_list)
