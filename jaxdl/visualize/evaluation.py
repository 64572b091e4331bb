"""Are the attribution maps faithful, and do they depend on the network? `write_evaluation` runs the deletion and
insertion curves (jaxdl.visualize.faithfulness) and the cascading-randomisation sanity check (jaxdl.visualize.sanity)
for each method, as `jaxdl visualize evaluate` and `jaxdl run`'s visualize part write them: tables and figures."""

import warnings
from dataclasses import dataclass, replace
from pathlib import Path

import jax.numpy as jnp
import numpy as np
from tqdm.auto import tqdm

from jaxdl.errors import JaxdlError
from jaxdl.options import cli
from jaxdl.report import write_table
from jaxdl.visualize.attribution_outputs import AttributionSettings, explained_classes, gradcam_method
from jaxdl.visualize.evaluation_figure import correlation_figure, curves_figure, sanity_maps_figure
from jaxdl.visualize.faithfulness import area, baseline_images, deletion_insertion, step_counts
from jaxdl.visualize.inputs import Inputs
from jaxdl.visualize.pixel_maps import METHODS, MapSettings, check_methods, pixel_maps
from jaxdl.visualize.sanity import fresh_variables, layers_top_down, randomized, spearman
from jaxdl.visualize.subject import Subject


@dataclass(frozen=True)
class EvaluationSettings(MapSettings):
    """The class explained, the methods and their parameters, the curves' step and baseline, the sanity check's images."""

    target: int | None = cli(None, flag="--class")
    batch_size: int = 16
    methods: tuple[str, ...] = cli(METHODS, sep=",")
    curve_step: float = 0.02
    curve_baseline: str = "zeros"
    blur_sigma: float = 5.0
    sanity_images: int = 0
    sanity_show: int = 0


EVALUATION_HELP = {
    "target": "class index to explain for every image (default: its true label if known, else the prediction)",
    "batch_size": "images per jitted call",
    "methods": f"comma-separated attribution methods ({','.join(METHODS)}); random is the reference of the curves",
    "samples": "smoothgrad: noisy copies per image",
    "noise": "smoothgrad: noise std as a fraction of the image's range max-min",
    "steps": "ig: integration steps",
    "rule": "ig: quadrature rule (captum's names)",
    "layer": "gradcam: a named spatial layer (default: the last one larger than 1x1)",
    "curve_step": "fraction of the pixels removed/revealed per point of the curves (Petsiuk et al.: 1/224)",
    "curve_baseline": "what removed pixels become (deletion) and the image insertion starts from",
    "blur_sigma": "blur baseline: Gaussian std in pixels",
    "sanity_images": "the sanity check uses the first SANITY_IMAGES images (0: all)",
    "sanity_show": "the image whose maps the sanity figure shows",
}


def faithfulness(subject: Subject, inputs: Inputs, classes: np.ndarray, maps: dict[str, np.ndarray],
                 settings: EvaluationSettings, progress: bool = True) -> tuple[np.ndarray, dict[str, tuple[np.ndarray, np.ndarray]]]:
    """(pixels changed at each point, {method: (deletion N,T, insertion N,T)}) of every method's maps."""
    images = np.asarray(subject.to_normalized(inputs.pixels))
    baselines = np.asarray(subject.to_normalized(baseline_images(settings.curve_baseline, inputs.pixels, settings.blur_sigma)))
    counts = step_counts(images.shape[1] * images.shape[2], settings.curve_step)
    size = min(settings.batch_size, len(images))
    curves = {}
    for method, method_maps in tqdm(maps.items(), desc="deletion/insertion", disable=not progress):
        parts = []
        for start in range(0, len(images), size):
            rows = np.arange(start, min(start + size, len(images)))
            index = np.resize(rows, size)  # a short last batch repeats its rows (one shape, one compilation); dropped
            out = deletion_insertion(subject.model, subject.variables, jnp.asarray(images[index]),
                                     jnp.asarray(baselines[index]), jnp.asarray(method_maps[index]),
                                     jnp.asarray(classes[index]), jnp.asarray(counts))
            parts.append([np.asarray(curve)[: len(rows)] for curve in out])
        curves[method] = tuple(np.concatenate([part[i] for part in parts]) for i in (0, 1))
    return counts, curves


def mean_spearman(trained: np.ndarray, now: np.ndarray) -> float:
    """The mean over images of the Spearman correlation of their maps (constant maps, which have none, left out; NaN when
    every map is constant)."""
    values = np.asarray(spearman(jnp.asarray(trained), jnp.asarray(now)))
    defined = values[~np.isnan(values)]
    return float(defined.mean()) if defined.size else float("nan")


