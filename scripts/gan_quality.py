"""Per-epoch GAN quality of one or more `jaxdl gan` runs: one table and one plot (Fréchet distance, conditional accuracy).

    jaxdl gan --data digits --epochs 40 --out runs/gan_digits
    python scripts/gan_quality.py runs/gan_digits/dcgan runs/gan_digits/cdcgan runs/gan_mnist_cond/cdcgan --out runs/gan_quality
"""

import argparse
from pathlib import Path

from jaxdl.figures import plot_curves
from jaxdl.report import write_table
from jaxdl.training import epoch_records, read_history

COLUMNS = ("epoch", "step", "d_loss", "g_loss", "frechet", "frechet_real", "modes", "cond_acc")


def run_rows(run: Path) -> list[dict]:
    """The per-epoch rows of one model's run (from its history.jsonl), labelled RUN/MODEL."""
    epochs = epoch_records(read_history(run / "history.jsonl"))
    return [{"run": label(run), **{k: row[k] for k in COLUMNS if k in row}} for row in epochs]


def label(run: Path) -> str:
    """A model's folder as RUN/MODEL (`jaxdl gan` writes one folder per model, dcgan or cdcgan)."""
    return f"{run.parent.name}/{run.name}"


def main() -> None:
    """Collect the runs, write <out>/gan_quality.{md,csv} and one plot per score."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="+", type=Path, help="model folders of `jaxdl gan` runs (OUT/dcgan, OUT/cdcgan)")
    parser.add_argument("--out", type=Path, default=Path("runs/gan_quality"))
    args = parser.parse_args()
    per_run = {label(run): run_rows(run) for run in args.runs}
    md, _ = write_table([row for rows in per_run.values() for row in rows], args.out / "gan_quality")
    for score in ("frechet", "cond_acc"):
        series = [{"epoch": r["epoch"], name: r[score]} for name, rows in per_run.items() for r in rows if score in r]
        if series:
            series.sort(key=lambda r: r["epoch"])
            plot_curves(series, "epoch", list(per_run), args.out / f"{score}.png", f"{score} per epoch")
    print(md.read_text())


if __name__ == "__main__":
    main()
