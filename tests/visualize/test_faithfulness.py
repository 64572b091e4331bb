"""Deletion and insertion curves: optimal for the exact contributions of a linear network (against every ordering of a
6-pixel image and random orderings of a larger one), known values by hand, one-line errors for bad options."""

import itertools

import flax.linen as nn
import jax.numpy as jnp
import numpy as np
import pytest

from jaxdl.errors import JaxdlError
from jaxdl.visualize.faithfulness import area, baseline_images, deletion_insertion, step_counts
from jaxdl.visualize.integrated_gradients import integrated_gradients
from jaxdl.visualize.pixel_maps import check_methods, per_pixel


class Linear(nn.Module):
    """Two classes: logit 0 is 0, logit 1 is w . x, so p(class 1) = sigmoid(w . x) rises with the score."""

    @nn.compact
    def __call__(self, x: jnp.ndarray, train: bool = False) -> jnp.ndarray:
        w = self.param("w", nn.initializers.normal(1.0), x.shape[1:])
        score = (x * w).sum(axis=(1, 2, 3))
        return jnp.stack([jnp.zeros_like(score), score], axis=1)


def linear_case(shape: tuple[int, int, int], seed: int) -> tuple[dict, np.ndarray, np.ndarray]:
    """(variables, one image, its exact per-pixel contributions x . w summed over channels, from integrated gradients)."""
    rng = np.random.default_rng(seed)
    variables = {"params": {"w": jnp.asarray(rng.normal(size=shape), jnp.float32)}}
    image = jnp.asarray(rng.uniform(size=(1, *shape)), jnp.float32)
    attributions, _ = integrated_gradients(Linear(), variables, image, jnp.array([1]), baseline=0.0, steps=2)
    return variables, np.asarray(image), per_pixel("ig", np.asarray(attributions))


def curves_of(variables: dict, image: np.ndarray, maps: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Deletion and insertion curves of one image under each of `maps` (zeros baseline, class 1)."""
    images = np.repeat(image, len(maps), axis=0)
    out = deletion_insertion(Linear(), variables, jnp.asarray(images), jnp.zeros_like(images), jnp.asarray(maps),
                             jnp.ones(len(maps), jnp.int32), jnp.asarray(counts))
    return tuple(np.asarray(curve) for curve in out)


def test_exact_contributions_beat_every_ordering_of_six_pixels():
    variables, image, contributions = linear_case((2, 3, 1), seed=0)
    counts = step_counts(6, 1 / 6)
    orders = np.array(list(itertools.permutations(range(6))))  # all 720 orderings, as maps: the first pixel highest
    maps = np.zeros((len(orders), 6), np.float32)
    np.put_along_axis(maps, orders, np.arange(6, 0, -1, dtype=np.float32), axis=1)
    deletion, insertion = curves_of(variables, image, np.concatenate([contributions, maps.reshape(-1, 2, 3)]), counts)
    # greedy is optimal at every point: the k largest contributions removed leave the lowest score of any k pixels
    np.testing.assert_array_equal(deletion[0], deletion[1:].min(axis=0))
    np.testing.assert_array_equal(insertion[0], insertion[1:].max(axis=0))
    deletion_areas, insertion_areas = area(deletion, counts), area(insertion, counts)
    assert deletion_areas[0] == deletion_areas[1:].min() and (deletion_areas[1:] == deletion_areas[0]).sum() == 1
    assert insertion_areas[0] == insertion_areas[1:].max() and (insertion_areas[1:] == insertion_areas[0]).sum() == 1
    # and the curve is sigmoid(score minus the removed contributions), by hand
    removed = np.concatenate([[0], np.cumsum(np.sort(contributions.ravel())[::-1])])
    expected = 1 / (1 + np.exp(-(contributions.sum() - removed)))
    np.testing.assert_allclose(deletion[0], expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(deletion[0][[0, -1]], [expected[0], 0.5], rtol=1e-5)  # all removed: score 0


def test_exact_contributions_beat_random_orderings_of_a_colour_image():
    variables, image, contributions = linear_case((8, 8, 3), seed=1)
    counts = step_counts(64, 0.1)  # round(6.4) = 6 pixels a step: 0, 6, ..., 60, 64
    assert counts.tolist() == [0, 6, 12, 18, 24, 30, 36, 42, 48, 54, 60, 64]
    randoms = np.random.default_rng(2).random((200, 8, 8), np.float32)
    deletion, insertion = curves_of(variables, image, np.concatenate([contributions, randoms]), counts)
    assert (deletion[0] <= deletion[1:]).all() and (insertion[0] >= insertion[1:]).all()
    deletion_areas, insertion_areas = area(deletion, counts), area(insertion, counts)
    assert (deletion_areas[0] < deletion_areas[1:]).all() and (insertion_areas[0] > insertion_areas[1:]).all()
    np.testing.assert_array_equal(deletion[:, 0], deletion[0, 0])  # nothing removed yet: the image's own probability
    np.testing.assert_array_equal(insertion[:, -1], deletion[0, 0])  # everything revealed: the image again


def test_known_areas_steps_and_baselines():
    assert step_counts(10, 0.3).tolist() == [0, 3, 6, 9, 10]
    assert step_counts(5, 1e-9).tolist() == [0, 1, 2, 3, 4, 5]  # at least one pixel a step
    counts = np.array([0, 3, 6, 9, 10])
    np.testing.assert_allclose(area(np.array([[1.0, 1, 1, 1, 0], [0.5] * 5]), counts), [0.95, 0.5])
    np.testing.assert_allclose(area(np.array([1.0, 0.7, 0.4, 0.1, 0.0]), counts), 0.5)  # the line 1 - x
    pixels = np.arange(2 * 2 * 2 * 3, dtype=np.float32).reshape(2, 2, 2, 3) / 24
    mean = baseline_images("mean", pixels)
    np.testing.assert_allclose(mean[1, 0, 1], pixels[1].mean(axis=(0, 1)), rtol=1e-6)
    assert baseline_images("zeros", pixels).max() == 0 and baseline_images("blur", pixels).shape == pixels.shape
    flat = np.full((1, 16, 16, 1), 0.25, np.float32)
    np.testing.assert_allclose(baseline_images("blur", flat, sigma=2.0), flat, rtol=1e-6)  # a flat image stays flat


@pytest.mark.parametrize("call, message", [
    (lambda: step_counts(100, 0), "the curve step must be a fraction of the pixels in (0, 1], got 0"),
    (lambda: step_counts(100, -0.1), "the curve step must be a fraction of the pixels in (0, 1], got -0.1"),
    (lambda: step_counts(100, 2.0), "the curve step must be a fraction of the pixels in (0, 1], got 2.0"),
    (lambda: baseline_images("grey", np.zeros((1, 2, 2, 3))), "unknown curve baseline 'grey'; choose one of: zeros, mean, blur"),
    (lambda: check_methods(["vanilla", "lime"]),
     "unknown attribution method 'lime'; choose from: vanilla, smoothgrad, ig, gradcam, guided, random"),
    (lambda: check_methods([]), "no attribution method given; choose from: vanilla, smoothgrad, ig, gradcam, guided, random"),
])
def test_bad_arguments_are_one_clear_line(call, message):
    with pytest.raises(JaxdlError) as err:
        call()
    assert str(err.value) == message
