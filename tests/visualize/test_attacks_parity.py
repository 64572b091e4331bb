"""FGSM, PGD and PGDL2 equal torchattacks 3.5.1 on the same converted weights (random_start=False).

Both sides run in float64: the torchvision model behind the ImageNet normalisation (inputs in [0, 1]), and jaxdl with
x64 enabled, float64 weights and images (same code). float32 input gradients are not accurate enough to fix the signs of
small ones, and PGD's later steps amplify each flip, by amounts that depend on the CPU's vector width: with jaxdl in
float32 the ResNet18 case passed on an AVX-512 CPU and failed on an AVX2 one (98.28 % of pixels within 1e-5, max 3.1e-2).
Measured against torch float64: torch's own float32 gradient is off by 9.7e-3 of the largest element on the random
ResNet18 and by 1.8e-2 on the real SqueezeNet; jaxdl's float64, by 2e-14. Allowed differences: sign flips of gradients
that are zero up to rounding (>= 99.9 % of pixels within 1e-5), the same predictions.
"""

import dataclasses

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch
import torchattacks
import torchvision
from locations import SHARED
from parity import randomize_bn_stats, to_nhwc, to_torch

from jaxdl import models
from jaxdl.data.imagenet import MEAN, STD, class_names
from jaxdl.visualize.attacks import NORMS, make_pgd
from jaxdl.visualize.subject import Subject
from jaxdl.weights import from_torchvision

pytestmark = pytest.mark.parity

SHARED = SHARED
WEIGHTS = SHARED / "weights" / "squeezenet1_0-imagenet-dc.safetensors"
IMAGES = SHARED / "data" / "imagenet_val_25.npz"
# name -> (torchattacks class, jaxdl norm, eps, step, steps)
ATTACKS = {"FGSM": (torchattacks.FGSM, "linf", 8 / 255, 8 / 255, 1), "PGD": (torchattacks.PGD, "linf", 8 / 255, 2 / 255, 3),
           "PGDL2": (torchattacks.PGDL2, "l2", 1.0, 0.2, 3)}


class Normalized(torch.nn.Module):
    """A torchvision model with the ImageNet normalisation inside: inputs in [0, 1], as torchattacks expects.

    Keep it in eval mode: torchattacks restores the mode it found, and BatchNorm in train mode changes the predictions."""

    def __init__(self, model: torch.nn.Module):
        super().__init__()
        self.model = model
        self.register_buffer("mean", torch.tensor(MEAN, dtype=torch.float64).view(1, 3, 1, 1))
        self.register_buffer("std", torch.tensor(STD, dtype=torch.float64).view(1, 3, 1, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.model((x - self.mean) / self.std)


def both_sides(arch: str, reference: torch.nn.Module) -> tuple[Normalized, Subject, dict]:
    """The torch model (normalisation inside, float64), a jaxdl Subject on the same weights and its PGD per norm."""
    variables = from_torchvision(arch, {k: v.numpy() for k, v in reference.state_dict().items()})
    subject = Subject(models.create(arch), variables, jnp.asarray(MEAN), jnp.asarray(STD), class_names(), arch)
    return Normalized(reference).double().eval(), subject, {norm: make_pgd(subject.logits_of_pixels, norm) for norm in NORMS}


def compare(torch_model: Normalized, subject: Subject, pgd: dict, pixels: np.ndarray, goals: np.ndarray, targeted: bool) -> dict[str, float]:
    """Run every attack on both sides; assert the same images and predictions; return the fraction within 1e-5 per attack."""
    fractions = {}
    for name, (attack_class, norm, eps, step, steps) in ATTACKS.items():
        kwargs = {} if name == "FGSM" else {"alpha": step, "steps": steps, "random_start": False}
        attack = attack_class(torch_model, eps=eps, **kwargs)
        if targeted:
            attack.set_mode_targeted_by_label(quiet=True)
        theirs = to_nhwc(attack(to_torch(pixels).double(), torch.from_numpy(goals)))  # float64 (see above)
        ours = np.asarray(pgd[norm](subject.variables, pixels, goals, targeted, eps, step, steps))
        diff = np.abs(ours - theirs)
        fractions[name] = float((diff <= 1e-5).mean())
        print(f"{name}: max abs diff {diff.max():.2e}, {fractions[name]:.5%} of pixels within 1e-5")
        assert fractions[name] >= 0.999, f"{name}: only {fractions[name]:.4%} of pixels within 1e-5 (max {diff.max():.2e})"
        with torch.no_grad():
            torch_pred = torch_model(to_torch(theirs).double()).argmax(1).numpy()
        jax_pred = np.asarray(subject.logits_of_pixels(subject.variables, ours)).argmax(1)
        np.testing.assert_array_equal(jax_pred, torch_pred, err_msg=name)
    return fractions


def in_float64(subject: Subject) -> Subject:
    """The subject with float64 weights (run it under jax.enable_x64)."""
    return dataclasses.replace(subject, variables=jax.tree_util.tree_map(lambda a: np.asarray(a, np.float64), subject.variables))


@pytest.fixture(scope="module")
def resnet():
    torch.manual_seed(0)
    reference = torchvision.models.resnet18(weights=None)
    randomize_bn_stats(reference, seed=1)
    pixels = np.random.default_rng(0).uniform(0, 1, (3, 35, 35, 3))  # odd size, float64
    return *both_sides("resnet18", reference), pixels


@pytest.mark.parametrize("targeted", [False, True])
def test_torchattacks_parity_resnet18_random_bn(resnet, targeted):
    torch_model, subject, pgd, pixels = resnet
    with torch.no_grad():
        predicted = torch_model(to_torch(pixels)).argmax(1).numpy()
    goals = (predicted + 17) % 1000 if targeted else predicted
    with jax.enable_x64(True):
        compare(torch_model, in_float64(subject), pgd, pixels, goals, targeted)


@pytest.mark.realdata
@pytest.mark.skipif(not (WEIGHTS.is_file() and IMAGES.is_file()),
                    reason=f"real SqueezeNet weights / ImageNet images not found under {SHARED} (present in CI next to the repo)")
@pytest.mark.parametrize("targeted", [False, True])
def test_torchattacks_parity_real_squeezenet(targeted):
    from safetensors.torch import load_file

    reference = torchvision.models.squeezenet1_0(weights=None)
    reference.load_state_dict(load_file(str(WEIGHTS)))
    torch_model, subject, pgd = both_sides("squeezenet1_0", reference)
    data = np.load(IMAGES)
    labels = data["y"][:2]
    # Less than one grey level of noise: flat, saturated regions of the photos give max-pool windows whose values tie
    # exactly, and which of them wins (so where the gradient goes) then depends on the last bit of each convolution,
    # i.e. on the CPU (measured: 95.6 % of PGD's pixels within 1e-5 on an AMD EPYC in float64, without the noise).
    noise = np.random.default_rng(0).uniform(0, 1, data["X"][:2].shape)
    pixels = (data["X"][:2] + noise) / 256.0
    with jax.enable_x64(True):
        compare(torch_model, in_float64(subject), pgd, pixels, np.full(2, 6) if targeted else labels, targeted)
