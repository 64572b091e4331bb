"""The transfer practical's one config: which data, which network and weights, which layers, how the SVM sweeps, which
networks are compared and which head is trained; its fields are the options of `jaxdl transfer` and the [transfer]
settings of `jaxdl run`.

The defaults are the course's run: 224x224 inputs, the SqueezeNet layers of its layer x C table, its C grid, L2
normalisation, the whole data set; on the embedded digits unless `data` names an image folder such as 15-Scene.
`quick()` is `--quick`: 600 digits at 64x64, two layers, two C values, two networks.
"""

import argparse
from dataclasses import dataclass, replace

from jaxdl.errors import JaxdlError
from jaxdl.options import add_fields, cli
from jaxdl.transfer.head import HEADS
from jaxdl.transfer.svm import CLASSIFIERS, COURSE_CS

L2_CHOICES = {"on": (True,), "off": (False,), "both": (True, False)}


@dataclass(frozen=True)
class TransferConfig:
    """Which data and network, the layer x C sweep, the networks compared, the neural head; defaults: the course's."""

    data: str = "digits"
    size: int = 224
    limit: int = 0
    per_class: tuple[int, ...] | None = cli(None, sep=",", metavar="TRAIN,TEST")
    arch: str = "squeezenet1_0"
    weights: tuple[str, ...] = cli((), metavar="ARCH=FILE", repeat=True)
    layers: tuple[str, ...] = cli(("fire5", "fire7", "fire9", "conv10"), sep=",")
    C: tuple[float, ...] = cli(COURSE_CS, sep=",")
    l2: str = "on"
    svm: str = "sklearn"
    pool: str = "avg"
    batch_size: int = 64
    summary: tuple[str, ...] = cli(("vgg16", "squeezenet1_0"), sep=",")
    compare: tuple[str, ...] = cli(("squeezenet1_0:fire9", "squeezenet1_1:fire9", "resnet18:layer4", "alexnet:pool5"), sep=",")
    head: str = "mlp"
    seed: int = 0

    def quick(self) -> "TransferConfig":
        """The `--quick` run: 600 digits at 64x64, fire7 and fire9, C 0.1 and 1, the two SqueezeNets."""
        return replace(self, size=64, limit=600, layers=("fire7", "fire9"), C=(0.1, 1.0),
                       compare=("squeezenet1_0:fire9", "squeezenet1_1:fire9"))


HELP = {
    "data": "'digits' (the embedded 8x8 digits, upsampled) or an image folder: ROOT/{train,test}/CLASS/*.jpg or ROOT/CLASS/*.jpg",
    "size": "images are resized to SIZE x SIZE",
    "limit": "digits only: the first LIMIT digits (0: all 1,797), split half/half per class",
    "per_class": "image folder only: the first TRAIN / TEST images of each class",
    "arch": "network whose layers are swept",
    "weights": "a network's weights: ARCH=FILE (a file, 'imagenet' or 'random'; repeatable); a network not named takes "
               "its file in $JAXDL_WEIGHTS, else a seeded random init, which the first line of the output says",
    "layers": "comma-separated layers of ARCH (one pass)",
    "C": "comma-separated SVM C values (default: the course's 1e-5..1e2)",
    "l2": "L2-normalise the features: on (the course), off, or both tables",
    "svm": "linear SVM solver (default sklearn LinearSVC)",
    "pool": "spatial pooling of conv features",
    "batch_size": "images per forward pass",
    "summary": "comma-separated networks whose layer table is shown ('' for none)",
    "compare": "comma-separated ARCH:LAYER of the network comparison (best C each; '' for none)",
    "head": "neural head trained on the best SVM layer's features (early stopping on part of the TRAINING split), or none",
    "seed": "seed of the digits' split, random initialisations and the head",
}
CHOICES = {"l2": tuple(L2_CHOICES), "svm": sorted(CLASSIFIERS), "pool": ("avg", "max", "none"), "head": (*HEADS, "none")}


def add_options(parser: argparse.ArgumentParser | argparse._ArgumentGroup) -> None:
    """Add one option per TransferConfig field."""
    add_fields(parser, TransferConfig, HELP, CHOICES)


def weights_of(config: TransferConfig) -> dict[str, str]:
    """{arch: weights} from the config's ARCH=FILE entries (a malformed entry is an error naming it)."""
    pairs = [entry.partition("=") for entry in config.weights]
    if bad := [entry for entry, (arch, sep, file) in zip(config.weights, pairs) if not (arch and sep and file)]:
        raise JaxdlError(f"weights {bad[0]!r}: write ARCH=FILE, e.g. squeezenet1_0=weights/squeezenet1_0.safetensors")
    return {arch: file for arch, _, file in pairs}
