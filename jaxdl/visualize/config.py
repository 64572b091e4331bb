"""The visualization practical's configs: `SubjectConfig` (the network, its weights and images) that every
`jaxdl visualize` method and `jaxdl run`'s [visualize] part share, and `VisualizeConfig`, the run's config.

The defaults are the embedded digits CNN on its first 6 test digits (0: all), the course's fooling target (6
"stingray"; 8 on the digits) with 100 steps and its 200-iteration class visualization. Real weights come from an
explicit file or $JAXDL_WEIGHTS only; without them an ImageNet network is a seeded random init, said in the first line.
"""

from dataclasses import dataclass, replace

from jaxdl.options import cli
from jaxdl.pretrained import random_note, weights_for
from jaxdl.visualize.classviz import COURSE_TARGETS
from jaxdl.visualize.inputs import Inputs
from jaxdl.visualize.robustness_outputs import RobustnessSettings, with_default_eps
from jaxdl.visualize.subject import DIGITS, Subject, subject_and_inputs, subject_named


@dataclass(frozen=True)
class SubjectConfig:
    """The network, its weights and the images every visualization looks at; the seed of the digits CNN and of noise."""

    inputs: tuple[str, ...] = cli((), positional=True)
    arch: str = DIGITS
    weights: str = ""
    size: int = 224
    images: int = 6
    seed: int = 0


SUBJECT_HELP = {
    "inputs": "image files or one .npz with X (N,H,W,3) [and y]; default: the embedded digits' test images",
    "arch": "an ImageNet architecture (e.g. squeezenet1_0, vgg16) or 'digits' for the embedded digits CNN (default)",
    "weights": "a weights file/folder, 'imagenet' (download) or 'random'; default: ARCH's file in $JAXDL_WEIGHTS, else "
               "a seeded random init, which the first printed line says",
    "size": "image files are resized to SIZE x SIZE",
    "images": "use only the first IMAGES images (0: all)",
    "seed": "seed of the digits CNN and its split, SmoothGrad's noise, random starts and class visualization's noise",
}


@dataclass(frozen=True)
class VisualizeConfig(SubjectConfig):
    """The subject, the fooling target (None: the course's) and steps, the class visualization's iterations and classes,
    the robustness curves' images (0: all), steps, radii (empty: the network's default) and attacks."""

    fooling_target: int | None = None
    fooling_steps: int = 100
    classviz_iterations: int = 200
    classviz_targets: tuple[int, ...] = ()
    robustness_images: int = 300
    robustness_steps: int = 10
    robustness_eps: tuple[float, ...] = ()
    robustness_attacks: tuple[str, ...] = ("fgsm", "pgd", "pgdl2", "apgd-ce")

    def quick(self) -> "VisualizeConfig":
        """The `--quick` run: 4 images, 50 fooling steps, 60 ascent iterations on three classes; robustness of 200 images
        against FGSM, PGD and APGD-CE at 3 radii with 5 steps."""
        return replace(self, images=4, fooling_steps=50, classviz_iterations=60, classviz_targets=(0, 3, 7),
                       robustness_images=200, robustness_steps=5, robustness_eps=(0.0, 0.1, 0.2),
                       robustness_attacks=("fgsm", "pgd", "apgd-ce"))

    def robustness(self) -> tuple["VisualizeConfig", RobustnessSettings]:
        """The subject of the robustness curves (ROBUSTNESS_IMAGES images, 0: all) and their settings."""
        settings = RobustnessSettings(self.robustness_attacks, self.robustness_eps, self.robustness_steps)
        return replace(self, images=self.robustness_images), with_default_eps(settings, self.arch == DIGITS)


def course_targets(config: SubjectConfig) -> tuple[int, ...]:
    """The classes visualized by default: every digit, or the course's seven ImageNet classes."""
    return tuple(range(10)) if config.arch == DIGITS else COURSE_TARGETS


def course_fooling_target(config: SubjectConfig) -> int:
    """The course's fooling target: 6 "stingray" (8 on the digits)."""
    return 8 if config.arch == DIGITS else 6


def image_shape(config: SubjectConfig) -> tuple[int, int, int]:
    """The network's input shape (H, W, C): 32x32 grey for the digits CNN, SIZE x SIZE colour otherwise."""
    return (32, 32, 1) if config.arch == DIGITS else (config.size, config.size, 3)


def weights_note(config: SubjectConfig) -> tuple[str, str | None]:
    """The weights to load (explicit, else $JAXDL_WEIGHTS, else "random") and the random-weights line, if any."""
    weights = weights_for(config.arch, {config.arch: config.weights} if config.weights else {})
    return weights, random_note([config.arch]) if config.arch != DIGITS and weights == "random" else None


def network_of(config: SubjectConfig, progress: bool = True) -> tuple[Subject, str | None]:
    """The network alone (class visualization from noise needs no images) and the random-weights line, if any."""
    weights, note = weights_note(config)
    return subject_named(config.arch, weights, config.seed, progress), note


def subject_of(config: SubjectConfig, progress: bool = True) -> tuple[Subject, Inputs, str | None]:
    """The network, its first `images` pixel-space images and the random-weights line, if any."""
    weights, note = weights_note(config)
    subject, inputs = subject_and_inputs(config.arch, weights, config.inputs, config.size, config.images or None, config.seed,
                                         progress)
    return subject, inputs, note
