"""What the bag of words sees: 15-Scene images, each 16-px patch coloured by its visual word, and the
patches that `--contrast 0.005` would zero (they all fall in one word: why the default threshold is 0).

    python scripts/bow_words_figure.py --root ../shared/data/15scene \\
        --vocabulary runs/bow/bow_cache/15scene-sift-s8-p16-c0.005-m300-k1000-n100000-seed0.npy --out docs/transfer/bow_words.png

The vocabulary is the k-means cache written by `jaxdl transfer --method bow`.
"""

import argparse
import sys
from pathlib import Path

import numpy as np

from jaxdl.figures import panels
from jaxdl.transfer import sift, words
from jaxdl.transfer.bow import BowOptions, gray

CLASSES = ("coast", "forest", "highway", "tallbuilding")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", type=Path, required=True, help="15-Scene folder (ROOT/test/CLASS/*.jpg)")
    parser.add_argument("--vocabulary", type=Path, required=True, help="cached k-means centres (.npy)")
    parser.add_argument("--contrast", type=float, default=0.005, help="low-contrast threshold shown (default 0.005)")
    parser.add_argument("--out", type=Path, default=Path("runs/bow/bow_words.png"))
    args = parser.parse_args(argv)
    options, centres = BowOptions(), np.load(args.vocabulary)
    dense, nearest = sift.dense_sift_fn(), words.nearest_fn()
    rows, titles = [], []
    for name in CLASSES:
        image = gray(sorted((args.root / "test" / name).glob("*.jpg"))[0].read_bytes(), options.max_side)
        descriptors = sift.dense_sift(dense, image, options.step, options.patch, args.contrast)
        grid = sift.grid_shape(*image.shape, options.step, options.patch)
        assigned = words.assign(nearest, sift.to_bytes(descriptors), centres)[0][:, 0].reshape(grid)
        flat = ~descriptors.any(axis=1).reshape(grid)
        rows.append([image, assigned, flat.astype(float)])
        distinct = f"{len(np.unique(assigned))} distinct words of {len(centres)}"
        titles.append([f"{name} (test)", distinct, f"low contrast: {flat.mean():.0%} of patches"])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    print(panels(rows, titles, args.out, cmaps=[None, "nipy_spectral", "gray"], size=2.2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
