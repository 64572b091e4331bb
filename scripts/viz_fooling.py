"""The course's adversarial figures on real weights: fooling each of the 25 ImageNet images into a class, and PGD success rates.

    python scripts/viz_fooling.py [--weights ../shared/weights/squeezenet1_0-imagenet-dc.safetensors]
        [--images ../shared/data/imagenet_val_25.npz] [--target 6] [--out runs/viz_fooling] [--figures docs/visualize]

Both halves are `write_attack`, as `jaxdl visualize adversarial --images 0` runs it (all 25 images in one batch):
fooling (the course's method in normalised space, lr 1, max_iter 100) into OUT/adversarial_fooling.*; PGD (L-inf, pixel
space, 10 steps of eps/4, no random start) untargeted and targeted at eps 2/255 and 8/255 into OUT/pgd_EPS_MODE/, their
summaries in OUT/pgd.md/.csv. Extra here: the README's one-image figures FIGURES/adv_fooling.png and adv_pgd.png
(image --figure-image -> target, difference x10).
"""

import argparse
import time
from pathlib import Path

import numpy as np

from jaxdl.report import markdown_table, write_table
from jaxdl.visualize.adversarial import attack_figure
from jaxdl.visualize.adversarial_outputs import AttackSettings, write_attack
from jaxdl.visualize.inputs import Inputs, load_npz
from jaxdl.visualize.subject import Subject, imagenet_subject

SHARED = Path(__file__).resolve().parents[2] / "shared"


def one_image_figure(subject: Subject, inputs: Inputs, arrays: Path, i: int, path: Path, suptitle: str) -> Path:
    """Image i before and after the attack whose arrays `write_attack` saved, and the difference x10."""
    saved, part = np.load(arrays), slice(i, i + 1)
    return attack_figure(subject, inputs.pixels[part], saved["adversarial"][part], saved["before"][part], saved["after"][part],
                         path, suptitle=suptitle)


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
    i, batch = args.figure_image, len(inputs.pixels)
    args.out.mkdir(parents=True, exist_ok=True)
    args.figures.mkdir(parents=True, exist_ok=True)

    start = time.perf_counter()
    summary = write_attack(subject, inputs, AttackSettings(target=args.target, batch_size=batch), args.target, 0, args.out)
    seconds = time.perf_counter() - start
    print((args.out / "adversarial_fooling.md").read_text() + markdown_table([summary]) +
          f"({seconds:.0f} s for the batch of {batch}, compilation included)")
    steps = np.load(args.out / "adversarial_fooling.npz")["steps"]
    one_image_figure(subject, inputs, args.out / "adversarial_fooling.npz", i, args.figures / "adv_fooling.png",
                     f"fooling image {i} into {args.target} ({int(steps[i])} steps)")

    summaries = []
    for eps in (2 / 255, 8 / 255):
        for target in (None, args.target):
            mode = "untargeted" if target is None else f"targeted -> {target}"
            folder = args.out / f"pgd_{round(eps * 255)}_{mode.split()[0]}"
            folder.mkdir(exist_ok=True)
            settings = AttackSettings("pgd", target, eps, eps / 4, 10, batch_size=batch)
            summaries.append({"eps": f"{round(eps * 255)}/255", **write_attack(subject, inputs, settings, args.target, 0, folder),
                              "attack": f"PGD L-inf {mode}"})
            print(markdown_table(summaries[-1:]), flush=True)
    one_image_figure(subject, inputs, folder / "adversarial_pgd.npz", i, args.figures / "adv_pgd.png",
                     f"PGD L-inf eps 8/255, image {i} -> {args.target}")
    write_table(summaries, args.out / "pgd")
    print(markdown_table(summaries))


if __name__ == "__main__":
    main()
