"""The DANN practical as one experiment: `run(config, out)` trains every method of the config on its domains and
writes the table, the loss curves and the feature embedding; `jaxdl dann`, `jaxdl run` and the notebook call it.

Each method keeps its Orbax checkpoints and history under OUT/runs/METHOD, so an interrupted run resumes there and
a finished one trains nothing again.
"""

import math
from pathlib import Path

from jaxdl.dann.config import DannConfig, domains, fit_options
from jaxdl.dann.figures import plot_embedding
from jaxdl.dann.train import accuracy, fit, predict
from jaxdl.figures import plot_curves
from jaxdl.report import Result, write_table
from jaxdl.training import epoch_records

EMBEDDED = 500  # test images per domain in the embedding figure


def run(config: DannConfig, out: str | Path, progress: bool = True) -> Result:
    """Train each method (resuming under OUT/runs/METHOD); write OUT/table.{md,csv}, curves.png and embedding.png."""
    out = Path(out)
    (src_train, src_test), (tgt_train, tgt_test) = domains(config)
    rows, curves, features = [], {}, {}
    for method in config.methods:
        state, history = fit(method, src_train, tgt_train, seed=config.seed, ckpt_dir=(out / "runs" / method).resolve(),
                             progress=progress, **fit_options(config))
        rows.append({"method": method, "seed": config.seed, "source acc %": 100 * accuracy(state.params, src_test),
                     "target acc %": 100 * accuracy(state.params, tgt_test)})
        features[method] = (predict(state.params, src_test[0][:EMBEDDED])[1], predict(state.params, tgt_test[0][:EMBEDDED])[1])
        for record in epoch_records(history):
            curves.setdefault(record["epoch"], {"epoch": record["epoch"]}).update(
                {f"{method} {k}": v for k, v in record.items() if k in ("label_loss", "domain_loss") and math.isfinite(v)})
    write_table(rows, out / "table")
    names = list(dict.fromkeys(key for record in curves.values() for key in record if key != "epoch"))
    plot_curves(list(curves.values()), "epoch", names, out / "curves.png", "label and domain losses per epoch")
    plot_embedding(features, out / "embedding.png")
    note = (f"{config.source} -> {config.target}: {len(src_train[0])} / {len(tgt_train[0])} training images, "
            f"{config.epochs} epochs, seed {config.seed}")
    return Result(tables=[("source and target test accuracy per method", rows)],
                  figures=[("label loss (source) and domain loss (DANN) per epoch", "curves.png"),
                           ("test features of source (blue) and target (red), PCA, per method", "embedding.png")],
                  notes=[note])
