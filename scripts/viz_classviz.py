"""Class visualizations of the course's targets with the real SqueezeNet 1.0: the course's method and the Fourier one.

    python scripts/viz_classviz.py                       # all parts, then the figures and table in docs/visualize
    python scripts/viz_classviz.py --part course --targets 76 78 &  python scripts/viz_classviz.py --part image &
    ... (any split of the targets, each part in its own process); wait; python scripts/viz_classviz.py --part report

Parts: `course` (the course's targets 76, 78, 187, 683, 366, 604, 113 from noise, course method), `image`
(target 113 from image 0 of imagenet_val_25.npz, course method), `fourier` (the same targets from noise,
Fourier parametrisation); each saves its result to RUNS/PART-TARGETS.npz, so parts and subsets of the targets
can run in parallel processes (the noise of a target depends on the subset it was drawn with).
`report` writes classviz_noise.png (both methods side by side), classviz_image.png, classviz_course.gif
and the table classviz_table.md/.csv under --out.
"""

import argparse
from dataclasses import asdict, replace
from pathlib import Path

import jax.numpy as jnp
import numpy as np

from jaxdl.figures import panels
from jaxdl.keys import prng_key
from jaxdl.report import write_table
from jaxdl.visualize.ascent import Visualization
from jaxdl.visualize.classviz import COURSE_TARGETS, CourseSettings, visualize_classes
from jaxdl.visualize.classviz_outputs import palette_png, pictures, save_animation, save_figure, scores
from jaxdl.visualize.fourier import FourierSettings, fourier_visualize
from jaxdl.visualize.inputs import load_npz
from jaxdl.visualize.subject import Subject, imagenet_subject

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"
PARTS = ("course", "image", "fourier")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--part", choices=(*PARTS, "report", "all"), default="all")
    parser.add_argument("--weights", type=Path, default=SHARED / "weights" / "squeezenet1_0-imagenet-dc.safetensors")
    parser.add_argument("--images", type=Path, default=SHARED / "data" / "imagenet_val_25.npz")
    parser.add_argument("--targets", type=int, nargs="+", default=COURSE_TARGETS, help="course / fourier parts: these targets")
    parser.add_argument("--iters", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--gif-size", type=int, default=64, help="pixels per image in the GIF (default 64: < 1 MB)")
    parser.add_argument("--runs", type=Path, default=Path("runs/classviz"), help="folder of each part's results")
    parser.add_argument("--out", type=Path, default=Path("docs/visualize"), help="folder of the figures and table")
    parser.add_argument("--no-progress", dest="progress", action="store_false")
    return parser.parse_args()


def run_part(part: str, args: argparse.Namespace, subject: Subject) -> Visualization:
    """One part's class visualization (see the module docstring)."""
    key, course = prng_key(args.seed), CourseSettings(iterations=args.iters)
    if part == "course":
        return visualize_classes(subject, args.targets, key, settings=course, progress=args.progress)
    if part == "image":
        start = subject.to_normalized(jnp.asarray(load_npz(args.images).pixels[:1]))
        return visualize_classes(subject, [113], key, init=start, settings=course, progress=args.progress)
    return fourier_visualize(subject, args.targets, key, replace(FourierSettings(), iterations=args.iters),
                             progress=args.progress)


def load_part(runs: Path, part: str) -> Visualization | None:
    """A part's saved results, its target subsets joined in the course's target order (None if not run)."""
    pieces = [np.load(path) for path in sorted(runs.glob(f"{part}-*.npz"))]
    if not pieces:
        return None
    order = np.argsort([COURSE_TARGETS.index(t) if t in COURSE_TARGETS else t for t in np.concatenate([p["targets"] for p in pieces])])
    return Visualization(np.concatenate([p["images"] for p in pieces])[order],
                         np.concatenate([p["frames"] for p in pieces], axis=1)[:, order],
                         np.concatenate([p["targets"] for p in pieces])[order],
                         np.concatenate([p["zero_steps"] for p in pieces])[order])


def report(args: argparse.Namespace, subject: Subject) -> None:
    """Figures and table from the saved parts."""
    parts = {part: result for part in PARTS if (result := load_part(args.runs, part)) is not None}
    labels = {"course": ("course", "noise"), "image": ("course", "image 0"), "fourier": ("fourier", "noise")}
    rows = [{"method": labels[p][0], "start": labels[p][1], **r} for p in parts for r in scores(subject, parts[p])]
    save_figure(subject, [(p, parts[p]) for p in ("course", "fourier") if p in parts], args.out / "classviz_noise.png")
    save_animation(subject, parts["course"], args.out / "classviz_course.gif", size=args.gif_size, ms_per_frame=300, every=2)
    snail, image = parts["image"], load_npz(args.images).pixels[0]
    shown = (len(snail.frames) // 4, len(snail.frames) // 2, len(snail.frames) - 1)  # frame i: after 10 i iterations
    palette_png(panels([[image, *(pictures(subject, snail.frames[i, 0]) for i in shown)]],
                       [["image 0"] + [f"{10 * i} iterations" for i in shown]], args.out / "classviz_image.png", size=2.2,
                       suptitle=f"image 0 -> class 113 ({subject.class_names[113]}), course method"))
    md, _ = write_table(rows, args.out / "classviz_table")
    print(md.read_text(), end="")


def main() -> None:
    args = parse_args()
    args.runs.mkdir(parents=True, exist_ok=True)
    args.out.mkdir(parents=True, exist_ok=True)
    subject = imagenet_subject("squeezenet1_0", args.weights)
    for part in PARTS if args.part == "all" else (args.part,) if args.part != "report" else ():
        result = run_part(part, args, subject)
        np.savez_compressed(args.runs / f"{part}-{'_'.join(map(str, result.targets))}.npz", **asdict(result))
    if args.part in ("report", "all"):
        report(args, subject)


if __name__ == "__main__":
    main()
