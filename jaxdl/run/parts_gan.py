"""The GAN part: a DCGAN (and a conditional DCGAN) with sample grids, their GIF, loss curves and measured quality.

Default: the embedded digits at 32x32; `data`/`root` take `jaxdl gan`'s sources (mnist, fashion_mnist, a folder).
`jaxdl.gan.train.fit` keeps Orbax checkpoints under the part's folder: an interrupted run resumes bit-identically.
"""

from pathlib import Path

import numpy as np
from PIL import Image

from jaxdl.figures import save_gif
from jaxdl.gan.train import GanConfig, fit
from jaxdl.run.runner import Result
from jaxdl.run.settings import GanPart
from jaxdl.training import epoch_records

GIF_FRAMES = 10  # the report's GIF: fit's samples.gif has every epoch at twice the size (11 MB for 40 epochs)


def evolution_gif(run: Path, frames: int = GIF_FRAMES) -> Path:
    """A light GIF for the report: about `frames` of the per-epoch grids (the last included), at their own size."""
    grids = sorted((run / "samples").glob("epoch_*.png"))
    chosen = grids[::-(-len(grids) // frames)]
    chosen += grids[-1:] if chosen[-1] != grids[-1] else []
    return save_gif([np.asarray(Image.open(path))[::2, ::2] for path in chosen], run / "evolution.gif")  # saved 2x: undo


def gan_part(settings: GanPart, folder: Path, progress: bool) -> Result:
    """Train one GAN per `conditional` value; per run the last sample grid, the GIF, the losses and the quality table."""
    result = Result()
    for conditional in settings.conditional:
        name = "cdcgan" if conditional else "dcgan"
        config = GanConfig(data=settings.data, root=settings.root or None, conditional=conditional,
                           epochs=settings.epochs, batch_size=settings.batch_size, seed=settings.seed,
                           eval_samples=settings.eval_samples, scorer_epochs=settings.scorer_epochs,
                           out=str(folder / name))
        epochs = epoch_records(fit(config)[1])
        evolution_gif(folder / name)
        last = f"{name}/samples/epoch_{settings.epochs:03d}.png"
        rows = "one row per class, " if conditional else ""
        result.figures += [(f"{name}: samples after epoch {settings.epochs} ({rows}fixed z)", last),
                           (f"{name}: the fixed-z samples as training goes (all epochs: {name}/samples.gif)", f"{name}/evolution.gif"),
                           (f"{name}: discriminator and generator losses", f"{name}/losses.png"),
                           (f"{name}: interpolation between random z", f"{name}/interpolation.png")]
        result.tables.append((f"{name} on {settings.data}: quality per epoch (Frechet distance and accuracy in a "
                              "scoring classifier's space; frechet_real = real held-out images, the floor)", epochs))
    return result
