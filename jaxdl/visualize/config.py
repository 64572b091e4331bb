"""The visualization practical's run config, as `jaxdl run` does it: the subject network and its images, the fooling
target and steps, the class visualization's iterations and classes; its fields are the [visualize] settings of
`jaxdl run` (jaxdl/options.py).

The defaults are the embedded digits CNN on its first 6 test digits, 100 fooling steps towards class 0 and the
course's 200-iteration class visualization (digits 0-9, or the course's ImageNet classes). `quick()` is `--quick`.
"""

from dataclasses import dataclass, replace

from jaxdl.pretrained import real_weights
from jaxdl.visualize.inputs import Inputs
from jaxdl.visualize.subject import DIGITS, Subject, subject_and_inputs


@dataclass(frozen=True)
class VisualizeConfig:
    """The network and images, the fooling target and steps, the class visualization's iterations and classes."""

    arch: str = DIGITS
    weights: str = "imagenet"
    inputs: tuple[str, ...] = ()
    size: int = 224
    images: int = 6
    fooling_target: int = 0
    fooling_steps: int = 100
    classviz_iterations: int = 200
    classviz_targets: tuple[int, ...] = ()
    seed: int = 0

    def quick(self) -> "VisualizeConfig":
        """The `--quick` run: 4 images, 50 fooling steps, 60 ascent iterations on three classes."""
        return replace(self, images=4, fooling_steps=50, classviz_iterations=60, classviz_targets=(0, 3, 7))


def subject_of(config: VisualizeConfig) -> tuple[Subject, Inputs]:
    """The digits CNN and its first test digits, or the ImageNet `arch` (real weights when found) on `inputs`."""
    weights = str(real_weights(config.arch) or "imagenet") if config.weights == "imagenet" else config.weights
    return subject_and_inputs(config.arch, weights, config.inputs, config.size, config.images, config.seed)
