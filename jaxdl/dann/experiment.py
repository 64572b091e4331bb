"""Multi-seed comparisons of DANN and its baselines (the README tables and the lam ablation)."""

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np

from jaxdl.dann import domains
from jaxdl.dann.train import fit, network, predict
from jaxdl.errors import DataError

Arrays = tuple[np.ndarray, np.ndarray]


def prepare(source_spec: str, target_spec: str, eval_fraction: float = 0.5, photos: str | Path | None = None, seed: int = 0,
            split: str = "test", source_eval_fraction: float | None = None, eval_split: str | None = None,
            scale: str = "centered", resize: str = "pil") -> list[tuple[Arrays, Arrays]]:
    """((source train, source test), (target train, target test)) of two domain specs, last fraction of each held out.

    `scale` and `resize` are the input conventions of `domains.as_domain`.
    `source_eval_fraction` (default: `eval_fraction`) lets a small source keep most images for training. With
    `eval_split` (the paper's protocol: train on "train", test on "test"), each domain trains on all of its `split`
    range and is evaluated on the whole `eval_split`.
    """
    if not eval_split:  # with an evaluation split, shared training digits are the paper's own protocol
        domains.check_disjoint(source_spec, target_spec)
    parts = []
    fractions = (eval_fraction if source_eval_fraction is None else source_eval_fraction, eval_fraction)
    for spec, fraction in zip((source_spec, target_spec), fractions):
        x, y = domains.as_domain(*domains.load(spec, photos, seed, split), name=spec, scale=scale, resize=resize)
        if eval_split:
            whole = domains.without_range(spec)
            held_out = domains.load(whole, photos, seed, eval_split)
            parts.append(((x, y), domains.as_domain(*held_out, name=whole, scale=scale, resize=resize)))
            continue
        cut = len(x) - round(len(x) * fraction)
        if cut <= 0 or cut >= len(x):
            raise DataError(f"eval fraction {fraction} leaves no training or no evaluation images of {len(x)} in {spec}")
        parts.append(((x[:cut], y[:cut]), (x[cut:], y[cut:])))
    domains.check_pair(parts[0][0][0], parts[1][0][0])
    return parts


def jaxdl_classifier(method: str, source: Arrays, target: Arrays, seed: int, **fit_options) -> Callable[[np.ndarray], np.ndarray]:
    """Train `method` with jaxdl's `fit`; returns images -> predicted classes."""
    state, _ = fit(method, source, target, seed=seed, **fit_options)
    model = network(method, fit_options.get("init", "torch"), seed)
    return lambda images: predict(state.params, images, model=model)[0]


def compare(source: tuple[Arrays, Arrays], target: tuple[Arrays, Arrays], methods: Sequence[str], seeds: Iterable[int],
            train: Callable = jaxdl_classifier, **fit_options) -> list[dict]:
    """One row per (method, seed): source and target test accuracy in %.

    `train(method, source train, target train, seed, **fit_options)` returns a classifier (images -> classes): jaxdl's by
    default, scripts/dann_reference_torch.py passes PyTorch's.
    """
    rows = []
    for seed in seeds:
        for method in methods:
            classify = train(method, source[0], target[0], seed, **fit_options)
            rows.append({"method": method, "seed": seed, "source acc %": 100 * float((classify(source[1][0]) == source[1][1]).mean()),
                         "target acc %": 100 * float((classify(target[1][0]) == target[1][1]).mean())})
    return rows


def summarise(rows: list[dict], key: str = "method") -> list[dict]:
    """Mean ± sd over seeds of each `key` value's accuracies, in first-seen order."""
    out = []
    for value in dict.fromkeys(r[key] for r in rows):
        group = [r for r in rows if r[key] == value]
        cell = {k: f"{np.mean([r[k] for r in group]):.1f} ± {np.std([r[k] for r in group]):.1f}"
                for k in ("source acc %", "target acc %")}
        out.append({key: value, "seeds": len(group), **cell})
    return out


def method_means(rows: list[dict]) -> dict[str, dict[str, float]]:
    """{method: {"source acc %": mean, "target acc %": mean}} over the seeds of `compare`'s rows."""
    return {m: {k: float(np.mean([r[k] for r in rows if r["method"] == m])) for k in ("source acc %", "target acc %")}
            for m in dict.fromkeys(r["method"] for r in rows)}
