"""`jaxdl visualize gradcam`: Grad-CAM at a named layer, upsampled to the image and laid over it."""

import argparse
from functools import partial

import numpy as np

from jaxdl.commands.visualize.classes import (
    add_class_arguments,
    chosen_classes,
    class_rows,
)
from jaxdl.commands.visualize.common import add_subject_arguments, subject_and_inputs
from jaxdl.models.named import check_layer
from jaxdl.report import write_table
from jaxdl.visualize.attribution_figure import attribution_figure, heat, overlay
from jaxdl.visualize.gradcam import gradcam, last_spatial_layer
from jaxdl.visualize.gradient import in_batches

EXAMPLE = """example (SqueezeNet 1.0's last Fire module; the class: each image's true label):
  jaxdl visualize gradcam --arch squeezenet1_0 --weights ../shared/weights/squeezenet1_0-imagenet-dc.safetensors \\
      ../shared/data/imagenet_val_25.npz --layer fire9 --out runs/viz"""


def register(subparsers) -> None:
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
    stem = args.out / f"gradcam_{layer}"
    np.save(stem.with_suffix(".npy"), maps)
    write_table(class_rows(inputs, classes, subject), stem)
    show = slice(0, args.show)
    titles = [f"{name}\n{subject.class_names[c][:20]}" for name, c in zip(inputs.names[show], classes[show])]
    columns = {f"Grad-CAM {layer}": heat(maps[show]), "overlay": overlay(inputs.pixels[show], maps[show])}
    attribution_figure(inputs.pixels[show], columns, titles, stem.with_suffix(".png"))
    print(f"{len(maps)} Grad-CAM maps at {layer} -> {stem}.npy, .png, .md, .csv")
