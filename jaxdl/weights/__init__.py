"""Pretrained weights: torchvision checkpoints converted to Flax variables, verified and cached with Orbax.

    variables = jaxdl.weights.load("vgg16", "imagenet")            # find / download / convert / cache
    variables = jaxdl.weights.from_torchvision("resnet18", "resnet18-f37072fd.pth")
    jaxdl.weights.save(variables, "weights/my-model", {"arch": "resnet18"})
"""

from jaxdl.weights.convert import from_torchvision
from jaxdl.weights.imagenet import convert_file, fetch, load
from jaxdl.weights.store import load_variables, read_metadata, save

__all__ = ["convert_file", "fetch", "from_torchvision", "load", "load_variables", "read_metadata", "save"]
