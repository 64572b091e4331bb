"""Helpers to compare jaxdl models with their torchvision originals (tests only; imports torch).

Convention: jaxdl is NHWC, torch is NCHW; every helper here takes and returns NHWC numpy arrays.
Convert weights with `jaxdl.weights.from_torchvision(arch, torch_model.state_dict())`.
"""

from collections.abc import Mapping

import numpy as np
import torch

from jaxdl import models


def randomize_bn_stats(model: torch.nn.Module, seed: int) -> None:
    """Give every BatchNorm random running stats (var > 0) and a random affine, so eval mode tests them all."""
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, torch.nn.modules.batchnorm._BatchNorm):
                shape = module.running_mean.shape
                module.running_mean.copy_(torch.randn(shape, generator=gen) * 0.5)
                module.running_var.copy_(torch.rand(shape, generator=gen) * 1.5 + 0.5)
                module.weight.copy_(torch.rand(shape, generator=gen) + 0.5)
                module.bias.copy_(torch.randn(shape, generator=gen) * 0.1)


def to_nhwc(t: torch.Tensor) -> np.ndarray:
    """A copy of a torch activation as numpy, NCHW -> NHWC when it is an image batch."""
    a = t.detach().cpu().numpy().copy()  # copy: torchvision ReLUs are in-place
    return a.transpose(0, 2, 3, 1) if a.ndim == 4 else a


def to_torch(x: np.ndarray) -> torch.Tensor:
    """An NHWC numpy batch as an NCHW torch tensor."""
    return torch.from_numpy(np.ascontiguousarray(np.asarray(x).transpose(0, 3, 1, 2)))


def torch_outputs(
    model: torch.nn.Module, x: np.ndarray, modules: Mapping[str, torch.nn.Module]
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Eval-mode logits and the outputs of `modules` (name -> submodule, via forward hooks), all NHWC."""
    seen: dict[str, np.ndarray] = {}
    hooks = [m.register_forward_hook(lambda _m, _i, out, n=n: seen.__setitem__(n, to_nhwc(out))) for n, m in modules.items()]
    try:
        with torch.no_grad():
            logits = to_nhwc(model.eval()(to_torch(x)))
    finally:
        for hook in hooks:
            hook.remove()
    return logits, seen


def assert_close(jax_out, torch_out: np.ndarray, rel: float = 1e-4) -> float:
    """Assert max |jax - torch| <= rel * max |torch| (same shape); return that relative error."""
    jax_out = np.asarray(jax_out)
    assert jax_out.shape == torch_out.shape, f"shape {jax_out.shape} != torch {torch_out.shape}"
    err = float(np.max(np.abs(jax_out - torch_out)) / max(np.max(np.abs(torch_out)), 1e-12))
    assert err <= rel, f"max abs error {err:.2e} x max|torch| exceeds {rel:.0e}"
    return err


def torch_layers(arch: str, model: torch.nn.Module) -> dict[str, torch.nn.Module]:
    """torchvision's module behind each of jaxdl's layer names: ResNet's by name; AlexNet's, VGG's and SqueezeNet's in
    order (features, avgpool but SqueezeNet's, then the classifier), Dropouts not being named layers."""
    names = models.layer_names(arch)
    if arch.startswith("resnet"):
        return {name: getattr(model, name) for name in names}
    pool = [] if arch.startswith("squeezenet") else [model.avgpool]
    modules = [*model.features, *pool, *(m for m in model.classifier if not isinstance(m, torch.nn.Dropout))]
    assert len(modules) == len(names), f"{arch}: {len(modules)} torchvision modules for {len(names)} layers"
    return dict(zip(names, modules))
