"""The GAN report's light animation of the per-epoch sample grids."""

from pathlib import Path

import numpy as np
from PIL import Image

from jaxdl.figures import save_gif

GIF_FRAMES = 10  # fit's samples.gif has every epoch at twice the size (11 MB for 40 epochs)


def evolution_gif(run: Path, frames: int = GIF_FRAMES) -> Path:
    """RUN/evolution.gif: about `frames` of the per-epoch grids (the last included), at their own size."""
    grids = sorted((run / "samples").glob("epoch_*.png"))
    chosen = grids[::-(-len(grids) // frames)]
    chosen += grids[-1:] if chosen[-1] != grids[-1] else []
    return save_gif([np.asarray(Image.open(path))[::2, ::2] for path in chosen], run / "evolution.gif")  # saved 2x: undo
