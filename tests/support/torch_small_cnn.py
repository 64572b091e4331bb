"""jaxdl's SmallCNN (the digits network) in torch with the same weights, for parity tests (imports torch)."""

import numpy as np
import torch


class TorchSmallCNN(torch.nn.Module):
    """conv1, pool, conv2, pool, fc1, fc2 on NCHW inputs; flattened in NHWC order as Flax does."""

    def __init__(self, variables: dict):
        super().__init__()
        p = {k: {n: torch.from_numpy(np.array(a)) for n, a in v.items()} for k, v in variables["params"].items()}
        self.conv1, self.conv2 = (torch.nn.Conv2d(p[n]["kernel"].shape[2], p[n]["kernel"].shape[3], 3, padding=1)
                                  for n in ("conv1", "conv2"))
        self.fc1, self.fc2 = (torch.nn.Linear(*p[n]["kernel"].shape) for n in ("fc1", "fc2"))
        with torch.no_grad():
            for name in ("conv1", "conv2"):
                getattr(self, name).weight.copy_(p[name]["kernel"].permute(3, 2, 0, 1))
                getattr(self, name).bias.copy_(p[name]["bias"])
            for name in ("fc1", "fc2"):
                getattr(self, name).weight.copy_(p[name]["kernel"].T)
                getattr(self, name).bias.copy_(p[name]["bias"])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        pool, relu = torch.nn.functional.max_pool2d, torch.relu
        h = pool(relu(self.conv2(pool(relu(self.conv1(x)), 2))), 2)
        return self.fc2(relu(self.fc1(h.permute(0, 2, 3, 1).flatten(1))))
