"""The GAN practical's one config: which data, which networks (DCGAN, cDCGAN), how to train and score; its fields are
the options of `jaxdl gan` and the [gan] settings of `jaxdl run` (jaxdl/options.py).

The defaults are the course's 32x32 DCGAN and cDCGAN (nz 100, widths 32, Adam 2e-4 / 0.5, batch 128) on the embedded
digits for 40 epochs (440 iterations), scored by a 3-epoch classifier on 500 samples per epoch. `quick()` is
`--quick`: the cDCGAN alone (tests/gan/test_gan_quality.py: >= 0.9 conditional accuracy at 440 iterations).
"""

import argparse
from dataclasses import dataclass, replace

from jaxdl.gan.data import GanData, default_image_size, load
from jaxdl.gan.losses import GENERATOR_LOSSES
from jaxdl.options import add_fields, cli, from_args

MODELS = ("dcgan", "cdcgan")  # the cDCGAN's G and D also get the label


@dataclass(frozen=True)
class GanConfig:
    """Which data and networks, how to train and score; defaults: the course's DCGAN and cDCGAN on the embedded digits."""

    data: str = "digits"
    root: str | None = None
    models: tuple[str, ...] = cli(MODELS, flag="--model")
    loss: str = "nonsaturating"
    image_size: int | None = None  # None: 32 for digits/IDX sets, 64 for image folders (CelebA)
    nz: int = 100
    ngf: int = 32
    ndf: int = 32
    epochs: int = 40
    batch_size: int = 128
    lr: float = 2e-4
    beta1: float = 0.5
    seed: int = 0
    eval_samples: int = 500
    scorer_epochs: int = 3
    log_every: int = 10

    def quick(self) -> "GanConfig":
        """The `--quick` run: the cDCGAN alone."""
        return replace(self, models=("cdcgan",))


HELP = {
    "data": "digits (embedded sklearn digits), mnist, fashion_mnist, celeba, a folder of images, or a data-source spec "
            "(idx:DIR, idx-m:DIR, mnist-m:DIR, images:DIR, optionally [a:b])",
    "root": "folder of the IDX files or of CelebA's images",
    "models": "networks to train, each in OUT/MODEL: dcgan, and cdcgan (G and D also get the label)",
    "loss": "generator loss",
    "image_size": "default 32 for digit sets, 64 for image folders",
    "lr": "Adam learning rate",
    "beta1": "Adam beta1",
    "eval_samples": "samples scored per epoch (Frechet distance, accuracy, coverage); 0: no scoring",
    "scorer_epochs": "epochs of the scoring classifier (trained once, cached)",
    "log_every": "a step record (mean losses) in history.jsonl every N iterations; 0: per epoch only",
}
CHOICES = {"models": MODELS, "loss": sorted(GENERATOR_LOSSES), "image_size": (32, 64)}


def add_options(parser: argparse.ArgumentParser) -> None:
    """Add one option per GanConfig field."""
    add_fields(parser, GanConfig, HELP, CHOICES)


def resolved(config: GanConfig | argparse.Namespace) -> GanConfig:
    """The config (or parsed options) with its image size decided: the data's course resolution unless given."""
    c = from_args(GanConfig, config)
    return c if c.image_size else replace(c, image_size=default_image_size(c.data))


def dataset(config: GanConfig) -> GanData:
    """The config's training and held-out images at its resolution."""
    c = resolved(config)
    return load(c.data, c.image_size, c.root, seed=c.seed)
