"""`jaxdl visualize saliency`: input attributions (vanilla, SmoothGrad, integrated gradients, guided backprop)."""

import argparse
from dataclasses import dataclass
from functools import partial

import flax.linen as nn
import numpy as np

from jaxdl.commands.visualize.classes import HELP as CLASS_HELP
from jaxdl.commands.visualize.classes import AttributionOptions, chosen_classes, write_attributions
from jaxdl.commands.visualize.common import SKIP, subject_and_inputs
from jaxdl.keys import prng_key
from jaxdl.options import add_fields, from_args
from jaxdl.visualize.attribution_figure import picture
from jaxdl.visualize.gradient import Method, in_batches
from jaxdl.visualize.guided import guided_backprop
from jaxdl.visualize.integrated_gradients import RULES, integrated_gradients
from jaxdl.visualize.saliency import saliency
from jaxdl.visualize.smoothgrad import smoothgrad

METHODS = ("vanilla", "smoothgrad", "ig", "guided")
EXAMPLE = """examples:
  jaxdl visualize saliency --arch squeezenet1_0 --weights ../shared/weights/squeezenet1_0-imagenet-dc.safetensors \\
      ../shared/data/imagenet_val_25.npz --method smoothgrad --samples 25 --noise 0.15 --out runs/viz
  jaxdl visualize saliency --method ig --steps 32 --rule riemann_trapezoid   # the embedded digits CNN"""


@dataclass(frozen=True)
class SaliencyOptions(AttributionOptions):
    """`visualize saliency`: the attribution method and its parameters."""

    method: str = "vanilla"
    samples: int = 50
    noise: float = 0.15
    seed: int = 0
    steps: int = 50
    rule: str = "gausslegendre"
    baseline: float = 0.0


HELP = CLASS_HELP | {
    "method": "attribution method (default vanilla: |d logit / dx| max over channels, the course's)",
    "samples": "smoothgrad: noisy copies per image (default 50)",
    "noise": "smoothgrad: noise std as a fraction of the image's range max-min (default 0.15)",
    "seed": "smoothgrad: seed of the noise (default 0)",
    "steps": "ig: integration steps (default 50)",
    "rule": "ig: quadrature rule (captum's names)",
    "baseline": "ig: constant baseline in normalised space (default 0: the mean colour)",
}


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `visualize saliency`."""
    parser = subparsers.add_parser("saliency", help="saliency maps: vanilla, SmoothGrad, integrated gradients, guided",
                                   epilog=EXAMPLE, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_fields(parser, SaliencyOptions, HELP, {"method": METHODS, "rule": RULES}, skip=SKIP)
    parser.set_defaults(func=lambda args: run(from_args(SaliencyOptions, args)))


def method_of(args: SaliencyOptions, model: nn.Module, variables: dict) -> Method:
    """(images, classes) -> (raw attributions, logits) for the chosen --method, its parameters bound."""
    if args.method == "smoothgrad":
        return partial(smoothgrad, model, variables, key=prng_key(args.seed), samples=args.samples, noise=args.noise)
    if args.method == "ig":
        return partial(integrated_gradients, model, variables, baseline=args.baseline, steps=args.steps, rule=args.rule)
    return partial(guided_backprop if args.method == "guided" else saliency, model, variables)


def run(args: SaliencyOptions) -> None:
    """Write OUT/saliency_METHOD.{png,npy} (raw attributions) and the table of explained classes."""
    subject, inputs = subject_and_inputs(args)
    classes = chosen_classes(args, subject, inputs)
    attribute = method_of(args, subject.model, subject.variables)
    maps = in_batches(attribute, np.asarray(subject.to_normalized(inputs.pixels)), classes, inputs.names,
                      args.batch_size, args.progress, f"saliency {args.method}")
    write_attributions(args.out / f"saliency_{args.method}", maps, lambda part: {args.method: picture(args.method, maps[part])},
                       subject, inputs, classes, args.show)
