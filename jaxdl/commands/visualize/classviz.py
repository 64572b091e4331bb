"""`jaxdl visualize classviz`: images that maximise a class score, by the course's method or the Fourier parametrisation."""

import argparse

from jaxdl.commands.visualize.common import add_options, network, output, progress, study
from jaxdl.options import from_args
from jaxdl.report import markdown_table
from jaxdl.visualize.classviz_outputs import CLASSVIZ_HELP, ClassvizSettings, write_classviz
from jaxdl.visualize.config import course_targets, image_shape

EXAMPLE = """examples:
  jaxdl visualize classviz                      # each digit of the embedded digits CNN, from noise
  jaxdl visualize classviz --arch squeezenet1_0 --weights ../shared/weights/squeezenet1_0-imagenet-dc.safetensors \\
      --target 76 113 --param fourier --out runs/classviz
  jaxdl visualize classviz --arch squeezenet1_0 --weights ... --init image --target 113 ../shared/data/imagenet_val_25.npz
SqueezeNet's logits pass a ReLU: a class whose map is all negative has no gradient (the table counts those steps)."""


def register(methods: argparse._SubParsersAction) -> None:
    """Add the `classviz` method."""
    p = methods.add_parser("classviz", help="class visualization (gradient ascent on a class score)", epilog=EXAMPLE,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
    add_options(p, ClassvizSettings, CLASSVIZ_HELP, {"init": ("noise", "image"), "param": ("course", "fourier")})
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Write classviz.png, classviz.gif and the classviz.md/.csv table under --out; print the table."""
    settings = from_args(ClassvizSettings, args)
    if settings.init == "image":
        config, subject, inputs = study(args)
    else:
        (config, subject), inputs = network(args), None
    rows = write_classviz(subject, settings.target or course_targets(config), settings, image_shape(config), config.seed,
                          output(args), inputs, progress(args))
    print(markdown_table(rows), end="")
    return 0
