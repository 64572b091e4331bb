"""`jaxdl gan`: train (or resume) a DCGAN / conditional DCGAN and write samples, curves, quality and checkpoints."""

import argparse

from jaxdl.gan.losses import GENERATOR_LOSSES
from jaxdl.gan.train import GanConfig, fit
from jaxdl.options import add_fields, from_args
from jaxdl.parallel import LAUNCH_HELP, Launch, launch
from jaxdl.report import markdown_table
from jaxdl.training import epoch_records

HELP = {
    "data": "digits (embedded sklearn digits), mnist, fashion_mnist, celeba, a folder of images, or a data-source spec "
            "(idx:DIR, idx-m:DIR, mnist-m:DIR, images:DIR, optionally [a:b])",
    "root": "folder of the IDX files or of CelebA's images",
    "conditional": "cDCGAN: G and D also get the label",
    "loss": "generator loss",
    "image_size": "default 32 for digit sets, 64 for image folders",
    "lr": "Adam learning rate",
    "beta1": "Adam beta1",
    "eval_samples": "samples scored per epoch (Frechet distance, accuracy, coverage); 0: no scoring",
    "scorer_epochs": "epochs of the scoring classifier (trained once, cached)",
    "out": "output folder; an existing run there is resumed",
    "log_every": "a step record (mean losses) in history.jsonl every N iterations; 0: per epoch only",
}


def _gan(args: argparse.Namespace) -> None:
    """Run the configured training and print the per-epoch quality table."""
    launch(from_args(Launch, args))
    config = from_args(GanConfig, args)
    print(markdown_table(epoch_records(fit(config)[1])), end="")
    print(f"outputs in {config.out}")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `gan`."""
    parser = subparsers.add_parser("gan", help="train a DCGAN or conditional DCGAN (resumes from --out)",
                                   epilog="examples:\n  jaxdl gan --conditional --epochs 20 --out runs/cdcgan_digits   # embedded digits\n"
                                   "  jaxdl gan --data mnist --root ../shared/data/mnist --conditional --epochs 33 --out runs/gan_mnist",
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    add_fields(parser, GanConfig, HELP, {"loss": sorted(GENERATOR_LOSSES), "image_size": (32, 64)})
    add_fields(parser, Launch, LAUNCH_HELP)
    parser.set_defaults(func=_gan)
