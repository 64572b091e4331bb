"""The transfer practical as one experiment: `run(config, out)` shows the networks' layer tables, extracts (or reads
back) the features, sweeps the linear SVM over layers x C, refits the best row for its per-class table and confusion
matrix, compares networks and trains a neural head; `jaxdl transfer`, `jaxdl run` and notebook 1 call it."""

from pathlib import Path

from jaxdl import models, parallel
from jaxdl.models.named import check_layer
from jaxdl.pretrained import random_note, weights_for
from jaxdl.report import Headline, Result, write_table
from jaxdl.summary import layer_table
from jaxdl.transfer.cache import feature_folder, layer_features
from jaxdl.transfer.config import L2_CHOICES, TransferConfig, weights_of
from jaxdl.transfer.data import Data, load
from jaxdl.transfer.head import head_sweep
from jaxdl.transfer.results import accuracy_vs_c, confusion_figure, per_class
from jaxdl.transfer.svm import CLASSIFIERS, flat, l2_normalized, layer_sweep, svm_sweep


def features(config: TransferConfig, data: Data, arch: str, layers: tuple[str, ...], out: Path, progress: bool) -> dict:
    """{layer: (train, test)} features of `arch` from the one cache under OUT/features."""
    weights = weights_for(arch, weights_of(config))
    folder = feature_folder(out, data.key, arch, weights, config.pool, config.size)
    return layer_features(arch, weights, layers, data.splits, folder, config.pool, config.batch_size, config.seed, progress)


def best_refit(config: TransferConfig, data: Data, rows: list[dict], by_layer: dict, out: Path) -> tuple[dict, list[dict]]:
    """The row with the best test accuracy (as the course reports it), refitted: (its row, its per-class table);
    writes OUT/per_class.{md,csv} and OUT/confusion.png."""
    best = max(rows, key=lambda row: row["test_acc"])
    train, test = ((l2_normalized if best["l2"] else flat)(x) for x in by_layer[best["layer"]])
    (_, labels), (_, test_labels) = data.splits["train"], data.splits["test"]
    predicted = CLASSIFIERS[config.svm](train, labels, best["C"]).predict(test)
    table = per_class(test_labels, predicted, data.classes)
    if parallel.primary():  # one process writes; every one computed the same rows
        write_table(table, out / "per_class")
        name = f"{config.arch} {best['layer']} {'L2' if best['l2'] else 'raw'} C={best['C']:g}"
        confusion_figure(test_labels, predicted, data.classes, out / "confusion.png", f"{name}: test accuracy {best['test_acc']:.3f}")
    return best, table


def network_comparison(config: TransferConfig, data: Data, out: Path, progress: bool) -> list[dict]:
    """For each ARCH:LAYER of `compare`, the best test accuracy over C (L2-normalised features)."""
    rows = []
    for entry in config.compare:
        arch, layer = entry.split(":")
        train, test = features(config, data, arch, (layer,), out, progress)[layer]
        best = max(svm_sweep(train, data.splits["train"][1], test, data.splits["test"][1], config.C, fit=CLASSIFIERS[config.svm]),
                   key=lambda row: row["test_acc"])
        rows.append({"network": arch, "weights": Path(weights_for(arch, weights_of(config))).stem, "layer": layer,
                     "dim": train.shape[1], "best C": best["C"], "test_acc": best["test_acc"]})
    return rows


def run(config: TransferConfig, out: str | Path, progress: bool = True) -> Result:
    """Every table and figure of the practical under OUT (svm, per_class, networks, head .md/.csv; accuracy_vs_C.png,
    confusion.png); features cached under OUT/features."""
    out, weights = Path(out), weights_of(config)
    for layer in config.layers:
        check_layer(layer, models.create(config.arch).layer_names())  # a bad layer is an error before any work
    result = Result()
    nets = dict.fromkeys([config.arch, *(entry.split(":")[0] for entry in config.compare)])
    if note := random_note([arch for arch in nets if weights_for(arch, weights) == "random"]):
        print(f"transfer: {note}", flush=True)
        result.notes.append(note)
    for arch in config.summary:
        table = layer_table(arch, 224)
        result.tables.append((f"{arch} layers on a 224x224 input: {table[-1]['parameters']:,} parameters", table))
    data = load(config, out)
    print(data.summary, flush=True)
    result.notes.append(f"data: {data.summary} at {config.size}x{config.size}; {config.arch} weights: {weights_for(config.arch, weights)}")
    by_layer = features(config, data, config.arch, config.layers, out, progress)
    labels = data.splits["train"][1], data.splits["test"][1]
    rows = layer_sweep(by_layer.__getitem__, config.layers, *labels, config.C, L2_CHOICES[config.l2], CLASSIFIERS[config.svm])
    if parallel.primary():
        write_table(rows, out / "svm")
        accuracy_vs_c(rows, out / "accuracy_vs_C.png", f"{config.data}: {config.arch}")
    result.tables.append((f"{config.arch}: layer x C, linear SVM on {config.pool}-pooled features", rows))
    best, table = best_refit(config, data, rows, by_layer, out)
    result.tables.append((f"per class, best row ({best['layer']}, C={best['C']:g}): test accuracy {best['test_acc']:.4f}", table))
    result.headline = Headline("best linear-SVM test accuracy %", {f"{best['layer']}, C={best['C']:g}": 100 * best["test_acc"]},
                               f"{data.summary}; {config.arch} weights {weights_for(config.arch, weights)}, {config.size} px")
    result.figures += [("test accuracy against C per layer", "accuracy_vs_C.png"), ("confusion matrix of the best row", "confusion.png")]
    if config.compare:
        comparison = network_comparison(config, data, out, progress)
        if parallel.primary():
            write_table(comparison, out / "networks")
        result.tables.append(("network comparison (best C per network)", comparison))
    if config.head != "none":
        head = head_sweep(by_layer.__getitem__, (best["layer"],), *labels, config.head, config.seed, progress)
        if parallel.primary():
            write_table(head, out / "head")
        result.tables.append((f"neural head ({config.head}) on {best['layer']}, early stopping on part of the training split", head))
    return result
