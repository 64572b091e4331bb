"""The bag-of-words options of `jaxdl transfer --method bow` (jaxdl.transfer.bow.BowOptions but the soft assignment's
width, and the seed: the config's --seed)."""

import argparse

from jaxdl.options import add_fields, from_args
from jaxdl.transfer.bow import BowOptions
from jaxdl.transfer.kernels import KERNELS
from jaxdl.transfer.pyramid import FINEST, NORMS
from jaxdl.transfer.words import ASSIGNMENTS

HELP = {
    "vocab": "visual words (k-means centres)",
    "pyramid": f"spatial pyramid levels 0..{FINEST} (0: plain bag of words; default {BowOptions.pyramid})",
    "assign": "hard (nearest word) or soft (5 nearest, Gaussian weights)",
    "norm": "histogram normalisation",
    "kernel": "LinearSVC, or SVC on a precomputed intersection / chi2 kernel",
    "step": "dense SIFT grid step in pixels",
    "patch": "SIFT patch side in pixels, a multiple of 8",
    "contrast": f"mean gradient under which a patch's descriptor is zero (default {BowOptions.contrast:g}: only flat patches)",
    "max_side": "images larger than this are shrunk",
    "sample": "training descriptors sampled for k-means",
}


def add_options(parser: argparse.ArgumentParser) -> None:
    """The bag-of-words option group."""
    group = parser.add_argument_group("bag of words (--method bow)")
    add_fields(group, BowOptions, HELP, {"assign": tuple(ASSIGNMENTS), "norm": NORMS, "kernel": KERNELS}, skip=("sigma", "seed"))


def options_of(args: argparse.Namespace) -> BowOptions:
    """The BowOptions named on the command line (checked)."""
    options = from_args(BowOptions, args)
    options.check()
    return options
