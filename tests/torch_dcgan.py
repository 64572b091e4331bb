"""The same DCGAN / cDCGAN in PyTorch (tests and benchmark only): parity reference and speed baseline.

Submodules carry the Flax names (convT1, bn1, conv0_x, ...) so the key map is one rule per module.
"""

import numpy as np
import torch
from torch import nn

from jaxdl.weights.rules import Rule, batchnorm_rules, conv_rules


def _inputs(conditional: bool, first: str) -> tuple[str, ...]:
    """Names of the first-layer branches: the data input, plus the label for a conditional net."""
    return (first, "y") if conditional else (first,)


class TorchGenerator(nn.Module):
    """G: per-input convT(k4,s1,p0)+BN+ReLU, concatenated, then convT(k4,s2,p1) blocks, tanh."""

    def __init__(self, image_size=32, nz=100, ngf=32, channels=1, num_classes=0):
        super().__init__()
        self.n, self.num_classes = (3 if image_size == 32 else 4), num_classes
        width = ngf * 2 ** (self.n - 1)
        branches = _inputs(num_classes > 0, "z")
        share = width // len(branches)
        for key, fan_in in zip(branches, (nz, num_classes)):
            setattr(self, f"convT0_{key}", nn.ConvTranspose2d(fan_in, share, 4, 1, 0, bias=False))
            setattr(self, f"bn0_{key}", nn.BatchNorm2d(share))
        for i in range(1, self.n):
            setattr(self, f"convT{i}", nn.ConvTranspose2d(width // 2 ** (i - 1), width // 2**i, 4, 2, 1, bias=False))
            setattr(self, f"bn{i}", nn.BatchNorm2d(width // 2**i))
        setattr(self, f"convT{self.n}", nn.ConvTranspose2d(ngf, channels, 4, 2, 1, bias=False))
        self.branches = branches

    def forward(self, z, labels=None):
        inputs = {"z": z}
        if self.num_classes:
            inputs["y"] = nn.functional.one_hot(labels.long(), self.num_classes).float()
        x = torch.cat([torch.relu(getattr(self, f"bn0_{k}")(getattr(self, f"convT0_{k}")(v[:, :, None, None])))
                       for k, v in inputs.items()], 1)
        for i in range(1, self.n):
            x = torch.relu(getattr(self, f"bn{i}")(getattr(self, f"convT{i}")(x)))
        return torch.tanh(getattr(self, f"convT{self.n}")(x))


class TorchDiscriminator(nn.Module):
    """D: per-input conv(k4,s2,p1)+BN+LReLU(0.2), concatenated, conv blocks, conv(1,k4,s1,p0) logits."""

    def __init__(self, image_size=32, ndf=32, channels=1, num_classes=0):
        super().__init__()
        self.n, self.num_classes = (3 if image_size == 32 else 4), num_classes
        branches = _inputs(num_classes > 0, "x")
        share = ndf // len(branches)
        for key, fan_in in zip(branches, (channels, num_classes)):
            setattr(self, f"conv0_{key}", nn.Conv2d(fan_in, share, 4, 2, 1, bias=False))
            setattr(self, f"bn0_{key}", nn.BatchNorm2d(share))
        for i in range(1, self.n):
            setattr(self, f"conv{i}", nn.Conv2d(ndf * 2 ** (i - 1), ndf * 2**i, 4, 2, 1, bias=False))
            setattr(self, f"bn{i}", nn.BatchNorm2d(ndf * 2**i))
        setattr(self, f"conv{self.n}", nn.Conv2d(ndf * 2 ** (self.n - 1), 1, 4, 1, 0, bias=False))

    def forward(self, x, labels=None):
        inputs = {"x": x}
        if self.num_classes:
            maps = nn.functional.one_hot(labels.long(), self.num_classes).float()[:, :, None, None]
            inputs["y"] = maps.expand(-1, -1, x.shape[2], x.shape[3])
        h = torch.cat([nn.functional.leaky_relu(getattr(self, f"bn0_{k}")(getattr(self, f"conv0_{k}")(v)), 0.2)
                       for k, v in inputs.items()], 1)
        for i in range(1, self.n):
            h = nn.functional.leaky_relu(getattr(self, f"bn{i}")(getattr(self, f"conv{i}")(h)), 0.2)
        return getattr(self, f"conv{self.n}")(h).reshape(-1)


def conv_transpose_kernel(w: np.ndarray) -> np.ndarray:
    """ConvTranspose2d weight (in, out, kh, kw) -> Flax transpose_kernel layout (kh, kw, out, in)."""
    return np.transpose(w, (2, 3, 1, 0))


def torch_rules(model: nn.Module) -> list[Rule]:
    """The key map of a TorchGenerator/TorchDiscriminator: module names are the Flax names."""
    rules: list[Rule] = []
    for name, module in model.named_children():
        if isinstance(module, nn.ConvTranspose2d):
            rules.append(Rule(f"{name}.weight", ("params", name, "kernel"), conv_transpose_kernel))
        elif isinstance(module, nn.Conv2d):
            rules += conv_rules(name, name, bias=False)
        else:
            rules += batchnorm_rules(name, name)
    return rules
