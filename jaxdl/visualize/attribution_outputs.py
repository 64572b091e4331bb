"""Attribution maps of every image, as `jaxdl visualize saliency|gradcam` and `jaxdl run` write them: the class each
explains (the given one, else the true label, else the prediction), the raw maps (.npy), a table and a figure."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np

from jaxdl.features import extract
from jaxdl.keys import prng_key
from jaxdl.models.named import check_layer
from jaxdl.options import cli
from jaxdl.report import write_table
from jaxdl.visualize.attribution_figure import attribution_figure, heat, overlay, picture
from jaxdl.visualize.gradcam import gradcam, last_spatial_layer
from jaxdl.visualize.gradient import Method, in_batches
from jaxdl.visualize.guided import guided_backprop
from jaxdl.visualize.inputs import Inputs, check_class
from jaxdl.visualize.integrated_gradients import integrated_gradients
from jaxdl.visualize.saliency import saliency
from jaxdl.visualize.smoothgrad import smoothgrad
from jaxdl.visualize.subject import Subject

METHODS = ("vanilla", "smoothgrad", "ig", "guided")


@dataclass(frozen=True)
class AttributionSettings:
    """The class explained (`--class`; None: true label, else prediction), images per call, images in the figure."""

    target: int | None = cli(None, flag="--class")
    batch_size: int = 16
    show: int = 8


@dataclass(frozen=True)
class SaliencySettings(AttributionSettings):
    """The attribution method and its parameters."""

    method: str = "vanilla"
    samples: int = 50
    noise: float = 0.15
    steps: int = 50
    rule: str = "gausslegendre"
    baseline: float = 0.0
    inner_batch_size: int = 0


@dataclass(frozen=True)
class GradcamSettings(AttributionSettings):
    """The layer whose activations are weighted (None: the last spatial one)."""

    layer: str | None = None


ATTRIBUTION_HELP = {
    "target": "class index to explain for every image (default: its true label if known, else the prediction)",
    "batch_size": "images per jitted call",
    "show": "images drawn in the figure",
    "method": "attribution method (vanilla: |d logit / dx| max over channels, the course's)",
    "samples": "smoothgrad: noisy copies per image",
    "noise": "smoothgrad: noise std as a fraction of the image's range max-min",
    "steps": "ig: integration steps",
    "rule": "ig: quadrature rule (captum's names)",
    "baseline": "ig: constant baseline in normalised space (0: the mean colour)",
    "inner_batch_size": "ig/smoothgrad: path points or noisy copies per network evaluation; memory grows with it "
                        "(0: one per image of the call, i.e. BATCH_SIZE)",
    "layer": "a named layer with a spatial output (default: the last one larger than 1x1)",
}


def explained_classes(subject: Subject, inputs: Inputs, settings: AttributionSettings, progress: bool = True) -> np.ndarray:
    """One class index per image: the settings' class (checked), else the true label, else the prediction."""
    if settings.target is not None:
        return np.full(len(inputs.pixels), check_class(settings.target, len(subject.class_names)))
    if inputs.labels is not None:
        return inputs.labels
    logits = extract(subject.model, subject.variables, subject.to_normalized(inputs.pixels), None, settings.batch_size, progress)
    return logits.argmax(axis=1)


def saliency_method(subject: Subject, settings: SaliencySettings, seed: int) -> Method:
    """(images, classes) -> (raw attributions, scores) of the chosen method, its parameters bound."""
    model, variables = subject.model, subject.variables
    if settings.method == "smoothgrad":
        return partial(smoothgrad, model, variables, key=prng_key(seed), samples=settings.samples, noise=settings.noise,
                       batch_size=settings.inner_batch_size or None)
    if settings.method == "ig":
        return partial(integrated_gradients, model, variables, baseline=settings.baseline, steps=settings.steps,
                       rule=settings.rule, batch_size=settings.inner_batch_size or None)
    return partial(guided_backprop if settings.method == "guided" else saliency, model, variables)


def gradcam_method(subject: Subject, layer: str | None, images: np.ndarray) -> tuple[Method, str]:
    """Grad-CAM at `layer` (checked; None: the last spatial one, found from `images`' shape) and the layer's name."""
    check_layer(layer, subject.model.layer_names())
    layer = layer or last_spatial_layer(subject.model, subject.variables, images[:1])
    return partial(gradcam, subject.model, subject.variables, layer=layer), layer


def write_attributions(stem: Path, maps: np.ndarray, pictures: Callable[[slice], dict[str, np.ndarray]],
                       subject: Subject, inputs: Inputs, classes: np.ndarray, show: int) -> Path:
    """STEM.npy (the raw maps), STEM.{md,csv} (the class each explains), STEM.png (the first `show` images with the
    figure columns `pictures(images slice)`); returns the figure's path."""
    np.save(stem.with_suffix(".npy"), maps)
    write_table([{"image": name, "class": int(c), "name": subject.class_names[c]} for name, c in zip(inputs.names, classes)],
                stem)
    part = slice(0, show)
    titles = [f"{name}\n{subject.class_names[c][:20]}" for name, c in zip(inputs.names[part], classes[part])]
    return attribution_figure(inputs.pixels[part], pictures(part), titles, stem.with_suffix(".png"))


def write_saliency(subject: Subject, inputs: Inputs, settings: SaliencySettings, seed: int, out: Path,
                   progress: bool = True) -> tuple[Path, np.ndarray]:
    """OUT/saliency_METHOD.{npy,md,csv,png}; returns the figure's path and the raw maps."""
    classes = explained_classes(subject, inputs, settings, progress)
    maps = in_batches(saliency_method(subject, settings, seed), np.asarray(subject.to_normalized(inputs.pixels)), classes,
                      inputs.names, settings.batch_size, progress, f"saliency {settings.method}")
    figure = write_attributions(out / f"saliency_{settings.method}", maps,
                                lambda part: {settings.method: picture(settings.method, maps[part])},
                                subject, inputs, classes, settings.show)
    return figure, maps


def write_gradcam(subject: Subject, inputs: Inputs, settings: GradcamSettings, out: Path,
                  progress: bool = True) -> tuple[Path, np.ndarray]:
    """OUT/gradcam_LAYER.{npy,md,csv,png} (maps at the input size); returns the figure's path and the maps."""
    images = np.asarray(subject.to_normalized(inputs.pixels))
    method, layer = gradcam_method(subject, settings.layer, images)
    classes = explained_classes(subject, inputs, settings, progress)
    maps = in_batches(method, images, classes, inputs.names, settings.batch_size, progress, f"Grad-CAM {layer}")
    pictures = lambda part: {f"Grad-CAM {layer}": heat(maps[part]), "overlay": overlay(inputs.pixels[part], maps[part])}
    return write_attributions(out / f"gradcam_{layer}", maps, pictures, subject, inputs, classes, settings.show), maps
