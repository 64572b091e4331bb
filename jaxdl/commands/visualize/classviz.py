"""`jaxdl visualize classviz`: images that maximise a class score, by the course's method or the Fourier parametrisation."""

import argparse
from dataclasses import dataclass, replace

import jax.numpy as jnp

from jaxdl.commands.visualize.common import DIGITS, SKIP, SubjectOptions, load_subject, subject_and_inputs
from jaxdl.commands.visualize.common import HELP as SUBJECT_HELP
from jaxdl.errors import JaxdlError
from jaxdl.keys import prng_key
from jaxdl.options import add_fields, from_args
from jaxdl.report import write_table
from jaxdl.visualize.classviz import COURSE_TARGETS, CourseSettings, visualize_classes
from jaxdl.visualize.classviz_outputs import save_animation, save_figure, scores
from jaxdl.visualize.fourier import FourierSettings, fourier_visualize
from jaxdl.visualize.inputs import check_class

EXAMPLE = """examples:
  jaxdl visualize classviz                      # each digit of the embedded digits CNN, from noise
  jaxdl visualize classviz --arch squeezenet1_0 --weights ../shared/weights/squeezenet1_0-imagenet-dc.safetensors \\
      --target 76 113 --param fourier --out runs/classviz
  jaxdl visualize classviz --arch squeezenet1_0 --weights ... --init image --target 113 ../shared/data/imagenet_val_25.npz
SqueezeNet's logits pass a ReLU: a class whose map is all negative has no gradient (the table counts those steps)."""


@dataclass(frozen=True)
class ClassvizOptions(SubjectOptions):
    """`visualize classviz`: the classes, the start and parametrisation, the ascent's settings, GIF frames, seed."""

    target: tuple[int, ...] | None = None
    init: str = "noise"
    param: str = "course"
    iters: int = 200
    lr: float | None = None
    l2_reg: float = 1e-3
    blur_every: int = 10
    sigma: float = 0.5
    max_jitter: int | None = None
    frame_every: int = 10
    seed: int = 0


HELP = SUBJECT_HELP | {
    "target": f"class indices (default: ImageNet {' '.join(map(str, COURSE_TARGETS))}, the course's; digits 0..9)",
    "init": "N(0, 1) noise in normalised space, or the first input",
    "param": "the course's pixel ascent, or the Fourier/colour-decorrelated parametrisation with Adam",
    "iters": "iterations (default 200)",
    "lr": "step size (default: 5 for course, 0.05 for fourier)",
    "l2_reg": "course: weight of -||x||_2 in the objective (default 1e-3)",
    "blur_every": "course: blur when t %% N == 0 (default 10, 0: never)",
    "sigma": "course: Gaussian blur sigma (default 0.5)",
    "max_jitter": "roll (course) or shift (fourier, +-N) by up to N pixels (default 16 / 8 at 224 px, scaled to the size)",
    "frame_every": "a GIF frame every N iterations (must divide --iters)",
}


def register(methods: argparse._SubParsersAction) -> None:
    """Add the `classviz` method."""
    p = methods.add_parser("classviz", help="class visualization (gradient ascent on a class score)", epilog=EXAMPLE,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
    add_fields(p, ClassvizOptions, HELP, {"init": ("noise", "image"), "param": ("course", "fourier")}, skip=SKIP)
    p.set_defaults(func=lambda args: run(from_args(ClassvizOptions, args)))


def run(args: ClassvizOptions) -> int:
    """Visualise each target at once; write classviz.png, classviz.gif and the classviz.md/.csv table under --out."""
    if args.init == "image":
        subject, inputs = subject_and_inputs(args)
        init, shape = subject.to_normalized(jnp.asarray(inputs.pixels[:1])), inputs.pixels.shape[1:]
    else:
        subject = load_subject(args)
        init, shape = None, (32, 32, 1) if args.arch == DIGITS else (args.size, args.size, 3)
    args.out.mkdir(parents=True, exist_ok=True)
    targets = args.target or (range(10) if args.arch == DIGITS else COURSE_TARGETS)
    targets = [check_class(t, len(subject.class_names)) for t in targets]
    key = prng_key(args.seed)
    if args.param == "fourier":
        if init is not None:
            raise JaxdlError("--param fourier starts from noise only (use --init noise)")
        jitter = args.max_jitter if args.max_jitter is not None else round(FourierSettings.jitter * shape[0] / 224)
        settings = replace(FourierSettings(iterations=args.iters, jitter=jitter),
                           **({"lr": args.lr} if args.lr is not None else {}))
        result = fourier_visualize(subject, targets, key, settings, shape, args.frame_every, args.progress)
    else:
        jitter = args.max_jitter if args.max_jitter is not None else round(16 * shape[0] / 224)
        settings = CourseSettings(args.iters, 5.0 if args.lr is None else args.lr, args.l2_reg, args.blur_every, args.sigma, jitter)
        result = visualize_classes(subject, targets, key, init, settings, shape, frame_every=args.frame_every,
                                   progress=args.progress)
    rows = scores(subject, result)
    md, _ = write_table(rows, args.out / "classviz")
    save_figure(subject, [(args.param, result)], args.out / "classviz.png")
    save_animation(subject, result, args.out / "classviz.gif")
    print(md.read_text(), end="")
    return 0
