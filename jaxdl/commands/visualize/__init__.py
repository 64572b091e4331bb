"""`jaxdl visualize METHOD`: the network-visualization practical, one module per method in this package.

Each method's options are the subject's (jaxdl.visualize.config.SubjectConfig, shared with `jaxdl run`), the method's
settings (a dataclass in jaxdl/visualize/) and --out; each is one call into jaxdl/visualize/, which `jaxdl run` uses too.
"""

import argparse
import importlib

METHODS: tuple[str, ...] = ("predict", "activations", "saliency", "gradcam", "attributions", "evaluate", "adversarial",
                           "robustness", "classviz")  # in `--help` order
EXAMPLE = """example (the course's 25 ImageNet images with the real SqueezeNet 1.0):
  jaxdl visualize saliency --arch squeezenet1_0 --weights ../shared/weights/squeezenet1_0-imagenet-dc.safetensors \\
      ../shared/data/imagenet_val_25.npz --images 0 --out runs/viz
without INPUTS and --arch, every method runs on the embedded digits CNN (no download)."""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `visualize` and its methods."""
    parser = subparsers.add_parser(
        "visualize", help="saliency, Grad-CAM, adversarial examples, class visualization", epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    methods = parser.add_subparsers(dest="method", required=True, metavar="METHOD")
    for name in METHODS:
        importlib.import_module(f"jaxdl.commands.visualize.{name}").register(methods)
