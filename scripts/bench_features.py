"""Images/s of jaxdl vs torchvision feature extraction on CPU: same weights, batch, threads and layer.

    python scripts/bench_features.py                       # vgg16:relu7 resnet50:avgpool alexnet:relu7, batch 16
    python scripts/bench_features.py --arch vgg16:pool5 squeezenet1_1 --batch 32 --repeats 9
    python scripts/bench_features.py --arch squeezenet1_0 vgg16 --dtypes float32 bfloat16 --xla-flags ''

Any architecture of jaxdl.models, as ARCH (up to the layer before the classifier) or ARCH:LAYER.

Random torchvision weights (seed 0) are saved once and loaded by both sides (jaxdl converts them).
jaxdl is measured once per `--xla-flags` value (default: XLA's defaults, and YNNPACK convolutions) and
`--dtypes` computation dtype (default float32; bfloat16 computes in bfloat16 from float32 weights).
Each framework runs in its own fresh process (thread pools never compete, each peak RSS is its
own) and the two take turns run by run, so load from other users hits both alike. Times are the
median of `--repeats` runs after `--warmup` runs (the first jaxdl run compiles).
Writes OUT/features.md and OUT/features.csv.
"""

import argparse
import multiprocessing
import os
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path

import numpy as np

from jaxdl.xla import YNN

TESTS = Path(__file__).resolve().parents[1] / "tests" / "support"  # parity.torch_layers: torchvision's module behind each layer name

TARGETS = ("vgg16:relu7", "resnet50:avgpool", "alexnet:relu7")
# XLA's defaults, and convolutions handed to the YNNPACK library (measured faster on x86 CPUs here).
XLA_VARIANTS = ("", YNN)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--arch", nargs="+", default=TARGETS, metavar="ARCH[:LAYER]",
                        help="any jaxdl architecture, stopped at LAYER (default: the layer before the classifier)")
    parser.add_argument("--batch", type=int, default=16, help="images per forward pass (default 16)")
    parser.add_argument("--size", type=int, default=224, help="image height and width (default 224)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed runs first (default 2)")
    parser.add_argument("--repeats", type=int, default=7, help="timed runs; the median is reported (default 7)")
    parser.add_argument("--threads", type=int, default=len(os.sched_getaffinity(0)), help="torch threads (default: the cores XLA uses)")
    parser.add_argument("--xla-flags", nargs="+", default=XLA_VARIANTS, metavar="FLAGS", help="one jaxdl row per XLA_FLAGS value ('' = defaults)")
    parser.add_argument("--dtypes", nargs="+", default=("float32",), choices=("float32", "bfloat16", "float16"),
                        help="one jaxdl row per computation dtype (default float32)")
    parser.add_argument("--out", type=Path, default=Path("runs/bench"), help="folder for features.md/.csv")
    return parser.parse_args(argv)


def save_weights(arch: str, path: Path) -> None:
    """torchvision's `arch` with random weights (seed 0) as a .safetensors state_dict."""
    import torch
    import torchvision
    from safetensors.torch import save_file

    torch.manual_seed(0)
    save_file(getattr(torchvision.models, arch)(weights=None).state_dict(), str(path))


def images(batch: int, size: int) -> np.ndarray:
    """The benchmark input: a fixed random NHWC float32 batch (already 'normalised')."""
    return np.random.default_rng(0).standard_normal((batch, size, size, 3)).astype(np.float32)


