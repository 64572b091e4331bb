"""Attributions equal captum's on the same converted weights: saliency, integrated gradients, Grad-CAM, guided backprop.

(a) torchvision ResNet-18, random weights and random BatchNorm statistics, an odd 67x67 input;
(b) the real SqueezeNet 1.0 on two of the course's ImageNet images, halved to 112x112 for speed (realdata).
Both run in float64 on both sides: max-pools route a gradient to one element of a window, and near-ties there
are broken by float32 rounding differently in torch and XLA (measured at 224x224: each float32 SqueezeNet saliency is
~6e-3 from the float64 one, the two float64 ones agree to 1e-15). scripts/viz_parity.py prints both precisions.
captum's hooks need ReLUs that are not in place. Relative error = max |jaxdl - captum| / max |captum|.
"""

from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch
import torchvision
from captum.attr import (
    GuidedBackprop,
    IntegratedGradients,
    LayerAttribution,
    LayerGradCam,
    Saliency,
)
from locations import SHARED
from parity import assert_close, randomize_bn_stats, to_nhwc, to_torch
from safetensors.numpy import load_file

from jaxdl import models
from jaxdl.data.imagenet import normalize
from jaxdl.visualize.gradcam import gradcam
from jaxdl.visualize.guided import guided_backprop
from jaxdl.visualize.integrated_gradients import integrated_gradients
from jaxdl.visualize.saliency import saliency
from jaxdl.weights import from_torchvision

pytestmark = pytest.mark.parity

SHARED = SHARED
WEIGHTS = SHARED / "weights" / "squeezenet1_0-imagenet-dc.safetensors"
IMAGES = SHARED / "data" / "imagenet_val_25.npz"
STEPS = 4


def not_in_place(model: torch.nn.Module) -> torch.nn.Module:
    """The eval-mode model with every ReLU out of place (captum's backward hooks need it)."""
    for module in model.modules():
        if isinstance(module, torch.nn.ReLU):
            module.inplace = False
    return model.eval()


class Case(NamedTuple):
    model: object
    variables: dict
    reference: torch.nn.Module
    torch_layer: torch.nn.Module
    layer: str
    x: np.ndarray
    classes: np.ndarray

    def ours(self, method, *args, **options) -> np.ndarray:
        """jaxdl's attribution (the maps of `method`) in the case's precision."""
        with jax.enable_x64(self.x.dtype == np.float64):
            variables = jax.tree.map(lambda a: np.asarray(a, self.x.dtype), self.variables)
            return np.asarray(method(self.model, variables, self.x, jnp.asarray(self.classes), *args, **options)[0])

    def tensor(self) -> torch.Tensor:
        return to_torch(self.x).requires_grad_()


def resnet_case(dtype=np.float64) -> Case:
    """torchvision ResNet-18, random weights and BatchNorm statistics, two 67x67 images."""
    torch.manual_seed(0)
    reference = torchvision.models.resnet18(weights=None)
    randomize_bn_stats(reference, 0)
    x = np.random.default_rng(0).standard_normal((2, 67, 67, 3)).astype(dtype)
    variables = from_torchvision("resnet18", reference.state_dict())
    reference = not_in_place(reference).to(torch.from_numpy(x).dtype)
    return Case(models.create("resnet18"), variables, reference, reference.layer4, "layer4", x, np.array([3, 871]))


def squeezenet_case(dtype=np.float64) -> Case:
    """The real SqueezeNet 1.0 on images 0 and 5 of the course's 25, halved to 112x112."""
    if not (WEIGHTS.is_file() and IMAGES.is_file()):
        pytest.skip(f"real SqueezeNet weights / ImageNet images not found under {SHARED} (present in CI next to the repo)")
    reference = torchvision.models.squeezenet1_0(weights=None)
    reference.load_state_dict({k: torch.from_numpy(v) for k, v in load_file(WEIGHTS).items()})
    data = np.load(IMAGES, allow_pickle=True)
    # Under one grey level of noise: flat, saturated regions give max-pool windows whose values tie exactly, and the
    # winner (so where the gradient goes) then follows the last bit of each convolution, i.e. the CPU (integrated
    # gradients: 1.5e-2 apart on an AMD EPYC without the noise).
    pixels = data["X"][[0, 5], ::2, ::2] + np.random.default_rng(0).uniform(0, 1, (2, 112, 112, 3))
    x = normalize(pixels / 256.0).astype(dtype)
    reference = not_in_place(reference).to(torch.from_numpy(x).dtype)
    return Case(models.create("squeezenet1_0"), from_torchvision("squeezenet1_0", WEIGHTS), reference,
                reference.features[12], "fire9", x, data["y"][[0, 5]])


def saliency_pairs(case: Case) -> list[tuple[np.ndarray, np.ndarray]]:
    expected = Saliency(case.reference).attribute(case.tensor(), target=case.classes.tolist(), abs=True).amax(dim=1)
    return [(case.ours(saliency), expected.numpy())]


def integrated_gradients_pairs(case: Case) -> list[tuple[np.ndarray, np.ndarray]]:
    # Not a flat baseline: the trapezoid rule evaluates the gradient at the baseline itself, where every max-pool window
    # of a constant image ties exactly, and the winner follows the last bit of each convolution (the CPU).
    baseline = -0.5 + 0.01 * np.random.default_rng(1).standard_normal(case.x.shape).astype(case.x.dtype)
    pairs = []
    for rule in ("gausslegendre", "riemann_trapezoid"):  # one compilation serves both rules
        expected = IntegratedGradients(case.reference).attribute(case.tensor(), baselines=to_torch(baseline),
                                                                 target=case.classes.tolist(), n_steps=STEPS, method=rule)
        if rule == "riemann_trapezoid":  # captum's trapezoid weights sum to (steps - 1) / steps, the true rule's to 1
            expected = expected * STEPS / (STEPS - 1)
        pairs.append((case.ours(integrated_gradients, baseline, STEPS, rule), to_nhwc(expected)))
    return pairs


def gradcam_pairs(case: Case) -> list[tuple[np.ndarray, np.ndarray]]:
    """At the layer's size, and upsampled bilinearly to the input's."""
    cam = LayerGradCam(case.reference, case.torch_layer).attribute(case.tensor(), target=case.classes.tolist(),
                                                                   relu_attributions=True)
    upsampled = LayerAttribution.interpolate(cam, case.x.shape[1:3], interpolate_mode="bilinear")
    return [(case.ours(gradcam, case.layer, upsample=False), cam[:, 0].detach().numpy()),
            (case.ours(gradcam, case.layer), upsampled[:, 0].detach().numpy())]


def guided_backprop_pairs(case: Case) -> list[tuple[np.ndarray, np.ndarray]]:
    expected = GuidedBackprop(case.reference).attribute(case.tensor(), target=case.classes.tolist())
    return [(case.ours(guided_backprop), to_nhwc(expected))]


PAIRS = {"saliency": saliency_pairs, "integrated gradients": integrated_gradients_pairs, "Grad-CAM": gradcam_pairs,
         "guided backprop": guided_backprop_pairs}  # method -> (jaxdl, captum) results to compare


@pytest.fixture(scope="module", params=["resnet18", pytest.param("squeezenet1_0", marks=pytest.mark.realdata)])
def case(request) -> Case:
    return resnet_case() if request.param == "resnet18" else squeezenet_case()


@pytest.mark.parametrize("method", PAIRS)
def test_attribution_equals_captum(case, method):
    for ours, theirs in PAIRS[method](case):
        assert_close(ours, theirs)
