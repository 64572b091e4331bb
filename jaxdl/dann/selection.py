"""Choosing an epoch without target labels: unsupervised validation scores of the target's class probabilities
(information maximisation; the soft neighbourhood density of Saito et al. 2021), and the epoch each score picks
against the best and the last ones. Both scores are higher-is-better and read no label."""

from collections.abc import Callable

import numpy as np
from scipy.special import entr, softmax

SND_TEMPERATURE = 0.05  # Saito et al.'s tau


def information_maximisation(probs: np.ndarray) -> float:
    """H(mean prediction) - mean H(prediction), natural log: high when each prediction is confident and the classes are
    used evenly (the negative of the IM loss of SHOT, Liang et al. 2020); 0 to log C."""
    probs = np.asarray(probs, np.float64)
    return float(entr(probs.mean(0)).sum() - entr(probs).sum(-1).mean())


def soft_neighbourhood_density(probs: np.ndarray, temperature: float = SND_TEMPERATURE) -> float:
    """Mean entropy of each example's softmax over its cosine similarities to the others (itself excluded) / tau: high
    when examples have many close neighbours (Saito et al. 2021, on class probabilities as their default)."""
    unit = np.asarray(probs, np.float64) / np.linalg.norm(probs, axis=-1, keepdims=True)
    similarity = unit @ unit.T / temperature
    np.fill_diagonal(similarity, -np.inf)
    return float(entr(softmax(similarity, axis=-1)).sum(-1).mean())


SCORES: dict[str, Callable[[np.ndarray], float]] = {"im": information_maximisation, "snd": soft_neighbourhood_density}


def scores(probs: np.ndarray) -> dict[str, float]:
    """Every unsupervised score of one epoch's target class probabilities (N, C), by its record key."""
    return {name: score(probs) for name, score in SCORES.items()}


def selection_rows(method: str, records: list[dict]) -> list[dict]:
    """The epoch and target accuracy that each criterion picks from `method`'s per-epoch records: the last epoch, the
    best (an oracle: it reads the target labels), and the highest of each score (those records holding it)."""
    epochs = [r for r in records if "target_acc" in r]
    if not epochs:  # a history written before target accuracy was recorded
        return []
    picks = {"last epoch": epochs[-1], "best epoch (target labels)": max(epochs, key=lambda r: r["target_acc"])}
    for name in SCORES:
        if all(name in r for r in epochs):
            picks[f"highest {name.upper()}"] = max(epochs, key=lambda r: r[name])
    best = picks["best epoch (target labels)"]["target_acc"]
    return [{"method": method, "picked by": criterion, "epoch": r["epoch"], "target acc %": 100 * r["target_acc"],
             "below best (points)": 100 * (best - r["target_acc"])} for criterion, r in picks.items()]
