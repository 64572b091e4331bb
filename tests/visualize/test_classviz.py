"""Class visualization: the blur equals scipy's, the course loop equals a PyTorch transcription, digits reach p > 0.9."""

from dataclasses import replace

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch
import torchvision
from parity import to_nhwc, to_torch
from scipy.ndimage import gaussian_filter1d
from torch_classviz import torch_course_loop

from jaxdl import models
from jaxdl.cli import main
from jaxdl.data.imagenet import MEAN, STD
from jaxdl.keys import prng_key
from jaxdl.visualize.blur import gaussian_blur
from jaxdl.visualize.classviz import CourseSettings, jitter_offsets, visualize_classes
from jaxdl.visualize.subject import Subject, digits_subject
from jaxdl.weights import from_torchvision

pytestmark = pytest.mark.parity


@pytest.mark.parametrize("shape, sigma", [((2, 5, 7, 3), 0.5), ((1, 9, 4, 1), 1.3), ((1, 11, 13, 3), 2.2)])
def test_blur_equals_scipy(shape, sigma):
    x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    expected = gaussian_filter1d(gaussian_filter1d(x, sigma, axis=1), sigma, axis=2)  # mode 'reflect', truncate 4
    err = np.abs(np.asarray(gaussian_blur(x, sigma)) - expected).max()
    assert err < 1e-6, err  # radius 9 > 4 pixels in the second case: the reflection repeats, as scipy's


@pytest.fixture
def one_torch_thread():
    """torch on one thread: on a loaded 2-core machine two OpenMP threads spin-wait ~100x slower."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def test_course_loop_equals_torch_transcription(one_torch_thread):
    """Same noise, same jitter: float64 on both sides, as float32 rounding flips ReLU/max-pool kinks within ~10 steps."""
    torch.manual_seed(0)
    net = torchvision.models.squeezenet1_1(weights=None).eval()  # the course's network, random weights
    variables = from_torchvision("squeezenet1_1", net.state_dict())
    settings = CourseSettings(iterations=20)  # the blur runs at t = 0 and t = 10
    targets, noise = [3, 417], np.random.default_rng(0).standard_normal((2, 64, 64, 3))
    offsets = np.asarray(jitter_offsets(prng_key(1), settings.iterations, settings.max_jitter))
    with jax.enable_x64(True):
        subject = Subject(models.create("squeezenet1_1"), jax.tree.map(lambda a: jnp.asarray(a, jnp.float64), variables),
                          jnp.asarray(MEAN), jnp.asarray(STD), tuple(map(str, range(1000))), "squeezenet1_1 (random)")
        ours = visualize_classes(subject, targets, init=noise, settings=settings, offsets=offsets, progress=False)
    net.double()
    low, high = -MEAN / STD, (1 - MEAN) / STD
    for k, target in enumerate(targets):
        theirs = to_nhwc(torch_course_loop(net, to_torch(noise[k:k + 1]), target, offsets, settings, low, high))
        still = to_nhwc(torch_course_loop(net, to_torch(noise[k:k + 1]), target, offsets, replace(settings, lr=0.0), low, high))
        err = np.abs(ours.images[k:k + 1] - theirs).max() / (high - low).max()
        assert err < 1e-6 and np.abs(theirs - still).max() > 0.03, err  # the class score's gradient moved it
    assert ours.images.dtype == np.float64 and not ours.zero_steps.any()
    assert ours.frames.shape == (3, 2, 64, 64, 3) and np.array_equal(ours.frames[-1], ours.images)


def test_digits_reach_their_class():
    subject = digits_subject()
    settings = CourseSettings(iterations=50, lr=1.0, max_jitter=2)  # 16 px on 224 scaled to 32 px
    result = visualize_classes(subject, range(10), key=prng_key(0), settings=settings, shape=(32, 32, 1), progress=False)
    probs = jax.nn.softmax(subject.logits(subject.variables, jnp.asarray(result.images)))
    assert np.all(np.diagonal(np.asarray(probs)) > 0.9), np.diagonal(np.asarray(probs))
    assert result.images.min() >= 0 and result.images.max() <= 1  # identity normalisation: clamped to [0, 1]


def test_classviz_command_bad_class(tmp_path, capsys):
    assert main(["visualize", "classviz", "--target", "3", "10", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err == "jaxdl visualize: error: class index 10 out of range: the network has classes 0..9\n"
    assert main(["visualize", "classviz", "--init", "image", "--param", "fourier", "--out", str(tmp_path)]) == 2
    assert capsys.readouterr().err == "jaxdl visualize: error: --param fourier starts from noise only (use --init noise)\n"
