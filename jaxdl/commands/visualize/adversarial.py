"""`jaxdl visualize adversarial`: the course's fooling images, FGSM, PGD (L-inf, L2) and the one-pixel attack."""

import argparse
from collections.abc import Callable
from dataclasses import dataclass

import jax
import numpy as np
from tqdm.auto import tqdm

from jaxdl.commands.visualize.common import DIGITS, SKIP, SubjectOptions, subject_and_inputs
from jaxdl.commands.visualize.common import HELP as SUBJECT_HELP
from jaxdl.features import padded_batches
from jaxdl.keys import prng_key
from jaxdl.options import add_fields, from_args
from jaxdl.report import markdown_table, write_table
from jaxdl.visualize.adversarial import aggregate, attack_figure, attack_rows, make_predict
from jaxdl.visualize.attacks import make_pgd
from jaxdl.visualize.fooling import make_fooling
from jaxdl.visualize.inputs import check_class
from jaxdl.visualize.one_pixel import make_one_pixel
from jaxdl.visualize.subject import Subject

Attack = Callable[[np.ndarray, np.ndarray, bool, jax.Array], tuple[jax.Array, jax.Array | None]]
# attack -> (eps, step, iterations) defaults; fooling's step is the course's lr, one-pixel's iterations are DE generations
DEFAULTS = {"fooling": (None, 1.0, 100), "fgsm": (8 / 255, None, 1), "pgd": (8 / 255, 2 / 255, 10),
            "pgdl2": (1.0, 0.2, 10), "onepixel": (None, None, 30)}
COURSE_TARGET = {DIGITS: 8}  # ImageNet: 6 "stingray"
EXAMPLE = """examples:
  jaxdl visualize adversarial --attack fooling --target 8            # the course's method on the digits CNN
  jaxdl visualize adversarial --attack pgd --eps 0.0078 --arch squeezenet1_0 \\
      --weights ../shared/weights/squeezenet1_0-imagenet-dc.safetensors ../shared/data/imagenet_val_25.npz"""


@dataclass(frozen=True)
class AdversarialOptions(SubjectOptions):
    """`visualize adversarial`: the attack, its target (None: untargeted), radius, step, iterations; batches, figure."""

    attack: str = "fooling"
    target: int | None = None
    eps: float | None = None
    step: float | None = None
    iters: int | None = None
    population: int = 100
    random_start: bool = False
    seed: int = 0
    batch_size: int = 16
    figure_images: int = 4


HELP = SUBJECT_HELP | {
    "attack": "fooling: the course's normalised-space method; fgsm/pgd/pgdl2/onepixel: pixel space [0, 1]",
    "target": "targeted attack towards class TARGET; fooling is always targeted (default: the course's 6 'stingray', 8 on "
              "the digits); without it the others are untargeted (away from the network's own prediction)",
    "eps": "radius of the allowed change in pixel units (default 8/255 for fgsm/pgd, 1.0 for pgdl2)",
    "step": "step size: fooling's lr (default 1), pgd 2/255, pgdl2 0.2",
    "iters": "fooling: max_iter (100); pgd/pgdl2: steps (10); onepixel: generations (30)",
    "population": "one-pixel: candidates per image (default 100)",
    "random_start": "pgd/pgdl2: start at a random point of the eps ball",
    "seed": "random start / one-pixel evolution seed",
    "batch_size": "images per call (default 16)",
    "figure_images": "rows of the figure (default 4)",
}


def attack_fn(args: AdversarialOptions, subject: Subject) -> Attack:
    """(batch attack: (pixels, goals, targeted, key) -> (adversarial pixels, steps or None)) for the chosen attack."""
    eps, step, iters = (getattr(args, k) if getattr(args, k) is not None else d for k, d in zip(("eps", "step", "iters"), DEFAULTS[args.attack]))
    variables = subject.variables
    if args.attack == "fooling":
        fool = make_fooling(subject.logits)

        def run(pixels: np.ndarray, goals: np.ndarray, targeted: bool, key: jax.Array) -> tuple[jax.Array, jax.Array | None]:
            fooled, steps, _ = fool(variables, subject.to_normalized(pixels), goals, step, iters)
            return subject.to_pixels(fooled), steps
    elif args.attack == "onepixel":
        one_pixel = make_one_pixel(subject.logits_of_pixels)

        def run(pixels: np.ndarray, goals: np.ndarray, targeted: bool, key: jax.Array) -> tuple[jax.Array, jax.Array | None]:
            return one_pixel(variables, pixels, goals, targeted, key, population=args.population, generations=iters)[0], None
    else:
        pgd = make_pgd(subject.logits_of_pixels, "l2" if args.attack == "pgdl2" else "linf", args.random_start)
        step = eps if args.attack == "fgsm" else step

        def run(pixels: np.ndarray, goals: np.ndarray, targeted: bool, key: jax.Array) -> tuple[jax.Array, jax.Array | None]:
            return pgd(variables, pixels, goals, targeted, eps, step, iters, key), None
    return run


def _adversarial(args: AdversarialOptions) -> None:
    """Attack every input in batches, then write the per-image table, the summary and the figure."""
    subject, inputs = subject_and_inputs(args)
    num_classes = len(subject.class_names)
    target = args.target if args.target is not None or args.attack != "fooling" else COURSE_TARGET.get(args.arch, 6)
    if target is not None:
        check_class(target, num_classes)
    predict, run = make_predict(subject.logits_of_pixels), attack_fn(args, subject)
    key, size = prng_key(args.seed), args.batch_size

    def predictions(images: np.ndarray) -> np.ndarray:
        return np.concatenate([np.asarray(predict(subject.variables, x))[: b.stop - b.start] for b, x in padded_batches(images, size)])

    before = predictions(inputs.pixels)
    goals_all = np.full(len(before), target) if target is not None else before  # untargeted: away from the prediction
    adversarial, steps = [], []
    for b, pixels in tqdm(list(padded_batches(inputs.pixels, size)), desc=args.attack, disable=not args.progress):
        adv, used = run(pixels, np.resize(goals_all[b], size), target is not None, jax.random.fold_in(key, b.start))
        adversarial.append(np.asarray(adv)[: b.stop - b.start])
        steps.append(None if used is None else np.asarray(used)[: b.stop - b.start])
    adversarial = np.concatenate(adversarial)
    after = predictions(adversarial)
    rows = attack_rows(subject, inputs.names, inputs.pixels, adversarial, before, after,
                       None if target is None else goals_all, inputs.labels, None if steps[0] is None else np.concatenate(steps))
    summary = aggregate(rows, args.attack)
    write_table(rows, args.out / f"adversarial_{args.attack}")
    write_table([summary], args.out / f"adversarial_{args.attack}_summary")
    shown = slice(0, args.figure_images)
    figure = attack_figure(subject, inputs.pixels[shown], adversarial[shown], before[shown], after[shown],
                           args.out / f"adversarial_{args.attack}.png", suptitle=f"{args.attack} on {subject.name}")
    print(markdown_table([summary]), end="")
    print(f"per-image table, summary and {figure.name} in {args.out}")


def register(methods: argparse._SubParsersAction) -> None:
    """Add `adversarial`."""
    parser = methods.add_parser("adversarial", help="fooling images, FGSM, PGD, one-pixel attack",
                                epilog=EXAMPLE, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_fields(parser, AdversarialOptions, HELP, {"attack": sorted(DEFAULTS)}, skip=SKIP)
    parser.set_defaults(func=lambda args: _adversarial(from_args(AdversarialOptions, args)))
