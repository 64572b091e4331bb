"""`jaxdl gan`: train (or resume) a DCGAN / conditional DCGAN and write samples, curves, quality and checkpoints."""

import argparse
from dataclasses import fields

import jax

from jaxdl.gan.losses import GENERATOR_LOSSES
from jaxdl.gan.train import GanConfig, fit
from jaxdl.report import markdown_table
from jaxdl.training import epoch_records


def _gan(args: argparse.Namespace) -> None:
    """Run the configured training and print the per-epoch quality table."""
    if args.distributed:
        jax.distributed.initialize()
    config = GanConfig(**{f.name: getattr(args, f.name) for f in fields(GanConfig)})
    print(markdown_table(epoch_records(fit(config)[1])), end="")
    print(f"outputs in {config.out}")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `gan`."""
    default = GanConfig()
    parser = subparsers.add_parser("gan", help="train a DCGAN or conditional DCGAN (resumes from --out)")
    parser.add_argument("--data", default=default.data,
                        help="digits (embedded sklearn digits), mnist, fashion_mnist, celeba, or a folder of images")
    parser.add_argument("--root", default=None, help="folder of the IDX files or of CelebA's images")
    parser.add_argument("--conditional", action="store_true", help="cDCGAN: G and D also get the label")
    parser.add_argument("--loss", choices=sorted(GENERATOR_LOSSES), default=default.loss, help="generator loss")
    parser.add_argument("--image-size", dest="image_size", type=int, choices=(32, 64), default=None,
                        help="default 32 for digits/mnist/fashion_mnist, 64 for image folders")
    for name in ("nz", "ngf", "ndf", "epochs", "seed"):
        parser.add_argument(f"--{name}", type=int, default=getattr(default, name), help=f"(default {getattr(default, name)})")
    parser.add_argument("--batch-size", dest="batch_size", type=int, default=default.batch_size)
    parser.add_argument("--lr", type=float, default=default.lr, help="Adam learning rate (default 2e-4)")
    parser.add_argument("--beta1", type=float, default=default.beta1, help="Adam beta1 (default 0.5)")
    parser.add_argument("--eval-samples", dest="eval_samples", type=int, default=default.eval_samples,
                        help="samples scored per epoch (Frechet distance, accuracy, coverage); 0: no scoring")
    parser.add_argument("--scorer-epochs", dest="scorer_epochs", type=int, default=default.scorer_epochs,
                        help="epochs of the scoring classifier (trained once, cached)")
    parser.add_argument("--log-every", dest="log_every", type=int, default=default.log_every,
                        help="a step record (mean losses) in history.jsonl every N iterations; 0: per epoch only")
    parser.add_argument("--out", default=default.out, help="output folder; an existing run there is resumed")
    parser.add_argument("--distributed", action="store_true", help="one process of a multi-host run: call "
                        "jax.distributed.initialize() first (Slurm, TPU slice or JAX_COORDINATOR_ADDRESS...)")
    parser.set_defaults(func=_gan)
