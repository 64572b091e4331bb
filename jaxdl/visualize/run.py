"""The visualization practical as `jaxdl run` does it: `run(config, out)` draws saliency, Grad-CAM, fooling images
and class visualizations of the config's network and images.

The network is the embedded digits CNN (its test digits as images) or, with `arch = "squeezenet1_0"` and
`inputs = [...]`, an ImageNet network on image files or an .npz (the course's 25 ImageNet images).
"""

from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np

from jaxdl.figures import image_grid, panels, save_gif
from jaxdl.keys import prng_key
from jaxdl.report import Result
from jaxdl.visualize.attribution_figure import heat, overlay
from jaxdl.visualize.classviz import COURSE_TARGETS, CourseSettings, visualize_classes
from jaxdl.visualize.config import VisualizeConfig, subject_of
from jaxdl.visualize.fooling import make_fooling
from jaxdl.visualize.gradcam import gradcam, last_spatial_layer
from jaxdl.visualize.inputs import Inputs
from jaxdl.visualize.saliency import saliency
from jaxdl.visualize.subject import DIGITS, Subject


def pixels(subject: Subject, normalized: jax.Array) -> np.ndarray:
    """Normalised images back to displayable pixels in [0, 1]."""
    return np.clip(np.asarray(subject.to_pixels(normalized)), 0, 1)


def attribution_rows(subject: Subject, inputs: Inputs, images: jax.Array, classes: jax.Array, path: Path) -> str:
    """Image, saliency and Grad-CAM (at the last spatial layer) of each image for its class; returns the layer."""
    maps, _ = saliency(subject.model, subject.variables, images, classes)
    layer = last_spatial_layer(subject.model, subject.variables, images[:1])
    cams, _ = gradcam(subject.model, subject.variables, images, classes, layer)
    names, heats, overlays = subject.class_names, heat(maps), overlay(inputs.pixels, np.asarray(cams))
    rows = [[inputs.pixels[i], heats[i], overlays[i]] for i in range(len(images))]
    titles = [[f"{inputs.names[i]}: {names[int(classes[i])]}", "saliency", f"Grad-CAM {layer}"] for i in range(len(images))]
    panels(rows, titles, path, cmaps=[None, "hot", None])
    return layer


def fooling_rows(subject: Subject, images: jax.Array, target: int, max_iter: int, path: Path) -> dict:
    """The course's fooling images towards `target`: original, fooled and 10x their difference; success and steps."""
    fooled, steps, success = make_fooling(subject.logits)(subject.variables, images, jnp.full(len(images), target),
                                                          max_iter=max_iter)
    before, after = pixels(subject, images), pixels(subject, fooled)
    predicted = np.asarray(subject.logits(subject.variables, fooled).argmax(-1))
    names = subject.class_names
    rows = [[before[i], after[i], np.clip(0.5 + 10 * (after[i] - before[i]), 0, 1)] for i in range(len(images))]
    titles = [["original", f"-> {names[int(predicted[i])]} ({int(steps[i])} steps)", "difference x10"] for i in range(len(images))]
    panels(rows, titles, path)
    return {"target": names[target], "images": len(images), "fooled": int(np.sum(success)),
            "mean steps": float(np.mean(steps)), "max steps": max_iter}


def class_visualizations(subject: Subject, targets: list[int], shape: tuple[int, int, int],
                         config: VisualizeConfig, folder: Path, progress: bool) -> None:
    """The course's class visualization of each target from noise: final images (PNG) and their ascent (GIF)."""
    course = CourseSettings(iterations=config.classviz_iterations, max_jitter=round(16 * shape[0] / 224))
    result = visualize_classes(subject, targets, prng_key(config.seed), settings=course, shape=shape,
                               progress=progress)
    final = pixels(subject, result.images)
    panels([list(final)], [[subject.class_names[t] for t in targets]], folder / "classviz.png")
    frames = [image_grid(pixels(subject, frame) * 2 - 1, len(targets)) for frame in result.frames]
    save_gif(frames, folder / "classviz.gif", ms_per_frame=200)


def run(config: VisualizeConfig, out: str | Path, progress: bool = True) -> Result:
    """Saliency and Grad-CAM for each image's class, fooling images, class visualizations; figures and a fooling table."""
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    subject, inputs = subject_of(config)
    images = jnp.asarray(subject.to_normalized(inputs.pixels))
    predicted = np.asarray(subject.logits(subject.variables, images).argmax(-1))
    classes = jnp.asarray(predicted if inputs.labels is None else inputs.labels)
    result = Result(notes=[f"network: {subject.name}; {len(images)} images; classes: "
                           f"{'true labels' if inputs.labels is not None else 'predicted'}"])
    layer = attribution_rows(subject, inputs, images, classes, folder / "attributions.png")
    result.figures.append((f"saliency (|d logit / dx|, max over channels) and Grad-CAM at {layer}", "attributions.png"))
    fooling = fooling_rows(subject, images, config.fooling_target, config.fooling_steps, folder / "fooling.png")
    result.tables.append(("fooling images (normalised space, x += g / ||g||_2 until the target wins)", [fooling]))
    result.figures.append((f"fooling images towards {fooling['target']}", "fooling.png"))
    targets = config.classviz_targets or (list(range(10)) if config.arch == DIGITS else list(COURSE_TARGETS))
    class_visualizations(subject, targets, tuple(images.shape[1:]), config, folder, progress)
    result.figures.append((f"class visualizations after {config.classviz_iterations} iterations", "classviz.png"))
    result.figures.append(("the ascent, a frame every 10 iterations", "classviz.gif"))
    return result
