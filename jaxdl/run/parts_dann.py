"""The domain-adaptation part: DANN against its baselines (source only, target only) on one source -> target pair.

Default: the embedded digits -> digits-M (digits blended with scikit-image photos); `source`/`target` take the
domain specs of `jaxdl dann` (e.g. MNIST -> MNIST-M from ../shared). Each method keeps Orbax checkpoints per
epoch under the part's folder, so an interrupted run resumes from its last epoch.
"""

import math
from pathlib import Path

from jaxdl.dann.experiment import prepare
from jaxdl.dann.train import accuracy, fit
from jaxdl.figures import plot_curves
from jaxdl.run.runner import Result
from jaxdl.run.settings import DannPart
from jaxdl.training import epoch_records


def dann_part(settings: DannPart, folder: Path, progress: bool) -> Result:
    """Train each method; the accuracy table (source and target test) and the per-epoch losses."""
    seed = settings.seed
    (src_train, src_test), (tgt_train, tgt_test) = prepare(settings.source, settings.target,
                                                           photos=settings.photos or None, seed=seed,
                                                           source_eval_fraction=settings.source_eval_fraction)
    rows, curves = [], {}
    for method in settings.methods:
        state, history = fit(method, src_train, tgt_train, epochs=settings.epochs, batch_size=settings.batch_size,
                             seed=seed, ckpt_dir=(folder / "ckpt" / method).resolve())
        rows.append({"method": method, "source acc %": 100 * accuracy(state.params, src_test),
                     "target acc %": 100 * accuracy(state.params, tgt_test)})
        for record in epoch_records(history):
            curves.setdefault(record["epoch"], {"epoch": record["epoch"]}).update(
                {f"{method} {k}": v for k, v in record.items() if k in ("label_loss", "domain_loss") and math.isfinite(v)})
    result = Result(notes=[f"{settings.source} -> {settings.target}: {len(src_train[0])} / {len(tgt_train[0])} "
                           f"training images, {settings.epochs} epochs, seed {seed}"])
    result.tables.append(("source and target test accuracy per method", rows))
    names = list(dict.fromkeys(key for record in curves.values() for key in record if key != "epoch"))
    plot_curves(list(curves.values()), "epoch", names, folder / "losses.png", "label and domain losses per epoch")
    result.figures.append(("label loss (source) and domain loss (DANN) per epoch", "losses.png"))
    return result
