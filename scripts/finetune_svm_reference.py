"""The linear SVM that fine-tuning is compared with, under fine-tuning's protocol and the course's, on the same features.

    python scripts/finetune_svm_reference.py runs/ft/frozen --out docs/transfer/finetune/svm_reference

The fire9 features (average-pooled, L2-normalised, LinearSVC: the transfer section's best, 88.21 % at C = 10) are
computed from the cached pool8 activations that `jaxdl finetune --cache-frozen` kept (CACHE/*-{train,test}-pool8.npy).
Three protocols: the course's (fit on all 1,500 training images, C picked on TEST), fine-tuning's (fit on the same
1,200, C picked on the same 300 held out, test scored once), and that choice of C refitted on all 1,500; under
fine-tuning's protocol also without the L2 normalisation, and a softmax classifier (multinomial logistic regression,
fine-tuning's loss) in place of the hinge loss.
"""

import argparse
from pathlib import Path

import jax
import numpy as np
from sklearn.linear_model import LogisticRegression

from jaxdl import models
from jaxdl.data import scene15
from jaxdl.pretrained import variables_for
from jaxdl.report import markdown_table, write_table
from jaxdl.transfer.head import validation_split
from jaxdl.transfer.svm import COURSE_CS, Fit, linear_svc, svm_sweep


def softmax(x: np.ndarray, y: np.ndarray, C: float) -> LogisticRegression:
    """Multinomial logistic regression (the softmax cross-entropy of fine-tuning), L2 penalty 1/C."""
    return LogisticRegression(C=C, max_iter=2000).fit(x, y)


def held_out_choice(name: str, fit: Fit, l2: bool, train: np.ndarray, labels: np.ndarray, rows: tuple[np.ndarray, np.ndarray],
                    test: np.ndarray, test_labels: np.ndarray) -> dict:
    """Fine-tuning's protocol: fit on rows[0], C picked on rows[1] (the first best), the test scored once."""
    fit_rows, held = rows
    on_fit = svm_sweep(train[fit_rows], labels[fit_rows], train[held], labels[held], COURSE_CS, l2, fit)
    best = max(on_fit, key=lambda r: r["test_acc"])
    scored = svm_sweep(train[fit_rows], labels[fit_rows], test, test_labels, [best["C"]], l2, fit)[0]
    return {"protocol": name, "fit images": len(fit_rows), "C": best["C"], "val_acc": best["test_acc"], "test_acc": scored["test_acc"]}


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
    split = validation_split(train_labels, args.val_fraction, args.seed)
    data = (train, train_labels, split, test, test_labels)
    course = svm_sweep(train, train_labels, test, test_labels, COURSE_CS)
    best_course = max(course, key=lambda r: r["test_acc"])
    svm = held_out_choice(f"SVM, L2: fit on {len(split[0]):,}, C picked on the {len(split[1])} held out (fine-tuning's)",
                          linear_svc, True, *data)
    rows = [
        {"protocol": "SVM, L2: fit on 1,500, C picked on test (the course's)", "fit images": len(train_labels),
         "C": best_course["C"], "val_acc": "", "test_acc": best_course["test_acc"]},
        svm,
        {"protocol": "SVM, L2: that C refitted on 1,500", "fit images": len(train_labels), "C": svm["C"], "val_acc": "",
         "test_acc": next(r for r in course if r["C"] == svm["C"])["test_acc"]},
        held_out_choice("SVM, raw features: fine-tuning's protocol", linear_svc, False, *data),
        held_out_choice("softmax (logistic regression), L2: fine-tuning's protocol", softmax, True, *data),
        held_out_choice("softmax (logistic regression), raw features: fine-tuning's protocol", softmax, False, *data),
    ]
    write_table(rows, args.out)
    print(markdown_table(rows), end="")


if __name__ == "__main__":
    main()
