"""`jaxdl visualize gradcam`: Grad-CAM at a named layer, upsampled to the image and laid over it."""

import argparse
from functools import partial

import numpy as np

from jaxdl.commands.visualize.classes import (
    add_class_arguments,
    chosen_classes,
    write_attributions,
)
from jaxdl.commands.visualize.common import add_subject_arguments, subject_and_inputs
from jaxdl.models.named import check_layer
from jaxdl.visualize.attribution_figure import heat, overlay
from jaxdl.visualize.gradcam import gradcam, last_spatial_layer
from jaxdl.visualize.gradient import in_batches

EXAMPLE = """example (SqueezeNet 1.0's last Fire module; the class: each image's true label):
  jaxdl visualize gradcam --arch squeezenet1_0 --weights ../shared/weights/squeezenet1_0-imagenet-dc.safetensors \\
      ../shared/data/imagenet_val_25.npz --layer fire9 --out runs/viz"""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `visualize gradcam`."""
    parser = subparsers.add_parser("gradcam", help="Grad-CAM at a named layer", epilog=EXAMPLE,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    add_subject_arguments(parser)
    add_class_arguments(parser)
    parser.add_argument("--layer", default=None, help="a named layer with a spatial output "
                        "(default: the last one larger than 1x1)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> None:
    """Write OUT/gradcam_LAYER.{png,npy} (maps at the input size) and the table of explained classes."""
    subject, inputs = subject_and_inputs(args)
    check_layer(args.layer, subject.model.layer_names())
    images = np.asarray(subject.to_normalized(inputs.pixels))
    layer = args.layer or last_spatial_layer(subject.model, subject.variables, images[:1])
    classes = chosen_classes(args, subject, inputs)
    maps = in_batches(partial(gradcam, subject.model, subject.variables, layer=layer), images, classes, inputs.names,
                      args.batch_size, args.progress, f"Grad-CAM {layer}")
    pictures = lambda part: {f"Grad-CAM {layer}": heat(maps[part]), "overlay": overlay(inputs.pixels[part], maps[part])}
    write_attributions(args.out / f"gradcam_{layer}", maps, pictures, subject, inputs, classes, args.show)
