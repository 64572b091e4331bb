"""Dense descriptors per second on 15-Scene images: jaxdl's jitted dense SIFT vs scikit-image's options,
and word assignment: jaxdl's jitted nearest-centre search vs scikit-learn's.

    nice -n 10 python scripts/bench_sift.py --root ../shared/data/15scene --images 20

scikit-image has no dense SIFT: `SIFT` detects its own keypoints (a few hundred per scene, fewer than a
dense grid), `daisy` and `hog` are dense but other descriptors; they are timed on the same gray images
(long side <= 300) at the same 8-pixel step for reference. Median of interleaved runs; writes OUT/bench_sift.{md,csv}.
"""

import argparse
import statistics
import sys
from pathlib import Path

import jax
import numpy as np
from skimage.feature import SIFT, daisy, hog
from sklearn.metrics import pairwise_distances_argmin

from jaxdl.bench import interleaved_rates
from jaxdl.report import markdown_table, write_table
from jaxdl.transfer import sift, words
from jaxdl.transfer.bow import gray


def gray_images(root: Path, count: int) -> list[np.ndarray]:
    """The first `count` training images (sorted paths) as gray [0, 1] arrays, long side <= 300."""
    return [gray(path.read_bytes(), 300) for path in sorted((root / "train").rglob("*.jpg"))[:count]]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", type=Path, required=True, help="15-Scene folder (ROOT/train/CLASS/*.jpg)")
    parser.add_argument("--images", type=int, default=20, help="images per timed run (default 20)")
    parser.add_argument("--repeats", type=int, default=5, help="timed runs, median reported (default 5)")
    parser.add_argument("--out", type=Path, default=Path("runs/bench"))
    args = parser.parse_args(argv)
    images = gray_images(args.root, args.images)
    fn = sift.dense_sift_fn()
    counts = {
        "jaxdl dense SIFT (16 px, step 8)": sum(len(sift.dense_sift(fn, im)) for im in images),
        "skimage daisy (step 8, radius 8)": sum(np.prod(daisy(im, step=8, radius=8).shape[:2]) for im in images),
        "skimage hog (8 px cells, 2x2 blocks)": sum(np.prod(hog(im, 8, (8, 8), (2, 2), feature_vector=False).shape[:2]) for im in images),
        "skimage SIFT (keypoints, not dense)": 0,
    }

    def skimage_sift():
        for im in images:
            detector = SIFT()
            detector.detect_and_extract(im)
            counts["skimage SIFT (keypoints, not dense)"] = len(detector.descriptors)

    calls = {
        "jaxdl dense SIFT (16 px, step 8)": lambda: [sift.dense_sift(fn, im) for im in images],
        "skimage daisy (step 8, radius 8)": lambda: [daisy(im, step=8, radius=8) for im in images],
        "skimage hog (8 px cells, 2x2 blocks)": lambda: [hog(im, 8, (8, 8), (2, 2), feature_vector=False) for im in images],
        "skimage SIFT (keypoints, not dense)": skimage_sift,
    }
    rates = interleaved_rates(calls, 1, args.repeats, warmup=1)
    rows = [
        {"what": name, "ms_per_image": 1000 / statistics.median(rates[name]) / len(images), "descriptors_per_image": counts[name] / len(images)}
        for name in calls
    ]
    rng = np.random.default_rng(0)
    descriptors = rng.random((65_536, sift.DIM), dtype=np.float32)
    centres = rng.random((1000, sift.DIM), dtype=np.float32)
    nearest = words.nearest_fn()
    assign = {
        "jaxdl assign (jitted, 65,536 x 1,000 words)": lambda: words.assign(nearest, descriptors, centres),
        "sklearn pairwise_distances_argmin (same)": lambda: pairwise_distances_argmin(descriptors, centres),
    }
    rates = interleaved_rates(assign, 1, args.repeats, warmup=1)
    units = len(descriptors) / 961  # in images of 961 descriptors (256x256 px)
    rows += [{"what": name, "ms_per_image": 1000 / statistics.median(rates[name]) / units, "descriptors_per_image": 961} for name in assign]
    md, _ = write_table(rows, args.out / "bench_sift")
    print(f"{jax.devices()[0].platform}, {args.images} images, median of {args.repeats}")
    print(markdown_table(rows), end="")
    print(f"written: {md} (+ .csv)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