def sanity(subject: Subject, inputs: Inputs, classes: np.ndarray, maps: dict[str, np.ndarray],
           settings: EvaluationSettings, seed: int, progress: bool = True) -> tuple[list[dict], dict[str, list[np.ndarray]]]:
    """(one row per randomisation depth: the layer randomised down to and each method's mean Spearman correlation with
    its trained map, and of their magnitudes for signed maps (integrated gradients), as Adebayo et al. report both;
    {method: the shown image's map at each depth}) over the first `sanity_images` images."""
    count = settings.sanity_images or len(inputs.pixels)
    images = np.asarray(subject.to_normalized(inputs.pixels[:count]))
    methods = [m for m in maps if m != "random"]
    fresh = fresh_variables(subject.model, jnp.asarray(images), seed + 1)
    layers = layers_top_down(subject.model, subject.variables, jnp.asarray(images))
    shown = {m: [maps[m][settings.sanity_show]] for m in methods}
    signed = [m for m in methods if (maps[m] < 0).any()]
    rows = [{"randomised": "none (trained)", "layers": 0} | {name: 1.0 for m in methods for name in
                                                             ([m, f"{m}_abs"] if m in signed else [m])}]
    for depth in tqdm(range(1, len(layers) + 1), desc="sanity (cascading randomisation)", disable=not progress):
        variables = randomized(subject.variables, fresh, layers, depth)
        row = {"randomised": layers[depth - 1], "layers": depth}
        for method in methods:
            with warnings.catch_warnings():  # randomised SqueezeNets zero many class logits: the NaN rows say so
                warnings.simplefilter("ignore")
                now = pixel_maps(subject, variables, method, images, classes[:count], inputs.names[:count], settings,
                                 settings.batch_size, seed, progress=False)
            row[method] = mean_spearman(maps[method][:count], now)
            if method in signed:
                row[f"{method}_abs"] = mean_spearman(np.abs(maps[method][:count]), np.abs(now))
            shown[method].append(now[settings.sanity_show])
        rows.append(row)
    return rows, shown


def write_evaluation(subject: Subject, inputs: Inputs, settings: EvaluationSettings, seed: int, out: Path,
                     progress: bool = True) -> tuple[list[dict], list[dict], list[Path]]:
    """OUT/faithfulness.{md,csv,png}, OUT/sanity.{md,csv}, OUT/sanity_maps.png, OUT/sanity_correlation.png; returns the
    faithfulness rows (mean areas per method), the sanity rows and the figures."""
    methods = check_methods(settings.methods)
    step_counts(1, settings.curve_step)
    baseline_images(settings.curve_baseline, inputs.pixels[:1], settings.blur_sigma)  # bad options fail before any work
    images = np.asarray(subject.to_normalized(inputs.pixels))
    settings = replace(settings, layer=gradcam_method(subject, settings.layer or None, images)[1])  # checked, resolved once
    if not 0 <= settings.sanity_show < (settings.sanity_images or len(images)):
        raise JaxdlError(f"sanity_show {settings.sanity_show} is not one of the sanity check's images "
                         f"(0..{(settings.sanity_images or len(images)) - 1})")
    classes = explained_classes(subject, inputs, AttributionSettings(settings.target, settings.batch_size), progress)
    maps = {m: pixel_maps(subject, subject.variables, m, images, classes, inputs.names, settings, settings.batch_size,
                          seed, progress) for m in methods}
    counts, curves = faithfulness(subject, inputs, classes, maps, settings, progress)
    areas = {m: (area(d, counts), area(i, counts)) for m, (d, i) in curves.items()}
    random = areas.get("random")
    rows = [{"network": subject.name, "method": m, "images": len(images), "deletion_auc": float(d.mean()),
             "insertion_auc": float(i.mean())}
            | ({} if random is None else {"beats_random": "" if m == "random" else
                                         "both" if d.mean() < random[0].mean() and i.mean() > random[1].mean() else "NO"})
            for m, (d, i) in areas.items()]
    write_table(rows, out / "faithfulness")
    title = f"{subject.name}, {len(images)} images, baseline {settings.curve_baseline}"
    figures = [curves_figure(counts / counts[-1], curves, title, out / "faithfulness.png")]
    sanity_rows, shown = sanity(subject, inputs, classes, maps, settings, seed, progress)
    write_table(sanity_rows, out / "sanity")
    columns = ["trained"] + [f"-> {row['randomised']}" for row in sanity_rows[1:]]
    pixels = inputs.pixels[settings.sanity_show]
    figures += [sanity_maps_figure(pixels, shown, columns, out / "sanity_maps.png"),
                correlation_figure(sanity_rows, list(sanity_rows[0])[2:], f"{subject.name}: cascading randomisation",
                                   out / "sanity_correlation.png")]
    return rows, sanity_rows, figures
