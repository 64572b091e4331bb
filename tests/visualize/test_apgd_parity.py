"""APGD equals torchattacks 3.5.1's APGD: the same start gives the same iterates, robust images and adversarials
(float64 on both sides); with each side's own random starts the robust accuracy is within one image.

The digits are shrunk to [0.1, 0.9] plus a little noise: flat black backgrounds clipped at 0 give max-pool windows
whose values tie exactly, and which one wins (where the gradient goes) then differs between XLA and torch.

torchattacks draws its start with torch's generator (seeded with `seed` before the first restart): the test replays
that draw and hands it to `make_apgd_run`. Radii are powers of two, so that torchattacks' float32 step sizes (2 eps, halved)
are exact. Cases: the embedded digits CNN (20 steps: checkpoints every 4, 3, 2, 1
steps) and a random ResNet-18 (DLR, 5 steps: a checkpoint at every step) on odd-sized images.
"""

import dataclasses

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch
import torchattacks
import torchvision
from parity import randomize_bn_stats, to_nhwc, to_torch
from test_attacks_parity import Normalized
from torch_small_cnn import TorchSmallCNN

from jaxdl import models
from jaxdl.data.imagenet import MEAN, STD, class_names
from jaxdl.visualize.apgd import make_apgd, make_apgd_run
from jaxdl.visualize.digits import digit_splits
from jaxdl.visualize.subject import Subject, digits_subject

pytestmark = pytest.mark.parity


def torch_start(pixels: np.ndarray, eps: float, norm: str, seed: int = 0) -> np.ndarray:
    """torchattacks' first random start on `pixels` (all of them still to fool), NHWC float64: its change is computed in
    float32 (torch's default dtype), as there."""
    torch.manual_seed(seed)
    shape = to_torch(pixels).shape
    t = (2 * torch.rand(shape) - 1) if norm == "linf" else torch.randn(shape)
    scale = t.flatten(1).abs().max(1)[0] if norm == "linf" else (t**2).sum((1, 2, 3)).sqrt() + 1e-12
    change = eps * torch.ones(shape[0], 1, 1, 1) * t / scale.reshape(-1, 1, 1, 1)
    return np.clip(pixels + to_nhwc(change).astype(np.float64), 0, 1)


def in_float64(subject: Subject) -> Subject:
    return dataclasses.replace(subject, variables=jax.tree_util.tree_map(lambda a: np.asarray(a, np.float64), subject.variables))


def check(torch_model: torch.nn.Module, subject: Subject, pixels: np.ndarray, labels: np.ndarray, norm: str, loss: str,
          eps: float, steps: int, own_starts: bool = False) -> tuple[int, int, int | None]:
    """Assert the same robust images and adversarials from torchattacks' start; return robust counts (torch, same start,
    jaxdl's own starts when asked)."""
    attack = torchattacks.APGD(torch_model, norm={"linf": "Linf", "l2": "L2"}[norm], eps=eps, steps=steps, loss=loss, seed=0)
    theirs = to_nhwc(attack(to_torch(pixels), torch.from_numpy(labels)))
    with torch.no_grad():
        torch_robust = (torch_model(to_torch(theirs)).argmax(1) == torch.from_numpy(labels)).numpy()
    with jax.enable_x64(True):
        subject = in_float64(subject)
        run = make_apgd_run(subject.logits_of_pixels, norm, loss)
        fooling, robust = map(np.asarray, run(subject.variables, pixels, labels, eps, steps, torch_start(pixels, eps, norm)))
        if own_starts:
            apgd = make_apgd(subject.logits_of_pixels, norm, loss)
            own = int(np.asarray(apgd(subject.variables, pixels, labels, eps, steps, 1, jax.random.key(0))[1]).sum())
    np.testing.assert_array_equal(robust, torch_robust, err_msg=f"{norm} {loss}: robust images differ")
    diff = np.abs(fooling[~robust] - theirs[~robust])
    assert diff.size == 0 or (diff <= 1e-6).mean() >= 0.999, f"{norm} {loss}: adversarials differ (max {diff.max():.2e})"
    counts = int(torch_robust.sum()), int(robust.sum()), own if own_starts else None
    print(f"{norm} {loss} eps {eps}: robust torchattacks {counts[0]}, jaxdl same start {counts[1]}, jaxdl own starts {counts[2]}")
    return counts


@pytest.fixture(scope="module")
def digits():
    subject = digits_subject()
    _, x_test, _, y_test = digit_splits()
    noise = np.random.default_rng(0).uniform(0, 0.01, x_test[:60].shape)
    x, y = 0.1 + 0.8 * x_test[:60].astype(np.float64) + noise, y_test[:60]
    correct = np.asarray(subject.logits_of_pixels(subject.variables, x)).argmax(1) == y
    return subject, TorchSmallCNN(subject.variables).double().eval(), x[correct][:40], y[correct][:40]


@pytest.mark.parametrize(("norm", "loss", "eps"), [("linf", "ce", 1 / 16), ("linf", "dlr", 1 / 16), ("l2", "ce", 1.0)])
def test_apgd_equals_torchattacks_on_the_digits_cnn(digits, norm, loss, eps):
    subject, torch_model, x, y = digits
    theirs, _, own = check(torch_model, subject, x, y, norm, loss, eps, steps=20, own_starts=loss == "ce")
    assert 4 <= theirs <= 36  # the case discriminates: some images robust, some fooled
    assert own is None or abs(own - theirs) <= 1


def test_apgd_equals_torchattacks_on_a_random_resnet18():
    torch.manual_seed(0)
    reference = torchvision.models.resnet18(weights=None)
    randomize_bn_stats(reference, seed=1)
    variables = models.create("resnet18")
    from jaxdl.weights import from_torchvision

    subject = Subject(variables, from_torchvision("resnet18", {k: v.numpy() for k, v in reference.state_dict().items()}),
                      jnp.asarray(MEAN), jnp.asarray(STD), class_names(), "resnet18")
    torch_model = Normalized(reference).double().eval()
    pixels = np.random.default_rng(0).uniform(0, 1, (4, 35, 35, 3))
    with torch.no_grad():
        labels = torch_model(to_torch(pixels)).argmax(1).numpy()
    theirs, _, _ = check(torch_model, subject, pixels, labels, "linf", "dlr", 2**-5, steps=5)
    assert theirs < 4  # some adversarials to compare
