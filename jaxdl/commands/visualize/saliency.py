"""`jaxdl visualize saliency`: input attributions (vanilla, SmoothGrad, integrated gradients, guided backprop)."""

import argparse

from jaxdl.commands.visualize.common import add_options, output, progress, study
from jaxdl.options import from_args
from jaxdl.visualize.attribution_outputs import ATTRIBUTION_HELP, METHODS, SaliencySettings, write_saliency
from jaxdl.visualize.integrated_gradients import RULES

EXAMPLE = """examples:
  jaxdl visualize saliency --arch squeezenet1_0 --weights ../shared/weights/squeezenet1_0-imagenet-dc.safetensors \\
      ../shared/data/imagenet_val_25.npz --images 0 --method smoothgrad --samples 25 --noise 0.15 --out runs/viz
  jaxdl visualize saliency --method ig --steps 32 --rule riemann_trapezoid   # the embedded digits CNN"""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `visualize saliency`."""
    parser = subparsers.add_parser("saliency", help="saliency maps: vanilla, SmoothGrad, integrated gradients, guided",
                                   epilog=EXAMPLE, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_options(parser, SaliencySettings, ATTRIBUTION_HELP, {"method": METHODS, "rule": RULES})
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Write OUT/saliency_METHOD.{npy,png,md,csv}: the raw attributions and the class each explains."""
    config, subject, inputs = study(args)
    figure, maps = write_saliency(subject, inputs, from_args(SaliencySettings, args), config.seed, output(args), progress(args))
    print(f"{len(maps)} maps of shape {maps.shape[1:]} -> {figure.with_suffix('.npy')}, .png, .md, .csv")
    return 0
