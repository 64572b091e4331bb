"""How often a fine-tuned SqueezeNet's logits are exactly 0 on the 15-Scene test split (its classifier ends in a ReLU).

    python scripts/finetune_dead_logits.py runs/ft/noaug-lr1e-3/conv10 runs/ft/noaug-lr3e-4/fire9-conv10 \\
        --cache runs/ft/frozen --out docs/transfer/finetune/dead_logits

SqueezeNet's classifier is conv10 -> ReLU -> average pool: a class whose whole 13x13 map is negative gets logit 0
and no gradient, and an image whose 15 logits are all 0 is predicted as class 0. For each RUN/<choice> (a
`jaxdl finetune` output trained with --cache-frozen), the variables of its best held-out epoch (RUN/<choice>/best) are
applied to the cached pool8 activations of the test split; one row per run: the share of logits at 0, of images whose
true class's logit is 0, of images with every logit at 0, and the test accuracy.
"""

import argparse
from pathlib import Path

import jax
import numpy as np

from jaxdl import checkpoint, models
from jaxdl.data import scene15
from jaxdl.pretrained import variables_for
from jaxdl.report import markdown_table, write_table
from jaxdl.transfer import finetune as ft


def test_logits(model: object, variables: dict, pool8: np.ndarray, batch: int = 128) -> np.ndarray:
    """The logits (N, classes) of the cached pool8 activations, in batches."""
    step = jax.jit(lambda v, x: model.apply(v, x, start="pool8"))
    return np.concatenate([np.asarray(step(variables, pool8[i:i + batch])) for i in range(0, len(pool8), batch)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("runs", nargs="+", type=Path, help="OUT/<choice> folders of `jaxdl finetune` (with best/)")
    parser.add_argument("--cache", type=Path, default=Path("runs/ft/frozen"), help="the --cache folder of those runs")
    parser.add_argument("--root", type=Path, default=Path("../shared/data/15scene"), help="15-Scene (for the labels)")
    parser.add_argument("--weights", default="../shared/weights/squeezenet1_0-imagenet-dc.safetensors")
    parser.add_argument("--out", type=Path, default=Path("docs/transfer/finetune/dead_logits"))
    args = parser.parse_args()
    splits, prepared = scene15.load(args.root)
    labels = np.asarray(splits["test"][1])
    pool8 = np.load(args.cache / f"squeezenet1_0-{Path(args.weights).stem}-224px-all-test-pool8.npy", mmap_mode="r")
    model = models.create("squeezenet1_0", num_classes=len(prepared.classes))
    pretrained = variables_for(models.create("squeezenet1_0"), "squeezenet1_0", args.weights, 0)
    like = jax.device_get(ft.with_new_classifier(model, pretrained, jax.random.key(0)))
    rows = []
    for run in args.runs:
        variables, epoch = checkpoint.restore_latest(checkpoint.manager(run / "best", max_to_keep=1), like)
        logits = test_logits(model, variables, pool8)
        rows.append({"run": f"{run.parent.name}/{run.name}", "best epoch": epoch, "logits at 0": float((logits == 0).mean()),
                     "true class at 0": float((logits[np.arange(len(labels)), labels] == 0).mean()),
                     "all 15 at 0": float((logits == 0).all(axis=1).mean()),
                     "test_acc": float((logits.argmax(1) == labels).mean())})
    write_table(rows, args.out)
    print(markdown_table(rows), end="")


if __name__ == "__main__":
    main()
