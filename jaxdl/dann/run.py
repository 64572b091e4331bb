"""The DANN practical as one experiment: `run(config, out)` trains every method of the config on its domains and
writes the table, the loss curves and the feature embedding; `jaxdl dann`, `jaxdl run` and the notebook call it.

Each method keeps its Orbax checkpoints and history under OUT/runs/METHOD, so an interrupted run resumes there and
a finished one trains nothing again.
"""

import math
from pathlib import Path

from jaxdl import parallel
from jaxdl.dann.adistance import proxy_a_distance
from jaxdl.dann.config import DannConfig, domains, fit_options
from jaxdl.dann.figures import plot_embedding, plot_tsne
from jaxdl.dann.selection import selection_rows
from jaxdl.dann.train import accuracy, fit, network, predict
from jaxdl.figures import plot_curves
from jaxdl.report import Headline, Result, write_table
from jaxdl.training import epoch_records

EMBEDDED = 500  # test images per domain in the embedding figure
PER_EPOCH = ("label_loss", "domain_loss", "domain_acc", "target_acc")  # the per-epoch table's and figure's columns


def run(config: DannConfig, out: str | Path, progress: bool = True) -> Result:
    """Train each method (resuming under OUT/runs/METHOD); write OUT/table.{md,csv}, epochs.{md,csv}, selection.{md,csv},
    curves.png, embedding.png and tsne.png."""
    out = Path(out)
    (src_train, src_test), (tgt_train, tgt_test) = domains(config)
    rows, curves, features, selected = [], {}, {}, []
    for method in config.methods:
        state, history = fit(method, src_train, tgt_train, seed=config.seed, ckpt_dir=(out / "runs" / method).resolve(),
                             progress=progress, target_test=tgt_test, **fit_options(config))
        model = network(method, config.init, config.seed)
        rows.append({"method": method, "seed": config.seed, "source acc %": 100 * accuracy(state.params, src_test, model=model),
                     "target acc %": 100 * accuracy(state.params, tgt_test, model=model)})
        features[method] = tuple(predict(state.params, x[:EMBEDDED], model=model)[1] for x in (src_test[0], tgt_test[0]))
        rows[-1]["A-distance"] = proxy_a_distance(*features[method], seed=config.seed)
        selected += selection_rows(method, epoch_records(history))
        for record in epoch_records(history):
            curves.setdefault(record["epoch"], {"epoch": record["epoch"]}).update(
                {f"{method} {k}": record[k] for k in PER_EPOCH if math.isfinite(record.get(k, math.nan))})
    if parallel.primary():  # one process writes; every one computed the numbers above (collectives)
        write_table(rows, out / "table")
        write_table(list(curves.values()), out / "epochs")
        write_table(selected, out / "selection")
        names = list(dict.fromkeys(key for record in curves.values() for key in record if key != "epoch"))
        plot_curves(list(curves.values()), "epoch", names, out / "curves.png",
                    "label and domain losses, domain and target accuracy per epoch")
        plot_embedding(features, out / "embedding.png")
        plot_tsne(features, (src_test[1][:EMBEDDED], tgt_test[1][:EMBEDDED]), out / "tsne.png", config.seed)
    note = (f"{config.source} -> {config.target}: {len(src_train[0])} / {len(tgt_train[0])} training images, "
            f"{config.epochs} epochs, seed {config.seed}")
    return Result(tables=[("source and target test accuracy, and the proxy A-distance of their test features (a linear "
                           "SVM on up to 500 images per domain), per method", rows),
                          ("per epoch: label and domain loss, domain classifier accuracy (training batches), target "
                           "test accuracy", list(curves.values())),
                          ("choosing an epoch without target labels: target test accuracy of the last epoch, of the best "
                           "(read from the labels), and of the epoch with the highest information maximisation (IM) or "
                           "soft neighbourhood density (SND) of the unlabelled target training images", selected)],
                  figures=[("label loss (source), domain loss and accuracy (methods with a domain classifier), target "
                            "test accuracy per epoch", "curves.png"),
                           ("test features of source (blue) and target (red), PCA, per method", "embedding.png"),
                           ("t-SNE of the same features, by domain (top) and by class (bottom), per method", "tsne.png")],
                  notes=[note], headline=Headline("target test accuracy %", {r["method"]: r["target acc %"] for r in rows}, note))
