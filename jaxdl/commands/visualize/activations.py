"""`jaxdl visualize activations`: the activation maps of one named layer for one image, as a grid picture."""

import argparse
from dataclasses import dataclass

from jaxdl.commands.visualize.common import HELP as SUBJECT_HELP
from jaxdl.commands.visualize.common import SKIP, SubjectOptions, subject_and_inputs
from jaxdl.errors import DataError, JaxdlError
from jaxdl.figures import save_png
from jaxdl.models.named import check_layer
from jaxdl.options import add_fields, from_args
from jaxdl.visualize.activations import activation_grid

EXAMPLE = """example (the course: the 96 maps after SqueezeNet 1.0's first convolution, for image 0):
  jaxdl visualize activations --arch squeezenet1_0 --weights ../shared/weights/squeezenet1_0-imagenet-dc.safetensors \\
      ../shared/data/imagenet_val_25.npz --layer conv1 --image 0 --out runs/viz"""


@dataclass(frozen=True)
class ActivationOptions(SubjectOptions):
    """`visualize activations`: which layer, which image, maps per row."""

    layer: str = "conv1"
    image: int = 0
    columns: int = 12


HELP = SUBJECT_HELP | {"layer": "a named layer of the network (default conv1)",
                       "image": "index of the image among INPUTS (default 0)", "columns": "maps per row of the grid (default 12)"}


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `visualize activations`."""
    parser = subparsers.add_parser("activations", help="activation maps of a named layer", epilog=EXAMPLE,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    add_fields(parser, ActivationOptions, HELP, skip=SKIP)
    parser.set_defaults(func=lambda args: run(from_args(ActivationOptions, args)))


def run(args: ActivationOptions) -> None:
    """Write OUT/activations_LAYER_IMAGE.png (each map stretched to its own range)."""
    subject, inputs = subject_and_inputs(args)
    check_layer(args.layer, subject.model.layer_names())
    if not 0 <= args.image < len(inputs.pixels):
        raise DataError(f"image index {args.image} out of range: there are {len(inputs.pixels)} images")
    image = subject.to_normalized(inputs.pixels[args.image:args.image + 1])
    activation = subject.model.apply(subject.variables, image, layer=args.layer)[0]
    if activation.ndim != 3:
        raise JaxdlError(f"layer {args.layer!r} is not spatial (its activation has shape {activation.shape})")
    path = save_png(activation_grid(activation, args.columns), args.out / f"activations_{args.layer}_{args.image}.png", 1)
    print(f"{inputs.names[args.image]}: {activation.shape[-1]} maps of {args.layer} "
          f"({activation.shape[0]}x{activation.shape[1]}) -> {path}")
