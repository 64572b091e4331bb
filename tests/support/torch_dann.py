"""jaxdl's DANN transcribed to PyTorch (tests, the reference script and the benchmark): network, GRL, losses, one step.

Submodules carry the Flax names (conv1, fc1, dom_fc1, ...). The features are flattened channels-last, as jaxdl
does, so each Linear weight is the transposed Flax kernel (the order of fc1's inputs does not change training).
"""

import math

import jax
import numpy as np
import torch
from torch import nn

from jaxdl.dann import cdan
from jaxdl.dann.train import MAP_STREAM
from jaxdl.keys import prng_key
from jaxdl.weights.rules import conv_kernel, linear_kernel


class Reverse(torch.autograd.Function):
    """Gradient reversal: identity forward, -lam * grad backward."""

    @staticmethod
    def forward(ctx, x, lam):
        ctx.lam = lam
        return x.view_as(x)

    @staticmethod
    def backward(ctx, grad):
        return -ctx.lam * grad, None


class TorchDANN(nn.Module):
    """The network of jaxdl.models.dann.DANN in NCHW, with PyTorch's default initialisation; given CDAN's random
    matrices (R_f, R_g), its domain classifier sees the randomized multilinear map, as the authors' RandomLayer."""

    def __init__(self, num_classes: int = 10, matrices: tuple[np.ndarray, np.ndarray] | None = None):
        super().__init__()
        self.conv1, self.conv2 = nn.Conv2d(3, 32, 5), nn.Conv2d(32, 48, 5)
        self.fc1, self.fc2, self.fc3 = nn.Linear(1200, 100), nn.Linear(100, 100), nn.Linear(100, num_classes)
        self.matrices = None if matrices is None else [torch.from_numpy(np.array(m)) for m in matrices]
        self.dom_fc1, self.dom_fc2 = nn.Linear(1200 if matrices is None else matrices[0].shape[1], 100), nn.Linear(100, 1)

    def forward(self, x, lam):
        h = nn.functional.max_pool2d(torch.relu(self.conv1(x)), 2)
        h = nn.functional.max_pool2d(torch.relu(self.conv2(h)), 2)
        f = h.permute(0, 2, 3, 1).flatten(1)
        logits = self.fc3(torch.relu(self.fc2(torch.relu(self.fc1(f)))))
        if self.matrices is not None:  # the authors' CDAN: softmax detached, RandomLayer's mm / sqrt(d) * mm
            rf, rg = self.matrices
            f = f @ rf / math.sqrt(rf.shape[1]) * (torch.softmax(logits, 1).detach() @ rg)
        return logits, self.dom_fc2(torch.relu(self.dom_fc1(Reverse.apply(f, lam))))[:, 0]



def reference_network(method: str, seed: int) -> TorchDANN:
    """The network `method` trains, initialised by torch.manual_seed(seed); CDAN's sees the random matrices that
    jaxdl.dann.train.network(method, seed=seed) draws."""
    torch.manual_seed(seed)
    key = jax.random.fold_in(prng_key(seed), MAP_STREAM)
    return TorchDANN(matrices=cdan.random_matrices(key, 1200, 10) if method in cdan.METHODS else None)


def to_flax(model: TorchDANN) -> dict:
    """The Flax params of a TorchDANN (conv OIHW -> HWIO, Linear (out, in) -> (in, out))."""
    return {name: {"kernel": (conv_kernel if isinstance(m, nn.Conv2d) else linear_kernel)(m.weight.detach().numpy()).copy(),
                   "bias": m.bias.detach().numpy().copy()} for name, m in model.named_children()}


def load_flax(model: TorchDANN, params: dict) -> TorchDANN:
    """Copy Flax params (e.g. jaxdl's own initialisation) into a TorchDANN, inverting `to_flax`."""
    with torch.no_grad():
        for name, m in model.named_children():
            kernel = np.asarray(params[name]["kernel"])
            m.weight.copy_(torch.from_numpy(kernel.transpose(3, 2, 0, 1) if kernel.ndim == 4 else kernel.T))
            m.bias.copy_(torch.from_numpy(np.asarray(params[name]["bias"])))
    return model


def lam_at(p: float, lam_max: float = 1.0) -> float:
    """The paper's lam_p = lam_max * (2 / (1 + exp(-10 p)) - 1)."""
    return lam_max * (2.0 / (1.0 + math.exp(-10.0 * p)) - 1.0)


def lr_at(step: int, mu0: float, total_steps: int) -> float:
    """The paper's mu_p = mu0 / (1 + 10 p)^0.75, p = step / total_steps."""
    return mu0 / (1.0 + 10.0 * min(step / total_steps, 1.0)) ** 0.75


def sgd(model: TorchDANN, mu0: float) -> torch.optim.SGD:
    """The paper's SGD, momentum 0.9 (the learning rate is set at each step by `train_step`)."""
    return torch.optim.SGD(model.parameters(), lr=mu0, momentum=0.9)


def entropy_weights(logits: torch.Tensor, n_source: int, lam: float) -> torch.Tensor:
    """The authors' CDAN+E weights: 1 + exp(-H) with H's gradient reversed by lam (grl_hook), each domain's weights
    divided by their sum taken as a number (.item())."""
    probs = torch.softmax(logits, 1)
    entropy = -(probs * torch.log(probs + 1e-5)).sum(1)
    entropy.register_hook(lambda grad: -lam * grad)
    w = 1.0 + torch.exp(-entropy)
    source = (torch.arange(len(w)) < n_source).float()
    return w * source / (w * source).sum().item() + w * (1 - source) / (w * (1 - source)).sum().item()


def train_step(model: TorchDANN, opt: torch.optim.SGD, method: str, source, target, step: int, total_steps: int,
               mu0: float = 0.01, lam_max: float = 1.0) -> dict[str, float]:
    """One update of "dann", "no-grl", "cdan", "cdan+e", "source-only" or "target-only" on (images NCHW, labels)
    batches, as jaxdl's train_step (CDAN's network built with its matrices)."""
    lam = lam_at(step / total_steps, lam_max)
    for group in opt.param_groups:
        group["lr"] = lr_at(step, mu0, total_steps)
    n = len(source[0])
    logits, domain_logits = model(torch.cat([source[0], target[0]]), -1.0 if method == "no-grl" else lam)
    labels = torch.cat([source[1], target[1]])
    ce = nn.functional.cross_entropy
    label_loss = ce(logits[n:], labels[n:]) if method == "target-only" else ce(logits[:n], labels[:n])
    domain = (torch.arange(len(labels)) >= n).float()
    weight = entropy_weights(logits, n, lam) if method == "cdan+e" else torch.ones_like(domain)
    bce = nn.functional.binary_cross_entropy_with_logits(domain_logits, domain, reduction="none")
    domain_loss = (weight * bce).sum() / weight.sum().item()
    adversarial = method in ("dann", "no-grl", "cdan", "cdan+e")
    loss = label_loss + domain_loss if adversarial else label_loss
    opt.zero_grad()
    loss.backward()
    opt.step()
    return {"label_loss": label_loss.item(), "domain_loss": domain_loss.item() if adversarial else math.nan, "lam": lam}
