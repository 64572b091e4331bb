"""AlexNet as torchvision builds it (64-192-384-256-256 convs), with the course's layer names.

conv1, relu1, pool1, conv2, relu2, pool2, conv3, relu3, conv4, relu4, conv5, relu5, pool5,
avgpool (adaptive 6x6), fc6, relu6, fc7, relu7, fc8. `pooling='avg'|'lp'` swaps the 3x3/2 max-pools.
"""

from functools import partial

import flax.linen as nn

from jaxdl.models import classic
from jaxdl.models.conv import Conv
from jaxdl.models.layers import adaptive_avg_pool, pool_layer
from jaxdl.models.named import NamedNetwork, Step, module_step

# (features, kernel, stride, padding, pooled afterwards) of conv1..conv5.
CONVS = ((64, 11, 4, 2, True), (192, 5, 1, 2, True), (384, 3, 1, 1, False), (256, 3, 1, 1, False), (256, 3, 1, 1, True))
DROPOUT_BEFORE = ("fc6", "fc7")  # torchvision: Dropout, Linear, ReLU, Dropout, Linear, ReLU, Linear


class AlexNet(NamedNetwork):
    """torchvision AlexNet ("One weird trick" variant): 5 convs, 3 max-pools 3x3/2, the fc head."""

    num_classes: int = 1000
    pooling: str = "max"
    lp_p: float = 2

    @nn.nowrap
    def steps(self, train: bool) -> list[Step]:
        """The named layers in forward order (submodules are built lazily when a step runs)."""
        pool = pool_layer(self.pooling, 3, 2, self.lp_p)
        steps: list[Step] = []
        for i, (width, kernel, stride, padding, pooled) in enumerate(CONVS, 1):
            conv = partial(Conv, width, (kernel, kernel), strides=stride, padding=padding, **self.typed)
            steps += [module_step(f"conv{i}", conv), (f"relu{i}", self.relu)]
            if pooled:
                steps.append((f"pool{i}", pool))
        steps.append(("avgpool", partial(adaptive_avg_pool, out_hw=(6, 6))))
        return steps + classic.classifier(self.num_classes, DROPOUT_BEFORE, train, self.relu, self.typed)


ARCHS = {"alexnet": AlexNet}
