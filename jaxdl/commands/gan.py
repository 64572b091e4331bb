"""`jaxdl gan`: train (or resume) a DCGAN / conditional DCGAN and write samples, curves, quality and checkpoints."""

import argparse

from jaxdl.gan.losses import GENERATOR_LOSSES
from jaxdl.gan.train import GanConfig, fit
from jaxdl.options import add_fields, from_args
from jaxdl.report import markdown_table

HELP = {
    "data": "digits (embedded sklearn digits), mnist, fashion_mnist, celeba, a folder of images, or a data-source spec "
            "(idx:DIR, idx-m:DIR, mnist-m:DIR, images:DIR, optionally [a:b])",
    "root": "folder of the IDX files or of CelebA's images",
    "conditional": "cDCGAN: G and D also get the label",
    "loss": "generator loss",
    "image_size": "default 32 for digit sets, 64 for image folders",
    "lr": "Adam learning rate",
    "beta1": "Adam beta1",
    "eval_samples": "samples scored per epoch (Frechet distance, accuracy, coverage)",
    "scorer_epochs": "epochs of the scoring classifier (trained once, cached)",
    "out": "output folder; an existing run there is resumed",
}


def _gan(args: argparse.Namespace) -> None:
    """Run the configured training and print the per-epoch quality table."""
    config = from_args(GanConfig, args)
    history = fit(config)
    print(markdown_table(history["epochs"]), end="")
    print(f"outputs in {config.out}")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `gan`."""
    parser = subparsers.add_parser("gan", help="train a DCGAN or conditional DCGAN (resumes from --out)",
                                   epilog="example: jaxdl gan --data mnist --conditional --epochs 10 --out runs/cdcgan")
    add_fields(parser, GanConfig, HELP, {"loss": sorted(GENERATOR_LOSSES), "image_size": (32, 64)})
    parser.set_defaults(func=_gan)
