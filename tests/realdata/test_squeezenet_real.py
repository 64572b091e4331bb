"""Real ImageNet weights: the Deep Compression SqueezeNet 1.0 on the course's 25 validation images.

The shared folder (../shared next to the repository) holds the weights and images; CI has it.
"""


import jax.numpy as jnp
import numpy as np
import pytest
import torch
import torchvision
from locations import SHARED
from parity import assert_close, to_torch
from safetensors.numpy import load_file

from jaxdl import models
from jaxdl.data.imagenet import normalize
from jaxdl.weights import from_torchvision

SHARED = SHARED
WEIGHTS = SHARED / "weights" / "squeezenet1_0-imagenet-dc.safetensors"
IMAGES = SHARED / "data" / "imagenet_val_25.npz"

pytestmark = [
    pytest.mark.parity,
    pytest.mark.realdata,
    pytest.mark.skipif(
        not (WEIGHTS.is_file() and IMAGES.is_file()),
        reason=f"real SqueezeNet weights / ImageNet images not found under {SHARED} (present in CI next to the repo)",
    ),
]


@pytest.fixture(scope="module")
def logits() -> dict[str, np.ndarray]:
    """jaxdl's and torchvision's logits for the 25 images, both from the same safetensors file."""
    data = np.load(IMAGES, allow_pickle=True)
    x = normalize(data["X"] / 255.0)
    reference = torchvision.models.squeezenet1_0(weights=None)
    reference.load_state_dict({k: torch.from_numpy(v) for k, v in load_file(WEIGHTS).items()})
    with torch.no_grad():
        torch_logits = reference.eval()(to_torch(x)).numpy()
    jax_logits = np.asarray(models.create("squeezenet1_0").apply(from_torchvision("squeezenet1_0", WEIGHTS), x))
    return {"jax": jax_logits, "torch": torch_logits, "labels": data["y"]}


def top5(scores: np.ndarray) -> np.ndarray:
    return np.argsort(-scores, axis=1)[:, :5]


def test_accuracy_on_the_25_course_images(logits):
    predicted = top5(logits["jax"])
    labels = logits["labels"][:, None]
    assert int((predicted[:, :1] == labels).sum()) == 14
    assert int((predicted == labels).any(axis=1).sum()) == 19


def test_bfloat16_inference_keeps_the_top1_class_of_at_least_24_of_25(logits):
    """dtype=bfloat16 (float32 weights cast per layer, as Flax layers do): measured 25 of 25 agree with float32 here."""
    x = normalize(np.load(IMAGES, allow_pickle=True)["X"] / 255.0)
    model = models.create("squeezenet1_0", dtype="bfloat16")
    out = model.apply(from_torchvision("squeezenet1_0", WEIGHTS), x)
    assert out.dtype == jnp.bfloat16
    assert int((np.asarray(out, np.float32).argmax(1) == logits["jax"].argmax(1)).sum()) >= 24


def test_same_top5_and_logits_as_torchvision(logits):
    np.testing.assert_array_equal(top5(logits["jax"]), top5(logits["torch"]))
    assert_close(logits["jax"], logits["torch"])
