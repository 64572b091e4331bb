"""Options and set-up shared by every `jaxdl visualize` method: the network, the images, the output folder."""

from dataclasses import dataclass
from pathlib import Path

from jaxdl.options import cli
from jaxdl.visualize.inputs import Inputs
from jaxdl.visualize.subject import DIGITS, Subject, digits_subject, imagenet_subject
from jaxdl.visualize.subject import subject_and_inputs as study


@dataclass(frozen=True)
class SubjectOptions:
    """What every method looks at and where it writes: the network, the images (INPUTS), the output folder; each
    method's options extend these."""

    inputs: tuple[str, ...] = cli((), positional=True)
    arch: str = DIGITS
    weights: str = "imagenet"
    size: int = 224
    limit: int | None = None
    out: Path = Path("runs/visualize")
    progress: bool = True  # the common --no-progress


SKIP = ("progress",)  # an option of every command (jaxdl.cli)
HELP = {
    "inputs": "image files or one .npz with X (N,H,W,3) [and y]; default: the embedded digits' test images",
    "arch": "an ImageNet architecture (e.g. squeezenet1_0, vgg16) or 'digits' for the embedded digits CNN (default)",
    "weights": "'imagenet', 'random' or a weights file/folder",
    "size": "image files are resized to SIZE x SIZE (default 224)",
    "limit": "use only the first LIMIT images",
    "out": "output folder",
}


def load_subject(args: SubjectOptions) -> Subject:
    """The network --arch and --weights name (the digits CNN by default)."""
    return digits_subject() if args.arch == DIGITS else imagenet_subject(args.arch, args.weights)


def subject_and_inputs(args: SubjectOptions) -> tuple[Subject, Inputs]:
    """The network and the pixel-space images the options name (digits CNN + its test images by default); makes --out."""
    found = study(args.arch, args.weights, args.inputs, args.size, args.limit)
    args.out.mkdir(parents=True, exist_ok=True)
    return found
