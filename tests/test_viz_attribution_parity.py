"""Attributions equal captum's on the same converted weights: saliency, integrated gradients, Grad-CAM, guided backprop.

(a) torchvision ResNet-18, random weights and random BatchNorm statistics, an odd 67x67 input;
(b) the real SqueezeNet 1.0 on two of the course's ImageNet images, halved to 112x112 for speed (realdata).
Both run in float64 on both sides: max-pools route a gradient to one element of a window, and near-ties there
are broken by float32 rounding differently in torch and XLA (measured: each float32 SqueezeNet saliency is
~6e-3 from the float64 one, the two float64 ones agree to 1e-15; scripts/viz_parity.py prints the float32 figures).
captum's hooks need ReLUs that are not in place. Relative error = max |jaxdl - captum| / max |captum|.
"""

from pathlib import Path
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch
import torchvision
from captum.attr import GuidedBackprop, IntegratedGradients, LayerAttribution, LayerGradCam, Saliency
from safetensors.numpy import load_file

from jaxdl import models
from jaxdl.data.imagenet import normalize
from jaxdl.visualize.gradcam import gradcam
from jaxdl.visualize.guided import guided_backprop
from jaxdl.visualize.integrated_gradients import integrated_gradients
from jaxdl.visualize.saliency import saliency
from jaxdl.weights import from_torchvision
from parity import assert_close, randomize_bn_stats, to_nhwc, to_torch

SHARED = Path(__file__).resolve().parents[2] / "shared"
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
        """jaxdl's attribution (the maps of `method`), in float64."""
        with jax.enable_x64(True):
            variables = jax.tree.map(lambda a: np.asarray(a, np.float64), self.variables)
            return np.asarray(method(self.model, variables, self.x, jnp.asarray(self.classes), *args, **options)[0])

    def tensor(self, x: np.ndarray | None = None) -> torch.Tensor:
        return to_torch(self.x if x is None else x).requires_grad_()


def resnet_case() -> Case:
    torch.manual_seed(0)
    reference = torchvision.models.resnet18(weights=None)
    randomize_bn_stats(reference, 0)
    x = np.random.default_rng(0).standard_normal((2, 67, 67, 3))
    variables = from_torchvision("resnet18", reference.state_dict())
    return Case(models.create("resnet18"), variables, not_in_place(reference).double(), reference.layer4, "layer4", x,
                np.array([3, 871]))


def squeezenet_case() -> Case:
    if not (WEIGHTS.is_file() and IMAGES.is_file()):
        pytest.skip(f"real SqueezeNet weights / ImageNet images not found under {SHARED} (present in CI next to the repo)")
    reference = torchvision.models.squeezenet1_0(weights=None)
    reference.load_state_dict({k: torch.from_numpy(v) for k, v in load_file(WEIGHTS).items()})
    data = np.load(IMAGES, allow_pickle=True)
    variables = from_torchvision("squeezenet1_0", WEIGHTS)
    reference = not_in_place(reference).double()
    return Case(models.create("squeezenet1_0"), variables, reference, reference.features[12], "fire9",
                normalize(data["X"][[0, 5], ::2, ::2] / 255.0).astype(np.float64), data["y"][[0, 5]])


@pytest.fixture(scope="module", params=["resnet18", pytest.param("squeezenet1_0", marks=pytest.mark.realdata)])
def case(request) -> Case:
    return resnet_case() if request.param == "resnet18" else squeezenet_case()


def test_saliency_equals_captum(case):
    expected = Saliency(case.reference).attribute(case.tensor(), target=case.classes.tolist(), abs=True).amax(dim=1)
    assert_close(case.ours(saliency), expected.numpy())


def test_integrated_gradients_equal_captum(case):
    baseline = np.full_like(case.x, -0.5)
    for rule in ("gausslegendre", "riemann_trapezoid"):  # one compilation serves both rules
        expected = IntegratedGradients(case.reference).attribute(case.tensor(), baselines=to_torch(baseline),
                                                                 target=case.classes.tolist(), n_steps=STEPS, method=rule)
        if rule == "riemann_trapezoid":  # captum's trapezoid weights sum to (steps - 1) / steps, the true rule's to 1
            expected = expected * STEPS / (STEPS - 1)
        assert_close(case.ours(integrated_gradients, baseline, STEPS, rule), to_nhwc(expected))


def test_gradcam_equals_captum(case):
    cam = LayerGradCam(case.reference, case.torch_layer).attribute(case.tensor(), target=case.classes.tolist(),
                                                                   relu_attributions=True)
    upsampled = LayerAttribution.interpolate(cam, case.x.shape[1:3], interpolate_mode="bilinear")
    assert_close(case.ours(gradcam, case.layer, upsample=False), cam[:, 0].detach().numpy())
    assert_close(case.ours(gradcam, case.layer), upsampled[:, 0].detach().numpy())


def test_guided_backprop_equals_captum(case):
    expected = GuidedBackprop(case.reference).attribute(case.tensor(), target=case.classes.tolist())
    assert_close(case.ours(guided_backprop), to_nhwc(expected))
