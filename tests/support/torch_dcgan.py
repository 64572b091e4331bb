"""The same DCGAN / cDCGAN in PyTorch (tests and benchmark only): parity reference and speed baseline.

Submodules carry the Flax names (convT0, bn1, conv0, ...) so the key map is one rule per module.
"""

import numpy as np
import torch
from torch import nn

from jaxdl.weights.rules import Rule, batchnorm_rules, conv_rules


def label_maps(labels, num_classes: int, like: torch.Tensor) -> torch.Tensor:
    """One-hot labels as constant maps (N, classes, H, W) of `like`'s spatial size."""
    maps = nn.functional.one_hot(labels.long(), num_classes).float()[:, :, None, None]
    return maps.expand(-1, -1, like.shape[2], like.shape[3])


class TorchGenerator(nn.Module):
    """G: convT(k4,s1,p0)+BN+ReLU on z, [one-hot label maps concatenated], convT(k4,s2,p1) blocks, tanh."""

    def __init__(self, image_size=32, nz=100, ngf=32, channels=1, num_classes=0):
        super().__init__()
        self.n, self.num_classes = (3 if image_size == 32 else 4), num_classes
        width = ngf * 2 ** (self.n - 1)
        self.convT0, self.bn0 = nn.ConvTranspose2d(nz, width, 4, 1, 0, bias=False), nn.BatchNorm2d(width)
        for i in range(1, self.n):
            fan_in = width // 2 ** (i - 1) + (num_classes if i == 1 else 0)
            setattr(self, f"convT{i}", nn.ConvTranspose2d(fan_in, width // 2**i, 4, 2, 1, bias=False))
            setattr(self, f"bn{i}", nn.BatchNorm2d(width // 2**i))
        setattr(self, f"convT{self.n}", nn.ConvTranspose2d(ngf, channels, 4, 2, 1, bias=False))

    def forward(self, z, labels=None):
        x = torch.relu(self.bn0(self.convT0(z[:, :, None, None])))
        if self.num_classes:
            x = torch.cat([x, label_maps(labels, self.num_classes, x)], 1)
        for i in range(1, self.n):
            x = torch.relu(getattr(self, f"bn{i}")(getattr(self, f"convT{i}")(x)))
        return torch.tanh(getattr(self, f"convT{self.n}")(x))


class TorchDiscriminator(nn.Module):
    """D: [image + one-hot label maps] -> conv(k4,s2,p1)+BN+LReLU(0.2) blocks -> conv(1,k4,s1,p0) logits."""

    def __init__(self, image_size=32, ndf=32, channels=1, num_classes=0):
        super().__init__()
        self.n, self.num_classes = (3 if image_size == 32 else 4), num_classes
        for i in range(self.n):
            fan_in = channels + num_classes if i == 0 else ndf * 2 ** (i - 1)
            setattr(self, f"conv{i}", nn.Conv2d(fan_in, ndf * 2**i, 4, 2, 1, bias=False))
            setattr(self, f"bn{i}", nn.BatchNorm2d(ndf * 2**i))
        setattr(self, f"conv{self.n}", nn.Conv2d(ndf * 2 ** (self.n - 1), 1, 4, 1, 0, bias=False))

    def forward(self, x, labels=None):
        if self.num_classes:
            x = torch.cat([x, label_maps(labels, self.num_classes, x)], 1)
        for i in range(self.n):
            x = nn.functional.leaky_relu(getattr(self, f"bn{i}")(getattr(self, f"conv{i}")(x)), 0.2)
        return getattr(self, f"conv{self.n}")(x).reshape(-1)


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
