"""Measured GAN quality in the scoring classifier's space: conditional accuracy, Fréchet distance, mode coverage."""

import numpy as np
from scipy import linalg

from jaxdl.features import extract
from jaxdl.models.small import SmallCNN


def classifier_outputs(variables: dict, images: np.ndarray, batch_size: int = 500) -> tuple[np.ndarray, np.ndarray]:
    """(features (N, 128), predicted labels (N,)) of images in [-1, 1], from one pass per padded batch: the scorer's
    parameters are arguments of the compiled function, so new samples or another epoch reuse its compilation."""
    model = SmallCNN(variables["params"]["fc2"]["bias"].shape[0])
    out = extract(model, variables, images, batch_size=batch_size, progress=False, layers=("features", "logits"))
    return out["features"], out["logits"].argmax(axis=-1)


def frechet_distance(a: np.ndarray, b: np.ndarray, eps: float = 1e-6) -> float:
    """||mu_a - mu_b||^2 + Tr(S_a + S_b - 2 (S_a S_b)^1/2) between Gaussians fitted to two feature sets (FID's formula).

    `eps` on the covariance diagonals keeps the square root defined when ReLU features are dead (zero variance)."""
    mu_a, mu_b = a.mean(0), b.mean(0)
    offset = eps * np.eye(a.shape[1])
    cov_a, cov_b = np.cov(a, rowvar=False) + offset, np.cov(b, rowvar=False) + offset
    root = linalg.sqrtm(cov_a @ cov_b).real  # tiny imaginary parts are numerical noise
    return float(np.sum((mu_a - mu_b) ** 2) + np.trace(cov_a + cov_b - 2 * root))


def conditional_accuracy(predicted: np.ndarray, conditioning: np.ndarray) -> float:
    """Fraction of samples the classifier assigns to the label they were generated for."""
    return float(np.mean(predicted == conditioning))


def mode_coverage(predicted: np.ndarray, num_classes: int, min_share: float = 0.01) -> int:
    """How many classes hold at least `min_share` of the samples (mode collapse shows as a low count)."""
    counts = np.bincount(predicted, minlength=num_classes)
    return int(np.sum(counts >= min_share * len(predicted)))


def score_samples(variables: dict, samples: np.ndarray, conditioning: np.ndarray | None,
                  real_features: np.ndarray, num_classes: int) -> dict[str, float]:
    """Fréchet distance to the held-out real features, mode coverage and (conditional G) conditional accuracy."""
    features, predicted = classifier_outputs(variables, samples)
    scores = {"frechet": frechet_distance(features, real_features), "modes": mode_coverage(predicted, num_classes)}
    if conditioning is not None:
        scores["cond_acc"] = conditional_accuracy(predicted, conditioning)
    return scores

