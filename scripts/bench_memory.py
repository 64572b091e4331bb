"""Memory of integrated gradients and SmoothGrad on VGG16 at 224x224 against their inner batch size: one table.

    python scripts/bench_memory.py [--images 16] [--steps 64] [--samples 50] [--batches 1024 16 8 4 1] [--out DIR]

Each configuration is compiled in a fresh process (shapes only: random VGG16 weights are never drawn, memory does not
depend on them) and reports XLA's memory analysis of the compiled program: arguments (weights and images), outputs
and the temporaries live at its peak; their sum is what the program needs while it runs. The process's peak RSS after
compiling is shown as well (the compiler's own memory, nothing executed). `--batches` are the points (path steps or
noisy copies x images) per network evaluation: IMAGES is what jaxdl did before the option (one step of the whole image
batch per evaluation); steps x images is everything at once, captum's default internal_batch_size.
Writes OUT/memory.md and OUT/memory.csv.
"""

import argparse
import json
import platform
import resource
import subprocess
import sys
from datetime import date
from pathlib import Path

GIB = 2**30


def measure(method: str, images: int, points: int, batch_size: int) -> dict:
    """Compile `method` for `images` VGG16 inputs and `points` steps/samples; XLA's memory analysis and peak RSS."""
    import jax
    import jax.numpy as jnp

    from jaxdl import models
    from jaxdl.visualize.integrated_gradients import path_integral, quadrature
    from jaxdl.visualize.smoothgrad import noisy_gradient_maps

    model = models.create("vgg16")
    x = jax.ShapeDtypeStruct((images, 224, 224, 3), jnp.float32)
    variables = jax.eval_shape(model.init, jax.random.key(0), x)
    classes = jax.ShapeDtypeStruct((images,), jnp.int32)
    if method == "ig":
        alphas, weights = (jnp.asarray(a, jnp.float32) for a in quadrature("gausslegendre", points))
        lowered = path_integral.lower(model, variables, x, classes, x, alphas, weights, batch_size)
    else:
        lowered = noisy_gradient_maps.lower(model, variables, x, classes, jax.random.key(0), points, 0.15, batch_size)
    stats = lowered.compile().memory_analysis()
    total = stats.argument_size_in_bytes + stats.output_size_in_bytes + stats.temp_size_in_bytes
    return {"arguments GiB": stats.argument_size_in_bytes / GIB, "temporaries GiB": stats.temp_size_in_bytes / GIB,
            "XLA peak GiB": total / GIB, "compile peak RSS GiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / GIB}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--images", type=int, default=16, help="images per call (the CLI's default batch)")
    parser.add_argument("--steps", type=int, default=64, help="integrated gradients' steps")
    parser.add_argument("--samples", type=int, default=50, help="SmoothGrad's noisy copies")
    parser.add_argument("--batches", type=int, nargs="+", default=[1024, 16, 8, 4, 1], help="inner batch sizes to measure")
    parser.add_argument("--methods", nargs="+", default=["ig", "smoothgrad"], choices=["ig", "smoothgrad"])
    parser.add_argument("--out", type=Path, default=Path("docs/visualize/robustness"))
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(measure(*json.loads(args.worker))))
        return
    from jaxdl.report import write_table

    rows = []
    for method in args.methods:
        points = args.steps if method == "ig" else args.samples
        for batch in args.batches:
            batch = min(batch, points * args.images)
            job = json.dumps([method, args.images, points, batch])
            done = subprocess.run([sys.executable, __file__, "--worker", job], capture_output=True, text=True, check=True)
            result = json.loads(done.stdout.strip().splitlines()[-1])
            note = "before (one step of the whole batch)" if batch == args.images else "all at once" if batch == points * args.images else ""
            rows.append({"method": method, "images": args.images, "steps or samples": points, "inner batch": batch,
                         "note": note} | {k: round(v, 3) for k, v in result.items()})
            print(rows[-1], flush=True)
    args.out.mkdir(parents=True, exist_ok=True)
    write_table(rows, args.out / "memory")
    command = "python scripts/bench_memory.py " + " ".join(sys.argv[1:])
    with open(args.out / "memory.md", "a") as f:
        f.write(f"\n`{command}` on {platform.processor() or platform.machine()} ({date.today()}), VGG16 at 224x224, float32.\n")


if __name__ == "__main__":
    main()
