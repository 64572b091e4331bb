"""`jaxdl visualize activations`: the activation maps of one named layer for one image, as a grid picture."""

import argparse

from jaxdl.commands.visualize.common import add_options, output, study
from jaxdl.options import from_args
from jaxdl.visualize.activations import ACTIVATION_HELP, ActivationSettings, write_activations

EXAMPLE = """example (the course: the 96 maps after SqueezeNet 1.0's first convolution, for image 0):
  jaxdl visualize activations --arch squeezenet1_0 --weights ../shared/weights/squeezenet1_0-imagenet-dc.safetensors \\
      ../shared/data/imagenet_val_25.npz --layer conv1 --image 0 --out runs/viz"""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `visualize activations`."""
    parser = subparsers.add_parser("activations", help="activation maps of a named layer", epilog=EXAMPLE,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    add_options(parser, ActivationSettings, ACTIVATION_HELP)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Write OUT/activations_LAYER_IMAGE.png (each map stretched to its own range)."""
    _, subject, inputs = study(args)
    settings = from_args(ActivationSettings, args)
    path, shape = write_activations(subject, inputs, settings, output(args))
    print(f"{inputs.names[settings.image]}: {shape[-1]} maps of {settings.layer} ({shape[0]}x{shape[1]}) -> {path}")
    return 0
