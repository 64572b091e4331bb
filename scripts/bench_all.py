"""Every benchmark of scripts/bench_*.py in quick mode, summed up in one table: case, jaxdl, reference, ratio, memory.

    nice -n 10 python scripts/bench_all.py --out runs/bench_all      # tens of minutes on a 2-core CPU

Each script runs in its own process with small settings (QUICK below) and writes its own table; this script
reads those back and writes OUT/bench_all.{md,csv}: one row per measured case with jaxdl's rate, the
reference's (PyTorch; scikit-learn or scikit-image where there is no PyTorch counterpart), the ratio
(> 1: jaxdl faster), jaxdl's peak RSS where the script measures it and the whole script's peak RSS
(both frameworks, from the OS). Scripts that need ../shared (15-Scene, real weights, cached features)
are skipped, saying so, when it is absent. Quick settings time few repeats: the ratios are indicative.
"""

import argparse
import csv
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from jaxdl.report import markdown_table, write_table  # noqa: E402

SCRIPTS = Path(__file__).resolve().parent
SHARED = SCRIPTS.parents[1] / "shared"  # the course's data and weights, beside the repository (CI layout)


def shared(relative: str) -> Path | None:
    """A path under the shared folder, if it is there."""
    return SHARED / relative if (SHARED / relative).exists() else None


def real_weights() -> Path | None:
    """The real SqueezeNet 1.0 weights of the shared folder, if they are there."""
    return shared("weights/squeezenet1_0-imagenet-dc.safetensors")


def row(case: str, reference: str, unit: str, ours: float, theirs: float, ratio: float | None = None,
        jaxdl_mb: str | float = "") -> dict:
    """One summary row; ratio = ours / theirs (rates) unless given."""
    return {"case": case, "reference": reference, "unit": unit, "jaxdl": round(float(ours), 3),
            "reference value": round(float(theirs), 3), "ratio": round(float(ratio or float(ours) / float(theirs)), 2),
            "jaxdl peak RSS MB": jaxdl_mb}


def features(rows: list[dict]) -> list[dict]:
    """bench_features: images/s of feature extraction against torchvision."""
    return [row(f"features {r['arch']}:{r['layer']} batch {r['batch']}, "
                f"{'YNNPACK convolutions and dots' if 'ynn' in r['XLA_FLAGS'] else 'XLA defaults'}, {r['dtype']}", "torchvision", "img/s",
                r["jaxdl img/s"], r["torch img/s"], jaxdl_mb=r["jaxdl peak RSS MB"]) for r in rows]


def gan(rows: list[dict]) -> list[dict]:
    """bench_gan: DCGAN training iterations/s against PyTorch."""
    return [row(f"DCGAN step {r['image']} batch {r['batch']}", "PyTorch", "it/s", r["jaxdl it/s"], r["torch it/s"]) for r in rows]


def dann(rows: list[dict]) -> list[dict]:
    """bench_dann: the DANN step and its convolutions against PyTorch."""
    return [row(f"DANN {r['what']}", "PyTorch", "/s", r["jaxdl /s"], r["PyTorch /s"]) for r in rows]


def visualize(rows: list[dict]) -> list[dict]:
    """bench_visualize: saliency maps / PGD steps per second against PyTorch autograd and torchattacks."""
    return [row(f"{r['case']} {r['arch']} batch {r['batch']} {r['size']}px", "PyTorch", r["unit"], r["jaxdl rate"],
                r["torch rate"], jaxdl_mb=r["jaxdl peak RSS MB"]) for r in rows]


def transfer(rows: list[dict]) -> list[dict]:
    """bench_transfer: the whole pipeline (decode, features, SVM) against the PyTorch reference."""
    reference = next(r for r in rows if r["pipeline"] == "PyTorch reference")
    return [row(f"transfer pipeline: {r['pipeline']}, {r['images']} images", "PyTorch", "images/s", r["images/s"],
                reference["images/s"], jaxdl_mb=r["peak RSS MB"]) for r in rows if r is not reference]


def svm(rows: list[dict]) -> list[dict]:
    """bench_svm: linear SVM fits/s, the JAX solver against scikit-learn."""
    return [row(f"linear SVM fit, {r['dims']} dims, C {r['C']}", "scikit-learn LinearSVC", "fits/s", 1 / float(r["jax_s"]),
                1 / float(r["sklearn_s"])) for r in rows]


def sift(rows: list[dict]) -> list[dict]:
    """bench_sift: dense SIFT against scikit-image's daisy, word assignment against scikit-learn."""
    by = {r["what"]: float(r["ms_per_image"]) for r in rows}
    pairs = [("jaxdl dense SIFT (16 px, step 8)", "skimage daisy (step 8, radius 8)"),
             ("jaxdl assign (jitted, 65,536 x 1,000 words)", "sklearn pairwise_distances_argmin (same)")]
    return [row(ours, theirs, "images/s", 1000 / by[ours], 1000 / by[theirs]) for ours, theirs in pairs if ours in by and theirs in by]


