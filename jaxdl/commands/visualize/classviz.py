"""`jaxdl visualize classviz`: images that maximise a class score, by the course's method or the Fourier parametrisation."""

import argparse
from dataclasses import replace

import jax.numpy as jnp

from jaxdl.commands.visualize.common import DIGITS, add_subject_arguments, load_subject, subject_and_inputs
from jaxdl.errors import JaxdlError
from jaxdl.keys import prng_key
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


def register(methods: argparse._SubParsersAction) -> None:
    """Add the `classviz` method."""
    p = methods.add_parser("classviz", help="class visualization (gradient ascent on a class score)", epilog=EXAMPLE,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
    add_subject_arguments(p)
    p.add_argument("--target", type=int, nargs="+", help=f"class indices (default: ImageNet {' '.join(map(str, COURSE_TARGETS))}"
                   ", the course's; digits 0..9)")
    p.add_argument("--init", choices=("noise", "image"), default="noise", help="N(0, 1) noise in normalised space, or the first input")
    p.add_argument("--param", choices=("course", "fourier"), default="course",
                   help="the course's pixel ascent, or the Fourier/colour-decorrelated parametrisation with Adam")
    p.add_argument("--iters", type=int, default=200, help="iterations (default 200)")
    p.add_argument("--lr", type=float, help="step size (default: 5 for course, 0.05 for fourier)")
    p.add_argument("--l2-reg", type=float, default=1e-3, help="course: weight of -||x||_2 in the objective (default 1e-3)")
    p.add_argument("--blur-every", type=int, default=10, help="course: blur when t %% N == 0 (default 10, 0: never)")
    p.add_argument("--sigma", type=float, default=0.5, help="course: Gaussian blur sigma (default 0.5)")
    p.add_argument("--max-jitter", type=int,
                   help="roll (course) or shift (fourier, +-N) by up to N pixels (default 16 / 8 at 224 px, scaled to the size)")
    p.add_argument("--frame-every", type=int, default=10, help="a GIF frame every N iterations (must divide --iters)")
    p.add_argument("--seed", type=int, default=0)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
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
