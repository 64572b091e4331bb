"""Fine-tuning runs side by side: one row per (run folder, stage choice) of `jaxdl finetune`, and their curves.

    python scripts/finetune_table.py runs/ft/noaug-lr3e-4 runs/ft/aug-lr3e-4 --out docs/transfer/finetune/runs

Reads each RUN/finetune.csv (the test accuracy, scored once with the best held-out epoch) and RUN/<choice>/history.jsonl
(per epoch: training loss and accuracy, held-out accuracy); writes OUT.{md,csv} (the epoch kept, the first epoch within
1 point of the best held-out accuracy, the training accuracy there) and OUT.png (held-out and
training accuracy per epoch of every run).
"""

import argparse
import csv
from pathlib import Path

from matplotlib.figure import Figure

from jaxdl.report import markdown_table, write_table
from jaxdl.training import epoch_records, read_history


def label(row: dict) -> str:
    """A run's setting in a few words: stages, Adam's rate, crops."""
    crops = "no augmentation" if row["crops"] == "none" else f"crops {row['crops']} + flips"
    return f"{row['stages']}, lr {float(row['lr']):g}, {crops}"


def summary(row: dict, epochs: list[dict]) -> dict:
    """One table row: the run's setting, its epochs, the kept epoch's held-out, training and test accuracy (the run's
    seconds are left out: a resumed run's finetune.csv times only its last call)."""
    best = max(epochs, key=lambda r: r["val_acc"])
    near = next(r for r in epochs if r["val_acc"] >= best["val_acc"] - 0.01)
    return {"setting": label(row), "trainable": int(row["trainable"]), "epochs run": len(epochs), "best epoch": best["epoch"],
            "within 1 pt from epoch": near["epoch"], "train_acc (best epoch)": round(best["accuracy"], 4),
            "val_acc": round(best["val_acc"], 4), "test_acc": round(float(row["test_acc"]), 4)}


def curves(runs: list[tuple[str, list[dict]]], path: Path) -> None:
    """Held-out (solid) and training (dashed, augmented and with dropout) accuracy per epoch, one colour per run."""
    figure = Figure(figsize=(9, 5.5))
    axes = figure.subplots()
    for i, (name, epochs) in enumerate(runs):
        colour = f"C{i}"
        x = [r["epoch"] for r in epochs]
        axes.plot(x, [100 * r["val_acc"] for r in epochs], color=colour, label=f"{name}: held-out")
        axes.plot(x, [100 * r["accuracy"] for r in epochs], color=colour, linestyle="--", linewidth=0.8)
    axes.set(xlabel="epoch", ylabel="accuracy (%)", ylim=(50, 101),
             title="SqueezeNet 1.0 fine-tuned on 15-Scene: held-out 300 (solid), training (dashed)")
    axes.grid(alpha=0.3)
    axes.legend(fontsize=8, loc="lower right")
    figure.tight_layout()
    figure.savefig(path, dpi=110)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("runs", nargs="+", type=Path, help="output folders of `jaxdl finetune` (each with finetune.csv)")
    parser.add_argument("--out", type=Path, default=Path("docs/transfer/finetune/runs"), help="OUT.md, OUT.csv, OUT.png")
    args = parser.parse_args()
    rows, drawn = [], []
    for run in args.runs:
        with (run / "finetune.csv").open() as handle:
            for row in csv.DictReader(handle):
                epochs = epoch_records(read_history(run / row["stages"] / "history.jsonl"))
                rows.append(summary(row, epochs))
                drawn.append((label(row), epochs))
    write_table(rows, args.out)
    curves(drawn, args.out.with_name(args.out.name + ".png"))
    print(markdown_table(rows), end="")


if __name__ == "__main__":
    main()
