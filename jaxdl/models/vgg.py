"""VGG 11/13/16/19, with or without BatchNorm, as torchvision builds them, with the course's layer names.

conv{block}_{i}, (bn{block}_{i},) relu{block}_{i}, pool{block} ... pool5, avgpool (adaptive 7x7),
fc6, relu6, fc7, relu7, fc8. `pooling='avg'|'lp'` swaps the five 2x2 max-pools (course exercise).
"""

from functools import partial

import flax.linen as nn

from jaxdl.models import classic
from jaxdl.models.conv import Conv
from jaxdl.models.layers import adaptive_avg_pool, pool_layer
from jaxdl.models.named import NamedNetwork, Step, module_step

# Conv widths per block (torchvision cfgs "A", "B", "D", "E").
STAGES = {
    11: ((64,), (128,), (256, 256), (512, 512), (512, 512)),
    13: ((64, 64), (128, 128), (256, 256), (512, 512), (512, 512)),
    16: ((64, 64), (128, 128), (256, 256, 256), (512, 512, 512), (512, 512, 512)),
    19: ((64, 64), (128, 128), (256,) * 4, (512,) * 4, (512,) * 4),
}
DROPOUT_BEFORE = ("fc7", "fc8")  # torchvision: Linear, ReLU, Dropout, Linear, ReLU, Dropout, Linear


class VGG(NamedNetwork):
    """torchvision VGG: 3x3 convs (padding 1) in 5 blocks, each closed by a 2x2 pool, then the fc head."""

    stages: tuple[tuple[int, ...], ...]
    batch_norm: bool = False
    num_classes: int = 1000
    pooling: str = "max"
    lp_p: float = 2

    @nn.nowrap
    def steps(self, train: bool) -> list[Step]:
        """The named layers in forward order (submodules are built lazily when a step runs)."""
        pool = pool_layer(self.pooling, 2, 2, self.lp_p)
        steps: list[Step] = []
        for block, widths in enumerate(self.stages, 1):
            for i, width in enumerate(widths, 1):
                steps.append(module_step(f"conv{block}_{i}", partial(Conv, width, (3, 3), padding=1, **self.typed)))
                if self.batch_norm:
                    bn = partial(nn.BatchNorm, use_running_average=not train, momentum=0.9, epsilon=1e-5, **self.typed)
                    steps.append(module_step(f"bn{block}_{i}", bn))
                steps.append((f"relu{block}_{i}", self.relu))
            steps.append((f"pool{block}", pool))
        steps.append(("avgpool", partial(adaptive_avg_pool, out_hw=(7, 7))))
        return steps + classic.classifier(self.num_classes, DROPOUT_BEFORE, train, self.relu, self.typed)


ARCHS = {f"vgg{d}{'_bn' * bn}": partial(VGG, stages=STAGES[d], batch_norm=bn) for d in STAGES for bn in (False, True)}
