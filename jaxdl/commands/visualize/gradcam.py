"""`jaxdl visualize gradcam`: Grad-CAM at a named layer, upsampled to the image and laid over it."""

import argparse

from jaxdl.commands.visualize.common import add_options, output, progress, study
from jaxdl.options import from_args
from jaxdl.visualize.attribution_outputs import ATTRIBUTION_HELP, GradcamSettings, write_gradcam

EXAMPLE = """example (SqueezeNet 1.0's last Fire module; the class: each image's true label):
  jaxdl visualize gradcam --arch squeezenet1_0 --weights ../shared/weights/squeezenet1_0-imagenet-dc.safetensors \\
      ../shared/data/imagenet_val_25.npz --images 0 --layer fire9 --out runs/viz"""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `visualize gradcam`."""
    parser = subparsers.add_parser("gradcam", help="Grad-CAM at a named layer", epilog=EXAMPLE,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    add_options(parser, GradcamSettings, ATTRIBUTION_HELP)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Write OUT/gradcam_LAYER.{npy,png,md,csv}: maps at the input size and the class each explains."""
    _, subject, inputs = study(args)
    figure, maps = write_gradcam(subject, inputs, from_args(GradcamSettings, args), output(args), progress(args))
    print(f"{len(maps)} maps of shape {maps.shape[1:]} -> {figure.with_suffix('.npy')}, .png, .md, .csv")
    return 0
