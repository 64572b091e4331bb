"""Benchmark case for scripts/bench_visualize.py: 200 iterations of the course's class visualization, jaxdl vs torch.

SqueezeNet 1.0 with torchvision's random weights (seed 0; jaxdl converts the same state_dict), one 224x224
image of N(0, 1) noise, one target, the same jitter sequence on both sides. Each case returns a zero-argument
callable that runs the whole loop and waits for its result; the first jaxdl call compiles (warm up first).
"""

import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "support"))

ARCH, SIZE, TARGET, ITERATIONS = "squeezenet1_0", 224, 113, 200


def _setup():
    """(torch model in eval mode, noise NHWC float32, jitter offsets (200, 2), course settings)."""
    import torch
    import torchvision

    from jaxdl.keys import prng_key
    from jaxdl.visualize.classviz import CourseSettings, jitter_offsets

    torch.manual_seed(0)
    model = getattr(torchvision.models, ARCH)(weights=None).eval()
    noise = np.random.default_rng(0).standard_normal((1, SIZE, SIZE, 3)).astype(np.float32)
    settings = CourseSettings(iterations=ITERATIONS)
    return model, noise, np.asarray(jitter_offsets(prng_key(1), ITERATIONS, settings.max_jitter)), settings


def jaxdl_case() -> Callable[[], np.ndarray]:
    """jaxdl's jitted lax.scan loop (frames every 10 iterations included), built once."""
    import jax.numpy as jnp

    from jaxdl import models
    from jaxdl.data.imagenet import MEAN, STD, class_names
    from jaxdl.visualize.classviz import course_ascent, visualize_classes
    from jaxdl.visualize.subject import Subject
    from jaxdl.weights import from_torchvision

    model, noise, offsets, settings = _setup()
    subject = Subject(models.create(ARCH), from_torchvision(ARCH, model.state_dict()), jnp.asarray(MEAN), jnp.asarray(STD),
                      class_names(), f"{ARCH} (random)")
    advance = course_ascent(subject.logits, settings.sigma)
    return lambda: visualize_classes(subject, [TARGET], init=noise, settings=settings, offsets=offsets, progress=False,
                                     advance=advance).images


def torch_case() -> Callable[[], np.ndarray]:
    """The course's loop in PyTorch autograd (tests/support/torch_classviz.py), scipy blur as the course does."""
    from parity import to_torch
    from torch_classviz import torch_course_loop

    from jaxdl.data.imagenet import MEAN, STD

    model, noise, offsets, settings = _setup()
    image = to_torch(noise)
    return lambda: torch_course_loop(model, image, TARGET, offsets, settings, -MEAN / STD, (1 - MEAN) / STD).numpy()
