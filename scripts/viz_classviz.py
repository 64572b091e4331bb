"""Class visualizations of the course's targets with the real SqueezeNet 1.0: the course's method and the Fourier one.

    python scripts/viz_classviz.py                       # ../shared weights and images, figures to docs/visualize

From noise: the course's targets (76, 78, 187, 683, 366, 604, 113), course method and Fourier
parametrisation side by side; from image 0 of imagenet_val_25.npz: target 113 by the course's method.
Writes classviz_noise.png, classviz_image.png, classviz_course.gif and the table classviz_table.md/.csv.
"""

import argparse
from dataclasses import replace
from pathlib import Path

import jax.numpy as jnp

from jaxdl.figures import panels
from jaxdl.keys import prng_key
from jaxdl.report import write_table
from jaxdl.visualize.classviz import COURSE_TARGETS, CourseSettings, course_ascent, visualize_classes
from jaxdl.visualize.classviz_outputs import pictures, save_animation, save_figure, scores
from jaxdl.visualize.fourier import FourierSettings, fourier_visualize
from jaxdl.visualize.inputs import load_npz
from jaxdl.visualize.subject import imagenet_subject

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--weights", type=Path, default=SHARED / "weights" / "squeezenet1_0-imagenet-dc.safetensors")
    parser.add_argument("--images", type=Path, default=SHARED / "data" / "imagenet_val_25.npz")
    parser.add_argument("--iters", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--gif-size", type=int, default=96, help="pixels per image in the GIF (default 96, < 1 MB)")
    parser.add_argument("--out", type=Path, default=Path("docs/visualize"))
    parser.add_argument("--no-progress", dest="progress", action="store_false")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    subject = imagenet_subject("squeezenet1_0", args.weights)
    course = CourseSettings(iterations=args.iters)
    advance = course_ascent(subject.logits, course.sigma)
    rows = []

    noise = visualize_classes(subject, COURSE_TARGETS, prng_key(args.seed), settings=course, progress=args.progress,
                              advance=advance)
    rows += [{"method": "course", "start": "noise", **r} for r in scores(subject, noise)]
    save_figure(subject, [("course", noise)], args.out / "classviz_noise.png")
    save_animation(subject, noise, args.out / "classviz_course.gif", size=args.gif_size)

    image = load_npz(args.images).pixels[:1]
    start = subject.to_normalized(jnp.asarray(image))
    snail = visualize_classes(subject, [113], prng_key(args.seed), init=start, settings=course, progress=args.progress,
                              advance=advance)
    rows += [{"method": "course", "start": "image 0", **r} for r in scores(subject, snail)]
    shown = (len(snail.frames) // 4, len(snail.frames) // 2, len(snail.frames) - 1)  # frame i: after 10 i iterations
    panels([[image[0], *(pictures(subject, snail.frames[i, 0]) for i in shown)]],
           [["image 0"] + [f"{10 * i} iterations" for i in shown]], args.out / "classviz_image.png", size=2.2,
           suptitle=f"image 0 -> class 113 ({subject.class_names[113]}), course method")
    write_table(rows, args.out / "classviz_table")

    fourier = fourier_visualize(subject, COURSE_TARGETS, prng_key(args.seed), replace(FourierSettings(), iterations=args.iters),
                                progress=args.progress)
    rows += [{"method": "fourier", "start": "noise", **r} for r in scores(subject, fourier)]
    save_figure(subject, [("course", noise), ("fourier", fourier)], args.out / "classviz_noise.png")
    md, _ = write_table(rows, args.out / "classviz_table")
    print(md.read_text(), end="")


if __name__ == "__main__":
    main()