def layers(rows: list[dict]) -> list[dict]:
    """bench_layers: all layers in one pass against one pass per layer."""
    by = {r["variant"].split(" (")[0]: r for r in rows}
    ours, theirs = by["all layers, one pass"], by["all layers, one pass per layer"]
    return [row(f"feature sweep of {ours['layers']} layers in one pass", "jaxdl, one pass per layer", "runs/s",
                1 / float(ours["median s"]), 1 / float(theirs["median s"]))]


Quick = Callable[[Path], list[str] | None]  # output folder -> the script's arguments, or None when its data are absent
BENCHES: dict[str, tuple[Quick, str, Callable[[list[dict]], list[dict]]]] = {
    "bench_features.py": (lambda out: ["--arch", "alexnet:relu7", "--batch", "8", "--warmup", "1", "--repeats", "3",
                                       "--out", str(out)], "features.csv", features),
    "bench_gan.py": (lambda out: ["--sizes", "32", "--iters", "5", "--repeats", "3", "--out", str(out)], "bench_gan.csv", gan),
    "bench_dann.py": (lambda out: ["--steps", "5", "--repeats", "3", "--out", str(out / "bench_dann")], "bench_dann.csv", dann),
    "bench_visualize.py": (lambda out: ["--cases", "saliency:squeezenet1_0", "pgd:squeezenet1_0", "--batch", "4", "--steps", "2",
                                        "--repeats", "3", "--out", str(out)], "visualize.csv", visualize),
    "bench_transfer.py": (lambda out: shared("data/15scene") and real_weights() and [
        "--root", str(shared("data/15scene")), "--weights", str(real_weights()), "--per-class", "2,2", "--bow-vocab", "0",
        "--warmup", "0", "--repeats", "2", "--out", str(out)], "transfer.csv", transfer),
    "bench_layers.py": (lambda out: shared("data/15scene") and real_weights() and [
        "--root", str(shared("data/15scene")), "--weights", str(real_weights()), "--images", "32", "--repeats", "2",
        "--out", str(out)], "layers.csv", layers),
    "bench_sift.py": (lambda out: shared("data/15scene") and ["--root", str(shared("data/15scene")), "--images", "4",
                                                              "--repeats", "3", "--out", str(out)], "bench_sift.csv", sift),
    "bench_svm.py": (lambda out: Path("runs/scene15/features").is_dir() and shared("data/15scene") and [
        "--root", str(shared("data/15scene")), "--dims", "4096", "--repeats", "2", "--out", str(out)], "svm_bench.csv", svm),
}
HELPERS = {"bench_classviz_case.py"}  # imported by bench_visualize.py, not a benchmark of its own


def run_script(name: str, arguments: list[str], log: Path) -> tuple[int, float, float]:
    """Run one benchmark script; (exit code, wall seconds, peak RSS MB of its process tree's largest process)."""
    start = time.perf_counter()
    with log.open("w") as handle:
        process = subprocess.Popen([sys.executable, str(SCRIPTS / name), *arguments], stdout=handle, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, time.perf_counter() - start, usage.ru_maxrss / 1024


def write_summary(rows: list[dict], notes: list[str], out: Path) -> Path:
    """OUT/bench_all.{md,csv}, the notes (skipped and failed scripts) under the Markdown table."""
    md, _ = write_table(rows, out / "bench_all")
    md.write_text(md.read_text() + "".join(f"\n- {note}" for note in notes) + ("\n" if notes else ""))
    return md


def main() -> None:
    """Run the scripts (or, with --no-run, read what they wrote before), gather their rows, write OUT/bench_all.{md,csv}."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="+", choices=sorted(BENCHES), help="run only these scripts")
    parser.add_argument("--out", type=Path, default=Path("runs/bench_all"), help="folder of every table and log")
    parser.add_argument("--no-run", dest="run", action="store_false", help="only summarise the tables already under --out")
    args = parser.parse_args()
    unknown = {p.name for p in SCRIPTS.glob("bench_*.py")} - set(BENCHES) - HELPERS - {"bench_all.py"}
    if unknown:
        sys.exit(f"bench_all.py: no quick settings for {', '.join(sorted(unknown))}; add them to BENCHES")
    rows, notes = [], []
    for name in args.only or BENCHES:
        quick, table, summarise = BENCHES[name]
        out = args.out / Path(name).stem
        out.mkdir(parents=True, exist_ok=True)
        arguments = quick(out)
        if not arguments:
            notes.append(f"{name}: skipped, its data (../shared or a feature cache) are not here")
            continue
        extra = {}
        if args.run:
            print(f"== {name} {' '.join(arguments)}", flush=True)
            code, seconds, peak = run_script(name, arguments, out / "log.txt")
            if code != 0:
                notes.append(f"{name}: failed (exit {code}), see {out / 'log.txt'}")
                continue
            extra = {"script peak RSS MB": round(peak), "script s": round(seconds)}
        elif not (out / table).is_file():
            notes.append(f"{name}: not run")
            continue
        with (out / table).open() as handle:
            rows += [{**r, "script": name, **extra} for r in summarise(list(csv.DictReader(handle)))]
        write_summary(rows, notes, args.out)  # after every script: an interrupted run keeps what it measured
    md = write_summary(rows, notes, args.out)
    print(markdown_table(rows), end="")
    print("\n".join(notes))
    print(f"written: {md} (+ .csv)")


if __name__ == "__main__":
    main()
