"""The GAN practical as one experiment: `run(config, out)` trains each network of the config (DCGAN, cDCGAN) on its
data and writes samples, their evolution, losses, interpolations and measured quality; `jaxdl gan`, `jaxdl run` and
the notebook call it.

Each network keeps its Orbax checkpoints and history under OUT/MODEL, so an interrupted run resumes there
bit-identically and a finished one trains nothing again.
"""

from pathlib import Path

from jaxdl import parallel
from jaxdl.gan.config import GanConfig, dataset
from jaxdl.gan.figures import evolution_gif
from jaxdl.gan.train import fit
from jaxdl.report import Headline, Result
from jaxdl.training import epoch_records


def run(config: GanConfig, out: str | Path, progress: bool = True) -> Result:
    """Train (or resume) each model in OUT/MODEL; per model the last sample grid, the GIF, the losses, the
    interpolation and the per-epoch quality table."""
    out, data, result = Path(out), dataset(config), Result()
    result.headline = Headline("last epoch: Frechet distance (lower is better), conditional accuracy %", {},
                               f"{config.data}, {config.epochs} epochs, {config.eval_samples} samples scored")
    for model in config.models:
        conditional = model == "cdcgan"
        epochs = epoch_records(fit(config, out / model, conditional, data, progress=progress)[1])
        last = epochs[-1] if epochs else {}  # no scores without a scoring classifier (eval_samples 0, unlabelled data)
        result.headline.values |= {f"{model} {name}": scale * last[key] for key, name, scale in
                                   (("frechet", "Frechet", 1), ("cond_acc", "cond. acc", 100)) if key in last}
        result.headline.reference |= {"Frechet floor": last["frechet_real"]} if "frechet_real" in last else {}
        if parallel.primary():
            evolution_gif(out / model)
        rows = "one row per class, " if conditional else ""
        result.figures += [(f"{model}: samples after epoch {config.epochs} ({rows}fixed z)",
                            f"{model}/samples/epoch_{config.epochs:03d}.png"),
                           (f"{model}: the fixed-z samples as training goes (all epochs: {model}/samples.gif)",
                            f"{model}/evolution.gif"),
                           (f"{model}: discriminator and generator losses", f"{model}/losses.png"),
                           (f"{model}: interpolation between random z", f"{model}/interpolation.png")]
        result.tables.append((f"{model} on {config.data}: quality per epoch (Frechet distance and accuracy in a "
                              "scoring classifier's space; frechet_real = real held-out images, the floor)", epochs))
    return result
