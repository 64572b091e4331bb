"""Cascading randomisation: the layers re-initialised top down, every other array bit-identical (and the activations
below the randomised layers unchanged); the Spearman rank correlation against scipy's, ties included."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy.stats import spearmanr

from jaxdl.errors import JaxdlError
from jaxdl.models import create
from jaxdl.visualize.sanity import fresh_variables, layers_top_down, randomized, spearman
from jaxdl.visualize.subject import digits_subject


def test_cascading_randomisation_touches_only_the_top_layers():
    subject = digits_subject()
    images = jnp.zeros((2, 32, 32, 1))
    fresh = fresh_variables(subject.model, images, seed=1)
    layers = layers_top_down(subject.model, subject.variables, images)
    assert layers == ("fc2", "fc1", "conv2", "conv1")
    x = jnp.asarray(np.random.default_rng(0).random((2, 32, 32, 1), np.float32))
    for depth in range(len(layers) + 1):
        variables = randomized(subject.variables, fresh, layers, depth)
        for layer in layers[depth:]:  # untouched: the very same arrays
            for ours, trained in zip(jax.tree.leaves(variables["params"][layer]), jax.tree.leaves(subject.variables["params"][layer])):
                assert ours is trained
        for layer in layers[:depth]:  # re-initialised: every array differs from the trained one
            for ours, trained in zip(jax.tree.leaves(variables["params"][layer]), jax.tree.leaves(subject.variables["params"][layer])):
                assert ours.shape == trained.shape and not np.array_equal(ours, trained)
    below = randomized(subject.variables, fresh, layers, 2)  # fc2 and fc1 random: conv2's output is the trained one
    np.testing.assert_array_equal(subject.model.apply(below, x, layer="pool2"), subject.model.apply(subject.variables, x, layer="pool2"))
    assert not np.allclose(subject.model.apply(below, x), subject.model.apply(subject.variables, x))


def test_squeezenet_layers_top_down():
    model = create("squeezenet1_0")
    fresh = jax.eval_shape(lambda: fresh_variables(model, jnp.zeros((1, 224, 224, 3)), seed=0))
    top_down = ("conv10", "fire9", "fire8", "fire7", "fire6", "fire5", "fire4", "fire3", "fire2", "conv1")
    assert layers_top_down(model, fresh, jnp.zeros((1, 224, 224, 3))) == top_down


def test_depth_out_of_range_is_one_line():
    variables = {"params": {"a": jnp.zeros(1)}}
    with pytest.raises(JaxdlError, match=r"^randomisation depth must be in 0..1 \(the network's parameterised layers\), got 2$"):
        randomized(variables, variables, ("a",), 2)


def test_spearman_known_values_and_ties():
    a = jnp.arange(12.0).reshape(1, 3, 4)
    np.testing.assert_allclose(spearman(a, a ** 3), [1.0], rtol=1e-6)  # any increasing function: 1
    np.testing.assert_allclose(spearman(a, -a), [-1.0], rtol=1e-6)
    rng = np.random.default_rng(0)
    x, y = rng.integers(0, 5, (6, 40)).astype(np.float32), rng.integers(0, 3, (6, 40)).astype(np.float32)  # many ties
    y[0] = x[0] * 2 + rng.integers(0, 2, 40)
    expected = [spearmanr(xi, yi).statistic for xi, yi in zip(x, y)]
    np.testing.assert_allclose(spearman(jnp.asarray(x), jnp.asarray(y)), expected, atol=1e-5)
    assert np.isnan(spearman(jnp.zeros((1, 5)), jnp.arange(5.0)[None])[0])  # a constant map has no ranking
