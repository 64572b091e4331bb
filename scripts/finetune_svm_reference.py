"""The linear SVM that fine-tuning is compared with, under fine-tuning's protocol and the course's, on the same features.

    python scripts/finetune_svm_reference.py runs/ft/frozen --out docs/transfer/finetune/svm_reference

The fire9 features (average-pooled, L2-normalised, LinearSVC: the transfer section's best, 88.21 % at C = 10) are
computed from the cached pool8 activations that `jaxdl finetune --cache-frozen` kept (CACHE/*-{train,test}-pool8.npy).
Three protocols: the course's (fit on all 1,500 training images, C picked on TEST), fine-tuning's (fit on the same
1,200, C picked on the same 300 held out, test scored once), and that choice of C refitted on all 1,500.
"""

import argparse
from pathlib import Path

import jax
import numpy as np

from jaxdl import models
from jaxdl.data import scene15
from jaxdl.pretrained import variables_for
from jaxdl.report import markdown_table, write_table
from jaxdl.transfer.head import validation_split
from jaxdl.transfer.svm import COURSE_CS, svm_sweep


def fire9_features(model: object, variables: dict, pool8: np.ndarray, batch: int = 128) -> np.ndarray:
    """Average-pooled fire9 activations (N, 512) from pool8 activations, in batches."""
    step = jax.jit(lambda v, x: model.apply(v, x, start="pool8", layer="fire9").mean(axis=(1, 2)))
    return np.concatenate([np.asarray(step(variables, pool8[i:i + batch])) for i in range(0, len(pool8), batch)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("cache", type=Path, help="folder of `jaxdl finetune --cache-frozen` with the pool8 .npy files")
    parser.add_argument("--root", type=Path, default=Path("../shared/data/15scene"), help="15-Scene (for the labels)")
    parser.add_argument("--weights", default="../shared/weights/squeezenet1_0-imagenet-dc.safetensors")
    parser.add_argument("--val-fraction", type=float, default=0.2, help="held-out part of the training split, as fine-tuning")
    parser.add_argument("--seed", type=int, default=0, help="held-out split's seed, as fine-tuning")
    parser.add_argument("--out", type=Path, default=Path("docs/transfer/finetune/svm_reference"))
    args = parser.parse_args()
    model = models.create("squeezenet1_0")
    variables = variables_for(model, "squeezenet1_0", args.weights, 0)
    splits, _ = scene15.load(args.root)
    (train_labels, test_labels) = (np.asarray(splits[s][1]) for s in ("train", "test"))
    stem = f"squeezenet1_0-{Path(args.weights).stem}-224px-all"
    train, test = (fire9_features(model, variables, np.load(args.cache / f"{stem}-{s}-pool8.npy", mmap_mode="r"))
                   for s in ("train", "test"))
    fit, held = validation_split(train_labels, args.val_fraction, args.seed)
    course = svm_sweep(train, train_labels, test, test_labels, COURSE_CS)
    on_fit = svm_sweep(train[fit], train_labels[fit], train[held], train_labels[held], COURSE_CS)
    best_c = max(on_fit, key=lambda r: r["test_acc"])["C"]  # first C with the best held-out accuracy
    fit_only = svm_sweep(train[fit], train_labels[fit], test, test_labels, [best_c])[0]
    refit = next(r for r in course if r["C"] == best_c)
    best_course = max(course, key=lambda r: r["test_acc"])
    rows = [
        {"protocol": "course: fit on 1,500, C picked on test", "fit images": len(train_labels), "C": best_course["C"],
         "val_acc": "", "test_acc": best_course["test_acc"]},
        {"protocol": f"fine-tuning's: fit on {len(fit)}, C picked on the {len(held)} held out", "fit images": len(fit),
         "C": best_c, "val_acc": max(r["test_acc"] for r in on_fit), "test_acc": fit_only["test_acc"]},
        {"protocol": "that C, refitted on 1,500", "fit images": len(train_labels), "C": best_c, "val_acc": "",
         "test_acc": refit["test_acc"]},
    ]
    write_table(rows, args.out)
    write_table([{"C": a["C"], "held-out acc (fit on 1,200)": b["test_acc"], "test acc (fit on 1,500)": a["test_acc"]}
                 for a, b in zip(course, on_fit, strict=True)], args.out.with_name(args.out.name + "_by_C"))
    print(markdown_table(rows), end="")


if __name__ == "__main__":
    main()
