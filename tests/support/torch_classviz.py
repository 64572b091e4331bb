"""The course's class-visualization loop transcribed in PyTorch (tests and benchmark only): parity reference, speed baseline."""

import numpy as np
import torch
from scipy.ndimage import gaussian_filter1d


def torch_course_loop(model: torch.nn.Module, image: torch.Tensor, target: int, offsets: np.ndarray, settings,
                      low: np.ndarray, high: np.ndarray) -> torch.Tensor:
    """create_class_visualization's loop on one NCHW image: torch.roll jitter by each (ox, oy), plain ascent step on
    logit - l2_reg * ||x||, roll back, clamp per channel to [low, high], scipy blur when t % blur_every == 0."""
    img = image.clone().requires_grad_()
    for t, (ox, oy) in enumerate(np.asarray(offsets).tolist()):
        img.data.copy_(torch.roll(img.data, (oy, ox), dims=(2, 3)))
        out = model(img)
        objective = out[0, target] - settings.l2_reg * torch.norm(img)
        objective.backward()
        img = img + settings.lr * img.grad
        img.detach_().requires_grad_()
        img.data.copy_(torch.roll(img.data, (-oy, -ox), dims=(2, 3)))
        for c in range(img.shape[1]):
            img.data[:, c].clamp_(min=float(low[c]), max=float(high[c]))
        if settings.blur_every and t % settings.blur_every == 0:
            blurred = gaussian_filter1d(gaussian_filter1d(img.data.numpy(), settings.sigma, axis=2), settings.sigma, axis=3)
            img.data = torch.tensor(blurred)
    return img.detach()
