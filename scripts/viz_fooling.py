"""The course's adversarial figures on real weights: fooling each of the 25 ImageNet images into a class, and PGD success rates.

    python scripts/viz_fooling.py [--weights ../shared/weights/squeezenet1_0-imagenet-dc.safetensors]
        [--images ../shared/data/imagenet_val_25.npz] [--target 6] [--out runs/viz_fooling] [--figures docs/visualize]

Fooling: the course's method in normalised space (lr 1, max_iter 100), all 25 images in one batch.
PGD (L-inf, pixel space, 10 steps of eps/4, no random start) untargeted and targeted at eps 2/255 and 8/255.
Writes OUT/fooling.md/.csv, OUT/pgd.md/.csv and FIGURES/adv_fooling.png (image --figure-image -> target, difference x10).
"""

import argparse
import time
from pathlib import Path

import numpy as np

from jaxdl.report import markdown_table, write_table
from jaxdl.visualize.adversarial import aggregate, attack_figure, attack_rows, make_predict
from jaxdl.visualize.attacks import make_pgd
from jaxdl.visualize.fooling import make_fooling
from jaxdl.visualize.inputs import check_class, load_npz
from jaxdl.visualize.subject import imagenet_subject

SHARED = Path(__file__).resolve().parents[2] / "shared"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--weights", default=str(SHARED / "weights" / "squeezenet1_0-imagenet-dc.safetensors"))
    parser.add_argument("--images", default=str(SHARED / "data" / "imagenet_val_25.npz"))
    parser.add_argument("--target", type=int, default=6, help="the course's class 6 'stingray'")
    parser.add_argument("--figure-image", dest="figure_image", type=int, default=1)
    parser.add_argument("--out", type=Path, default=Path("runs/viz_fooling"))
    parser.add_argument("--figures", type=Path, default=Path("docs/visualize"))
    args = parser.parse_args()
    subject, inputs = imagenet_subject("squeezenet1_0", args.weights), load_npz(args.images)
    target = check_class(args.target, len(subject.class_names))
    predict, variables, pixels = make_predict(subject.logits_of_pixels), subject.variables, inputs.pixels
    targets, before = np.full(len(pixels), target), np.asarray(predict(subject.variables, pixels))

    start = time.perf_counter()
    fooled, steps, _ = make_fooling(subject.logits)(variables, subject.to_normalized(pixels), targets, 1.0, 100)
    fooled = np.asarray(subject.to_pixels(fooled))
    seconds = time.perf_counter() - start
    after = np.asarray(predict(variables, fooled))
    rows = attack_rows(subject, inputs.names, pixels, fooled, before, after, targets, inputs.labels, np.asarray(steps))
    write_table(rows, args.out / "fooling")
    print(markdown_table(rows) + markdown_table([aggregate(rows, "fooling")]) + f"({seconds:.0f} s for the batch of 25)")
    i = args.figure_image
    args.figures.mkdir(parents=True, exist_ok=True)
    attack_figure(subject, pixels[i:i + 1], fooled[i:i + 1], before[i:i + 1], after[i:i + 1], args.figures / "adv_fooling.png",
                  suptitle=f"fooling image {i} into {target} ({int(steps[i])} steps)")

    summaries = []
    pgd = make_pgd(subject.logits_of_pixels, "linf")
    for eps in (2 / 255, 8 / 255):
        for targeted in (False, True):
            goals = targets if targeted else before
            adversarial = np.asarray(pgd(variables, pixels, goals, targeted, eps, eps / 4, 10))
            after = np.asarray(predict(variables, adversarial))
            rows = attack_rows(subject, inputs.names, pixels, adversarial, before, after, targets if targeted else None, inputs.labels)
            mode = f"targeted -> {target}" if targeted else "untargeted"
            summaries.append({"eps": f"{round(eps * 255)}/255", **aggregate(rows, f"PGD L-inf {mode}")})
            if eps > 0.01 and targeted:
                attack_figure(subject, pixels[i:i + 1], adversarial[i:i + 1], before[i:i + 1], after[i:i + 1],
                              args.figures / "adv_pgd.png", suptitle=f"PGD L-inf eps 8/255, image {i} -> {target}")
            print(markdown_table(summaries[-1:]), flush=True)
    write_table(summaries, args.out / "pgd")
    print(markdown_table(summaries))


if __name__ == "__main__":
    main()
