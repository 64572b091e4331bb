"""Options and set-up shared by every `jaxdl visualize` method: the network, the images, the output folder."""

from dataclasses import dataclass
from pathlib import Path

from jaxdl.errors import DataError
from jaxdl.options import cli
from jaxdl.visualize.digits import digit_splits
from jaxdl.visualize.inputs import Inputs, load_inputs
from jaxdl.visualize.subject import Subject, digits_subject, imagenet_subject

DIGITS = "digits"


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
    """The network and the pixel-space images the options name (digits CNN + its test images by default)."""
    if args.arch == DIGITS:
        if args.inputs:
            inputs = load_inputs(args.inputs, size=32)
            inputs = Inputs(inputs.pixels.mean(-1, keepdims=True), inputs.labels, inputs.names)  # grey, as the digits
        else:
            _, x_test, _, y_test = digit_splits()
            inputs = Inputs(x_test, y_test, tuple(f"digit[{i}]" for i in range(len(x_test))))
    else:
        if not args.inputs:
            raise DataError("INPUTS (image files or an .npz) are needed with an ImageNet --arch")
        inputs = load_inputs(args.inputs, size=args.size)
    subject = load_subject(args)
    if args.limit is not None:
        inputs = Inputs(inputs.pixels[: args.limit], None if inputs.labels is None else inputs.labels[: args.limit],
                        inputs.names[: args.limit])
    args.out.mkdir(parents=True, exist_ok=True)
    return subject, inputs
