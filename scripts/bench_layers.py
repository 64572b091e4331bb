"""Time of a multi-layer feature sweep: one forward pass for all layers vs one pass per layer vs the deepest alone.

    python scripts/bench_layers.py --root ../shared/data/15scene \\
        --weights ../shared/weights/squeezenet1_0-imagenet-dc.safetensors --layers fire5,fire7,fire9,conv10 --images 300

The first --images images of the train split (sorted files), decoded and resized lazily during extraction
as in `jaxdl transfer`. The three variants take turns, repeat by repeat (machine load hits all alike), after
one untimed warm-up each (compilation); the median of --repeats is reported. Writes OUT/layers.{md,csv}.
"""

import argparse
import statistics
import time
from pathlib import Path

from jaxdl import configure, models
from jaxdl.data.image_folder import split_files
from jaxdl.data.imagenet import Preprocessed
from jaxdl.features import extract
from jaxdl.options import csv_list
from jaxdl.pretrained import variables_for
from jaxdl.report import markdown_table, write_table


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=Path, required=True, help="image folder (as for jaxdl transfer)")
    parser.add_argument("--arch", default="squeezenet1_0")
    parser.add_argument("--weights", default="imagenet", help="'imagenet', 'random' or a weights file")
    parser.add_argument("--layers", type=csv_list(str), default=["fire5", "fire7", "fire9", "conv10"])
    parser.add_argument("--images", type=int, default=300, help="images timed (default 300)")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per variant; the median is reported")
    parser.add_argument("--out", type=Path, default=Path("runs/bench"))
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> list[dict]:
    args = parse_args(argv)
    configure()  # the CLI's XLA settings
    model = models.create(args.arch)
    variables = variables_for(model, args.arch, args.weights)
    files = [path for paths in split_files(args.root, 100)["train"].values() for path in paths][: args.images]
    images = Preprocessed([path.read_bytes() for path in files])
    deepest = max(args.layers, key=model.layer_names().index)
    run = lambda layers: extract(model, variables, images, batch_size=args.batch_size, progress=False, pool="avg", layers=layers)
    variants = {
        f"deepest layer alone ({deepest})": lambda: run([deepest]),
        "all layers, one pass (now)": lambda: run(args.layers),
        "all layers, one pass per layer (before)": lambda: [run([layer]) for layer in args.layers],
    }
    for call in variants.values():
        call()  # compiles
    seconds = {name: [] for name in variants}
    for _ in range(args.repeats):
        for name, call in variants.items():
            start = time.perf_counter()
            call()
            seconds[name].append(time.perf_counter() - start)
    base = statistics.median(seconds[f"deepest layer alone ({deepest})"])
    rows = [
        {"variant": name, "images": len(files), "layers": len(args.layers) if "all" in name else 1,
         "median s": round(statistics.median(times), 2), "x deepest alone": round(statistics.median(times) / base, 2),
         "runs s": " ".join(f"{t:.1f}" for t in times)}
        for name, times in seconds.items()
    ]
    print(markdown_table(rows))
    md, _ = write_table(rows, args.out / "layers")
    print(f"wrote {md} (+ .csv)")
    return rows


if __name__ == "__main__":
    main()
