"""Several attribution methods side by side for every image, `show` images a figure (NAME_0.png, NAME_1.png, ...), and
the seconds each method took: what `jaxdl visualize attributions` writes (the course's 25 images: five figures of five)."""

import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from jaxdl.figures import palette_png
from jaxdl.report import write_table
from jaxdl.visualize.attribution_figure import attribution_figure, overlay, picture
from jaxdl.visualize.attribution_outputs import ATTRIBUTION_HELP, METHODS, SaliencySettings, explained_classes, gradcam_method, saliency_method
from jaxdl.visualize.gradient import in_batches
from jaxdl.visualize.inputs import Inputs
from jaxdl.visualize.subject import Subject

GRID_METHODS = (*METHODS, "gradcam")
TITLES = {"vanilla": "saliency", "smoothgrad": "SmoothGrad", "ig": "integrated gradients", "guided": "guided backprop"}


@dataclass(frozen=True)
class GridSettings(SaliencySettings):
    """The methods drawn as columns (each with the saliency settings' parameters), Grad-CAM's layer, images per figure,
    the figures' file name."""

    methods: tuple[str, ...] = ("vanilla", "smoothgrad", "gradcam")
    layer: str | None = None
    show: int = 5
    name: str = "attributions"


GRID_HELP = ATTRIBUTION_HELP | {
    "methods": "the figures' columns, one method each",
    "layer": "gradcam: " + ATTRIBUTION_HELP["layer"],
    "show": "images per figure (every image is drawn)",
    "name": "figures OUT/NAME_0.png, NAME_1.png, ... and the timing table OUT/NAME_seconds.{md,csv}",
}


def method_maps(subject: Subject, inputs: Inputs, settings: GridSettings, classes: np.ndarray, seed: int,
                progress: bool = True) -> tuple[dict[str, tuple[str, np.ndarray]], list[dict]]:
    """{method: (its title, its maps of every image)} and one timing row per method."""
    images = np.asarray(subject.to_normalized(inputs.pixels))
    maps, rows = {}, []
    for name in settings.methods:
        if name == "gradcam":
            method, layer = gradcam_method(subject, settings.layer, images)
            title = f"Grad-CAM {layer}"
        else:
            method, title = saliency_method(subject, replace(settings, method=name), seed), TITLES[name]
        start = time.perf_counter()
        maps[name] = title, in_batches(method, images, classes, inputs.names, settings.batch_size, progress, title)
        rows.append({"method": title, "images": len(images), "batch size": min(settings.batch_size, len(images)),
                     "seconds (compilation included)": round(time.perf_counter() - start, 1)})
    return maps, rows


def write_attribution_grid(subject: Subject, inputs: Inputs, settings: GridSettings, seed: int, out: Path,
                           progress: bool = True) -> tuple[list[Path], list[dict]]:
    """OUT/NAME_K.png (images K*show.. with every method's map; Grad-CAM laid over the image; palette PNGs) and
    OUT/NAME_seconds.{md,csv}; returns the figures' paths and the timing rows."""
    classes = explained_classes(subject, inputs, settings, progress)
    maps, rows = method_maps(subject, inputs, settings, classes, seed, progress)
    write_table(rows, out / f"{settings.name}_seconds")
    figures = []
    for k in range(0, len(inputs.pixels), settings.show):
        part = slice(k, k + settings.show)
        titles = [f"{i}: {subject.class_names[c][:18]}" for i, c in zip(range(k, len(classes)), classes[part])]
        columns = {title: overlay(inputs.pixels[part], m[part]) if name == "gradcam" else picture(name, m[part])
                   for name, (title, m) in maps.items()}
        path = out / f"{settings.name}_{k // settings.show}.png"
        figures.append(palette_png(attribution_figure(inputs.pixels[part], columns, titles, path, size=1.6)))
    return figures, rows