def peak_rss_mb(since_reset: bool) -> float:
    """Peak resident memory of this process in MB (since the last reset_peak_rss() if `since_reset`)."""
    if since_reset:
        status = Path("/proc/self/status").read_text().split("\n")
        return int(next(line for line in status if line.startswith("VmHWM")).split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def reset_peak_rss() -> bool:
    """Reset the kernel's peak-RSS mark to the current RSS (Linux), so setup peaks are not counted."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def worker(conn: Connection, make_run: Callable, *args: object) -> None:
    """Child process: build the run with make_run(*args), warm up, then time one run per "run" message.

    Replies "ready" once warm, seconds per run, and on "stop" the peak RSS while running and the last output.
    """
    run = make_run(*args)
    warmup = conn.recv()
    for _ in range(warmup):
        out = run()
    since_reset = reset_peak_rss()
    conn.send("ready")
    while conn.recv() == "run":
        start = time.perf_counter()
        out = run()
        conn.send(time.perf_counter() - start)
    conn.send({"rss": peak_rss_mb(since_reset), "out": np.asarray(out)})


def interleaved(makers: dict[str, tuple], warmup: int, repeats: int) -> dict[str, dict]:
    """Time each framework in its own fresh process (spawn: no shared thread pools or memory), taking
    turns run by run so that load from other users of the machine hits both alike."""
    spawn = multiprocessing.get_context("spawn")
    conns, procs = {}, []
    for name, (make_run, *args) in makers.items():
        conns[name], child = spawn.Pipe()
        procs.append(spawn.Process(target=worker, args=(child, make_run, *args)))
        procs[-1].start()
    for conn in conns.values():
        conn.send(warmup)
    for conn in conns.values():
        conn.recv()  # ready
    seconds = {name: [] for name in conns}
    for _ in range(repeats):
        for name, conn in conns.items():
            conn.send("run")
            seconds[name].append(conn.recv())
    results = {}
    for name, conn in conns.items():
        conn.send("stop")
        results[name] = {"seconds": seconds[name], **conn.recv()}
    for proc in procs:
        proc.join()
    return results


def jaxdl_run(xla_flags: str, dtype: str, arch: str, layer: str, weights: Path, batch: int, size: int) -> Callable[[], np.ndarray]:
    """jaxdl.features.extract (jitted, stops at `layer`) on the converted weights computing in `dtype`, XLA run with
    `xla_flags`."""
    os.environ["XLA_FLAGS"] = xla_flags  # read when jax starts its backend, below: this process is fresh
    from jaxdl import models
    from jaxdl.features import extract
    from jaxdl.weights import from_torchvision

    model, variables, x = models.create(arch, dtype=dtype), from_torchvision(arch, weights), images(batch, size)
    return lambda: np.asarray(extract(model, variables, x, layer, batch_size=batch, progress=False), np.float32)


class _Reached(Exception):
    """Raised by a forward hook to stop torch's forward pass at the requested layer."""


def torch_run(arch: str, layer: str, weights: Path, batch: int, size: int, threads: int) -> Callable[[], np.ndarray]:
    """torchvision in eval mode and inference_mode, stopped right after `layer` like jaxdl."""
    import torch
    import torchvision
    from safetensors.torch import load_file

    torch.set_num_threads(threads)
    model = getattr(torchvision.models, arch)(weights=None).eval()
    model.load_state_dict(load_file(str(weights)))
    reached = {}

    def stop(_module: torch.nn.Module, _inputs: tuple, output: torch.Tensor) -> None:
        reached["out"] = output
        raise _Reached

    sys.path.insert(0, str(TESTS))
    from parity import torch_layers

    torch_layers(arch, model)[layer].register_forward_hook(stop)
    x = torch.from_numpy(images(batch, size).transpose(0, 3, 1, 2).copy())

    def run() -> np.ndarray:
        with torch.inference_mode():
            try:
                model(x)
            except _Reached:
                pass
        out = reached["out"].numpy()
        return out.transpose(0, 2, 3, 1) if out.ndim == 4 else out

    return run


def bench(arch: str, layer: str, args: argparse.Namespace, weights: Path) -> list[dict]:
    """Table rows for `arch` up to `layer`: one per jaxdl (XLA flags, dtype) variant, each against the same torch runs."""
    common = (arch, layer, weights, args.batch, args.size)
    variants = [(flags, dtype) for flags in args.xla_flags for dtype in args.dtypes]
    makers = {variant: (jaxdl_run, *variant, *common) for variant in variants}
    runs = interleaved({**makers, "torch": (torch_run, *common, args.threads)}, args.warmup, args.repeats)
    torch_ips = args.batch / statistics.median(runs["torch"]["seconds"])
    ref = runs["torch"]["out"].reshape(args.batch, -1)
    rows = []
    for flags, dtype in variants:
        jax_ips = args.batch / statistics.median(runs[flags, dtype]["seconds"])
        out = runs[flags, dtype]["out"].reshape(args.batch, -1)
        rows.append(
            {
                "arch": arch,
                "layer": layer,
                "batch": args.batch,
                "threads": args.threads,
                "XLA_FLAGS": flags or "(none)",
                "dtype": dtype,
                "jaxdl img/s": round(jax_ips, 2),
                "torch img/s": round(torch_ips, 2),
                "ratio": round(jax_ips / torch_ips, 2),
                "jaxdl peak RSS MB": round(runs[flags, dtype]["rss"]),
                "torch peak RSS MB": round(runs["torch"]["rss"]),
                "max rel diff": float(np.abs(out - ref).max() / np.abs(ref).max()),
            }
        )
    return rows


def target(text: str) -> tuple[str, str]:
    """(arch, layer) of an --arch value: ARCH:LAYER, or ARCH up to the layer before its classifier (fc8, fc, conv10)."""
    from jaxdl import models
    from jaxdl.models.named import check_layer

    arch, _, layer = text.partition(":")
    names = models.layer_names(arch)  # a JaxdlError listing the archs if unknown
    classifier = next(name for name in reversed(names) if name in ("fc8", "fc", "conv10"))
    layer = layer or names[names.index(classifier) - 1]
    check_layer(layer, names)
    return arch, layer


def main(argv: list[str] | None = None) -> list[dict]:
    from jaxdl.report import markdown_table, write_table

    args = parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for arch, layer in map(target, args.arch):
            weights = Path(tmp) / f"{arch}.safetensors"
            save_weights(arch, weights)
            rows += bench(arch, layer, args, weights)
            print(markdown_table(rows[-len(args.xla_flags) * len(args.dtypes) :]), flush=True)
    print(markdown_table(rows))
    md, csv_path = write_table(rows, args.out / "features")
    print(f"wrote {md} and {csv_path}")
    return rows


if __name__ == "__main__":
    main()
