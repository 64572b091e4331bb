"""torchvision `resnet*` state_dict keys -> jaxdl.models.resnet variables (`layer1.0.conv1` -> layer1/0/conv1)."""

from jaxdl.models.resnet import ARCHS, Layout
from jaxdl.weights.rules import Rule, batchnorm_rules, conv_rules, linear_rules, nested


def _block_rules(prefix: str, layout: Layout, downsample: bool) -> list[Rule]:
    """Rules of one torchvision BasicBlock/Bottleneck at `prefix` (e.g. "layer1.0")."""
    rules = []
    for k in range(1, len(layout) + 1):
        rules += conv_rules(f"{prefix}.conv{k}", f"conv{k}", bias=False) + batchnorm_rules(f"{prefix}.bn{k}", f"bn{k}")
    if downsample:
        rules += conv_rules(f"{prefix}.downsample.0", "downsample_conv", bias=False)
        rules += batchnorm_rules(f"{prefix}.downsample.1", "downsample_bn")
    return rules


def torch_rules(arch: str) -> list[Rule]:
    """torchvision `arch` state_dict keys -> this module's variables (num_batches_tracked has no counterpart)."""
    model = ARCHS[arch]()
    widens = model.layout[-1][1] != 1  # a Bottleneck's first block needs a downsample even without stride
    rules = conv_rules("conv1", "conv1", bias=False) + batchnorm_rules("bn1", "bn1")
    for i, blocks in enumerate(model.stage_sizes, 1):
        for j in range(blocks):
            downsample = j == 0 and (i > 1 or widens)
            rules += nested((f"layer{i}", str(j)), _block_rules(f"layer{i}.{j}", model.layout, downsample))
    return rules + linear_rules("fc", "fc")
