"""`jaxdl visualize gradcam`: Grad-CAM at a named layer, upsampled to the image and laid over it."""

import argparse
from dataclasses import dataclass
from functools import partial

import numpy as np

from jaxdl.commands.visualize.classes import HELP as CLASS_HELP
from jaxdl.commands.visualize.classes import AttributionOptions, chosen_classes, write_attributions
from jaxdl.commands.visualize.common import SKIP, subject_and_inputs
from jaxdl.models.named import check_layer
from jaxdl.options import add_fields, from_args
from jaxdl.visualize.attribution_figure import heat, overlay
from jaxdl.visualize.gradcam import gradcam, last_spatial_layer
from jaxdl.visualize.gradient import in_batches

EXAMPLE = """example (SqueezeNet 1.0's last Fire module; the class: each image's true label):
  jaxdl visualize gradcam --arch squeezenet1_0 --weights ../shared/weights/squeezenet1_0-imagenet-dc.safetensors \\
      ../shared/data/imagenet_val_25.npz --layer fire9 --out runs/viz"""


@dataclass(frozen=True)
class GradcamOptions(AttributionOptions):
    """`visualize gradcam`: the layer whose activations are weighted (None: the last spatial one)."""

    layer: str | None = None


HELP = CLASS_HELP | {"layer": "a named layer with a spatial output (default: the last one larger than 1x1)"}


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `visualize gradcam`."""
    parser = subparsers.add_parser("gradcam", help="Grad-CAM at a named layer", epilog=EXAMPLE,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    add_fields(parser, GradcamOptions, HELP, skip=SKIP)
    parser.set_defaults(func=lambda args: run(from_args(GradcamOptions, args)))


def run(args: GradcamOptions) -> None:
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
