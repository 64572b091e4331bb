"""The visualization practical as one experiment: `run(config, out)` writes saliency and Grad-CAM maps for each image's
class, their evaluation (deletion/insertion curves, the sanity check on the first 4 images), robustness curves, the
course's fooling images and its class visualizations, through the same functions as `jaxdl visualize` saliency,
gradcam, evaluate, robustness, adversarial and classviz (same files, same arrays).

The network is the embedded digits CNN (its test digits as images) or, with `arch = "squeezenet1_0"` and
`inputs = [...]`, an ImageNet network on image files or an .npz (the course's 25 ImageNet images).
"""

from pathlib import Path

from jaxdl.report import Headline, Result
from jaxdl.visualize.adversarial_outputs import AttackSettings, write_attack
from jaxdl.visualize.attribution_outputs import GradcamSettings, SaliencySettings, write_gradcam, write_saliency
from jaxdl.visualize.classviz_outputs import ClassvizSettings, write_classviz
from jaxdl.visualize.config import VisualizeConfig, course_fooling_target, course_targets, image_shape, subject_of
from jaxdl.visualize.evaluation import EvaluationSettings, write_evaluation
from jaxdl.visualize.robustness_outputs import write_robustness


def run(config: VisualizeConfig, out: str | Path, progress: bool = True) -> Result:
    """Saliency and Grad-CAM for each image's class, their evaluation, fooling images, class visualizations and robustness
    curves; their figures and tables."""
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    subject, inputs, note = subject_of(config, progress)
    result = Result(notes=[note] if note else [])
    if note:
        print(f"visualize: {note}", flush=True)
    result.notes.append(f"network: {subject.name}; {len(inputs.pixels)} images; classes: "
                        f"{'true labels' if inputs.labels is not None else 'predicted'}")
    saliency, _ = write_saliency(subject, inputs, SaliencySettings(), config.seed, folder, progress)
    gradcam, _ = write_gradcam(subject, inputs, GradcamSettings(), folder, progress)
    result.figures += [("saliency (|d logit / dx|, max over channels) for each image's class", saliency.name),
                       (f"Grad-CAM at {gradcam.stem.removeprefix('gradcam_')}", gradcam.name)]
    faithful, sanity, _ = write_evaluation(subject, inputs, EvaluationSettings(sanity_images=4), config.seed, folder, progress)
    result.tables += [("faithfulness of the maps: mean area under the deletion (lower is better) and insertion (higher) "
                       "curves", faithful),
                      ("sanity check: Spearman correlation of each map with the trained network's, layers re-initialised "
                       "from the top", sanity)]
    result.figures += [("deletion and insertion curves, mean over the images", "faithfulness.png"),
                       ("the maps of image 0 as layers are re-initialised from the top", "sanity_maps.png"),
                       ("Spearman correlation with the trained network's maps", "sanity_correlation.png")]
    fooling = AttackSettings(target=config.fooling_target, iters=config.fooling_steps)
    summary = write_attack(subject, inputs, fooling, course_fooling_target(config), config.seed, folder, progress)
    result.tables.append(("fooling images (normalised space, x += g / ||g||_2 until the target wins)", [summary]))
    result.figures.append(("fooling images: original, fooled, difference x10", "adversarial_fooling.png"))
    result.headline = Headline("fooling images: fooled %, mean steps", {"fooled": 100 * summary["success rate"], "mean steps":
                               summary["mean steps"]}, f"{subject.name}, {summary['images']} images, <= {config.fooling_steps} steps")
    classviz = ClassvizSettings(iters=config.classviz_iterations)
    targets = config.classviz_targets or course_targets(config)
    rows = write_classviz(subject, targets, classviz, image_shape(config), config.seed, folder, progress=progress)
    result.tables.append((f"class visualizations after {config.classviz_iterations} iterations", rows))
    result.figures += [(f"class visualizations after {config.classviz_iterations} iterations", "classviz.png"),
                       ("the ascent, a frame every 10 iterations", "classviz.gif")]
    robust_config, robust_settings = config.robustness()
    _, robust_inputs, _ = subject_of(robust_config, progress)
    rows, figure = write_robustness(subject, robust_inputs, robust_settings, config.seed, folder, progress)
    result.tables.append((f"robust accuracy against eps, {len(robust_inputs.pixels)} images (untargeted)", rows))
    result.figures.append(("robust accuracy against eps", figure.name))
    return result
