"""The course's transfer pipeline in PyTorch, as the reference for `jaxdl transfer` (no jaxdl inside).

    python scripts/transfer_reference_torch.py --root ../shared/data/15scene \\
        --weights ../shared/weights/squeezenet1_0-imagenet-dc.safetensors --layers fire9,conv10 --C 0.1,1,10

torchvision's squeezenet1_0 (or 1_1) with the state_dict of --weights (.safetensors or .pth),
torchvision transforms as the course writes them (Resize((224, 224)), gray -> RGB, ToTensor,
Normalize with ImageNet's mean/std), forward hooks at the course's layer names (the pass stops
after the last one), spatial average pooling, L2 normalisation, scikit-learn's LinearSVC.
Reads the pre-split layout ROOT/{train,test}/CLASS/*; --per-class takes the first images of each
class in sorted file order (what `jaxdl transfer --per-class` takes). Writes OUT/torch_svm.{md,csv}.
"""

import argparse
import csv
import time
from pathlib import Path

import numpy as np
import torch
import torchvision
from PIL import Image
from sklearn.preprocessing import normalize
from sklearn.svm import LinearSVC
from torchvision import transforms

# The course's (Caffe) names of torchvision SqueezeNet modules; features.i in order, then the classifier.
FEATURES = {
    "squeezenet1_0": "conv1 relu1 pool1 fire2 fire3 fire4 pool4 fire5 fire6 fire7 fire8 pool8 fire9",
    "squeezenet1_1": "conv1 relu1 pool1 fire2 fire3 pool3 fire4 fire5 pool5 fire6 fire7 fire8 fire9",
}
CLASSIFIER = {"conv10": "classifier.1"}
EXTENSIONS = {".jpg", ".jpeg", ".png", ".bmp", ".gif", ".tif", ".tiff", ".ppm", ".pgm", ".webp"}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=Path, required=True, help="ROOT/{train,test}/CLASS/image files")
    parser.add_argument("--arch", choices=sorted(FEATURES), default="squeezenet1_0")
    parser.add_argument("--weights", type=Path, required=True, help="torchvision state_dict (.safetensors or .pth)")
    parser.add_argument("--layers", default="fire9", help="comma-separated course layer names (default fire9)")
    parser.add_argument("--C", default="1", help="comma-separated LinearSVC C values (default 1)")
    parser.add_argument("--per-class", default=None, metavar="TRAIN,TEST", help="only the first TRAIN / TEST files of each class")
    parser.add_argument("--size", type=int, default=224)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's choice)")
    parser.add_argument("--out", type=Path, default=Path("runs/transfer_torch"))
    return parser.parse_args(argv)


def split_files(root: Path, per_class: list[int] | None) -> dict[str, tuple[list[Path], np.ndarray]]:
    """{"train"/"test": (files, labels)}: class folders sorted by name, files sorted by name, optionally the first few."""
    splits = {}
    for s, split in enumerate(("train", "test")):
        classes = sorted(d for d in (root / split).iterdir() if d.is_dir())
        files, labels = [], []
        for label, folder in enumerate(classes):
            paths = sorted(p for p in folder.iterdir() if p.suffix.lower() in EXTENSIONS)
            paths = paths[: per_class[s]] if per_class else paths
            files += paths
            labels += [label] * len(paths)
        splits[split] = (files, np.array(labels))
    return splits


def load_model(arch: str, weights: Path) -> torch.nn.Module:
    """torchvision's `arch` in eval mode with the given state_dict."""
    model = getattr(torchvision.models, arch)(weights=None).eval()
    if weights.suffix == ".safetensors":
        from safetensors.torch import load_file

        state = load_file(str(weights))
    else:
        state = torch.load(weights, map_location="cpu", weights_only=True)
    model.load_state_dict(state)
    return model


class _Done(Exception):
    """Raised by the last hook: nothing after the deepest requested layer runs."""


def features(model: torch.nn.Module, arch: str, files: list[Path], layers: list[str], size: int, batch_size: int) -> dict[str, np.ndarray]:
    """{layer: (N, C) spatially averaged activations} of the files, from one pass per batch stopped after the deepest layer."""
    names = {**{n: f"features.{i}" for i, n in enumerate(FEATURES[arch].split())}, **CLASSIFIER}
    modules = dict(model.named_modules())
    order = sorted(layers, key=list(names).index)
    caught: dict[str, torch.Tensor] = {}

    def hook(layer: str):
        def record(_module: torch.nn.Module, _inputs: tuple, output: torch.Tensor) -> None:
            caught[layer] = output.mean(dim=(2, 3))  # before any in-place ReLU changes it
            if layer == order[-1]:
                raise _Done

        return record

    handles = [modules[names[layer]].register_forward_hook(hook(layer)) for layer in layers]
    transform = transforms.Compose(
        [
            transforms.Resize((size, size)),
            transforms.Lambda(lambda image: image.convert("RGB")),
            transforms.ToTensor(),
            transforms.Normalize((0.485, 0.456, 0.406), (0.229, 0.224, 0.225)),
        ]
    )
    out = {layer: [] for layer in layers}
    for start in range(0, len(files), batch_size):
        batch = torch.stack([transform(Image.open(path)) for path in files[start : start + batch_size]])
        with torch.inference_mode():
            try:
                model(batch)
            except _Done:
                pass
        for layer in layers:
            out[layer].append(caught[layer].numpy().copy())
    for handle in handles:
        handle.remove()
    return {layer: np.concatenate(blocks) for layer, blocks in out.items()}


def sweep(train: np.ndarray, y_train: np.ndarray, test: np.ndarray, y_test: np.ndarray, Cs: list[float]) -> list[dict]:
    """L2-normalised features, one LinearSVC per C; rows {C, train_acc, test_acc}."""
    train, test = normalize(train), normalize(test)
    rows = []
    for C in Cs:
        svm = LinearSVC(C=C).fit(train, y_train)
        rows.append({"C": C, "train_acc": svm.score(train, y_train), "test_acc": svm.score(test, y_test)})
    return rows


def run(args: argparse.Namespace) -> tuple[list[dict], dict]:
    """The whole pipeline; returns the table rows and {split: {layer: features}}."""
    if args.threads:
        torch.set_num_threads(args.threads)
    per_class = [int(n) for n in args.per_class.split(",")] if args.per_class else None
    layers, Cs = args.layers.split(","), [float(c) for c in args.C.split(",")]
    model = load_model(args.arch, args.weights)
    splits = split_files(args.root, per_class)
    start = time.perf_counter()
    feats = {split: features(model, args.arch, files, layers, args.size, args.batch_size) for split, (files, _) in splits.items()}
    print(f"features of {', '.join(layers)}: {time.perf_counter() - start:.1f}s")
    (_, y_train), (_, y_test) = splits["train"], splits["test"]
    rows = [
        {"layer": layer, **row}
        for layer in layers
        for row in sweep(feats["train"][layer], y_train, feats["test"][layer], y_test, Cs)
    ]
    return rows, feats


def main(argv: list[str] | None = None) -> list[dict]:
    args = parse_args(argv)
    rows, _ = run(args)
    args.out.mkdir(parents=True, exist_ok=True)
    with (args.out / "torch_svm.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    lines = ["| layer | C | train_acc | test_acc |", "|---|---|---|---|"]
    lines += [f"| {r['layer']} | {r['C']:g} | {r['train_acc']:.4f} | {r['test_acc']:.4f} |" for r in rows]
    (args.out / "torch_svm.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return rows


if __name__ == "__main__":
    main()
