"""Fine-tuning: the course's stage partitions, frozen parameters and BatchNorm statistics bit-identical, the loss going
down, padded evaluation, one clear line for a bad stage choice, and 4 devices giving 1 device's numbers."""

import os
import subprocess
import sys
import textwrap

import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

from jaxdl import models
from jaxdl.errors import JaxdlError
from jaxdl.evaluate import evaluate
from jaxdl.keys import prng_key
from jaxdl.train_state import TrainState
from jaxdl.transfer import finetune as ft
from jaxdl.transfer.finetune_experiment import shared_frozen
from jaxdl.transfer.finetune_run import FinetuneConfig, finetune, frozen_inputs


def trained_layers(arch: str, choice: str, num_classes: int = 15) -> tuple[set[str], set[str], int]:
    """(top-level layers labelled "train", all layers with parameters, trainable count) of `arch`, from shapes only."""
    model = models.create(arch, num_classes=num_classes)
    params = jax.eval_shape(model.init, jax.random.key(0), jax.ShapeDtypeStruct((1, 224, 224, 3), jnp.float32))["params"]
    labels = ft.trainable_labels(model, params, ft.frozen_until(model, arch, choice))
    assert all(len(set(jax.tree.leaves(v))) == 1 for v in labels.values())  # a layer is trained or frozen as a whole
    trained = {k for k, v in labels.items() if jax.tree.leaves(v)[0] == "train"}
    return trained, set(params), ft.count_trainable(params, labels)


def random_init(arch: str | nn.Module, image: np.ndarray) -> dict:
    """Seeded random variables (compiled at XLA's optimisation level 0, as jaxdl.pretrained does: 3x faster)."""
    model = models.create(arch) if isinstance(arch, str) else arch
    return jax.jit(model.init, compiler_options={"xla_backend_optimization_level": 0})(prng_key(0), image)


# Hand counts for 15 classes: SqueezeNet 1.0 conv10 512*15+15; fire9 32,832+16,640+147,712; fire7 111,024; fire8 188,992;
# the whole net 1,248,424 - 513,000 + 7,695. ResNet-18 fc 512*15+15; layer4 8,393,728; layer3 2,099,712; layer2 525,568;
# layer1 147,968, conv1+bn1 9,536 (BatchNorm scale and bias are parameters, its running statistics are not).
PARTITIONS = [
    ("squeezenet1_0", "conv10", ["conv10"], 7_695),
    ("squeezenet1_0", "fire9-conv10", ["fire9", "conv10"], 204_879),
    ("squeezenet1_0", "fire7-conv10", ["fire7", "fire8", "fire9", "conv10"], 504_895),
    ("squeezenet1_0", "all", None, 743_119),
    ("resnet18", "layer4", ["layer4", "fc"], 8_401_423),
    ("resnet18", "layer3-4", ["layer3", "layer4", "fc"], 10_501_135),
    ("resnet18", "layer2-4", ["layer2", "layer3", "layer4", "fc"], 11_026_703),
    ("resnet18", "all", None, 11_184_207),
    ("vgg16", "fc", ["fc6", "fc7", "fc8"], None),
    ("vgg16_bn", "conv5-fc", ["conv5_1", "bn5_1", "conv5_2", "bn5_2", "conv5_3", "bn5_3", "fc6", "fc7", "fc8"], None),
    ("alexnet", "conv5-fc", ["conv5", "fc6", "fc7", "fc8"], None),
]


@pytest.mark.parametrize("arch, choice, layers, count", PARTITIONS)
def test_stage_partitions(arch: str, choice: str, layers: list[str] | None, count: int | None) -> None:
    got, every, trainable = trained_layers(arch, choice)
    assert got == (set(layers) if layers else every)
    assert count is None or trainable == count


def test_stage_choices_and_a_bad_one() -> None:
    assert ft.stage_choices("resnet50") == ("layer4", "layer3-4", "layer2-4", "all")
    assert ft.stage_choices("vgg19") == ft.stage_choices("alexnet") == ("fc", "conv5-fc", "all")
    with pytest.raises(JaxdlError) as error:
        ft.frozen_until(models.create("squeezenet1_1"), "squeezenet1_1", "layer4")
    assert str(error.value) == "unknown stage choice 'layer4' for squeezenet1_1; choose one of: conv10, fire9-conv10, fire7-conv10, all"


@pytest.fixture(scope="module")
def resnet_run() -> tuple[dict, TrainState, list[float]]:
    """ResNet-18 (random weights, 32x32 images) with a new 5-way fc, layer4 + fc trained for 4 steps on one batch
    (whole-image crops, flips only): (the starting variables, the final state, the loss of each step)."""
    rng = np.random.default_rng(0)
    images, labels = rng.normal(size=(8, 32, 32, 3)).astype(np.float32), np.arange(8) % 5
    pretrained = random_init("resnet18", images[:1])
    model = models.create("resnet18", num_classes=5)
    variables = ft.with_new_classifier(model, pretrained, jax.random.key(1), 32)
    assert variables["params"]["fc"]["kernel"].shape == (512, 5)
    assert jax.tree.map(lambda a, b: bool((a == b).all()), {**variables["params"], "fc": None}, {**pretrained["params"], "fc": None})
    last_frozen = ft.frozen_until(model, "resnet18", "layer4")
    tx = ft.optimizer(optax.adam(1e-3), ft.trainable_labels(model, variables["params"], last_frozen))
    step = jax.jit(ft.make_train_step(model, last_frozen, 32, scale=(1.0, 1.0)))
    state, losses = TrainState.start(model.apply, variables, tx), []
    for i in range(4):
        state, metrics = step(state, (images, labels), jax.random.key(i))
        losses.append(float(metrics["loss"]))
    return variables, state, losses


def test_a_few_steps_lower_the_loss(resnet_run: tuple[dict, TrainState, list[float]]) -> None:
    _, state, losses = resnet_run
    assert int(state.step) == 4 and losses[-1] < 0.7 * losses[0], losses


@pytest.mark.parametrize("collection", ["params", "batch_stats"])
def test_only_layer4_and_the_classifier_change(resnet_run: tuple[dict, TrainState, list[float]], collection: str) -> None:
    """Frozen parameters and frozen BatchNorm statistics stay bit-identical; layer4's statistics are updated."""
    variables, state, _ = resnet_run
    for name, old in variables[collection].items():
        new = getattr(state, collection)[name]
        same = all(bool((a == b).all()) for a, b in zip(jax.tree.leaves(old), jax.tree.leaves(new), strict=True))
        assert same == (name not in ("layer4", "fc")), (collection, name)


def test_padded_evaluation_counts_only_real_rows() -> None:
    """8 images in batches of 6: the padded second batch gives the loss and accuracy of one unpadded pass."""
    rng = np.random.default_rng(1)
    images, labels = rng.normal(size=(8, 32, 32, 3)).astype(np.float32), np.arange(8) % 3
    model = models.create("squeezenet1_1", num_classes=3)
    variables = random_init(model, images[:1])
    logits = jax.jit(model.apply)(variables, images)
    loss, acc = evaluate(model.apply, variables, images, labels, batch_size=6)
    assert loss == pytest.approx(float(optax.softmax_cross_entropy_with_integer_labels(logits, labels).mean()), rel=1e-5)
    assert acc == float((np.asarray(logits).argmax(-1) == labels).mean())


PARALLEL = textwrap.dedent("""
    import jax, numpy as np
    from jax.sharding import Mesh
    from jaxdl import models
    from jaxdl.pretrained import variables_for
    from jaxdl.transfer.finetune_run import FinetuneConfig, finetune
    rng = np.random.default_rng(0)
    images, labels = rng.normal(size=(40, 32, 32, 3)).astype(np.float32), np.arange(40) % 4
    pretrained = variables_for(models.create("squeezenet1_1"), "squeezenet1_1", "random")
    config = FinetuneConfig("fire9-conv10", epochs=1, batch_size=8, size=24, learning_rate=1e-4, progress=False)
    runs = [finetune("squeezenet1_1", pretrained, images, labels, 4, config, Mesh(devices, ("data",)))
            for devices in (jax.devices(), jax.devices()[:1])]
    assert jax.device_count() == 4
    print("loss", max(abs(a["loss"] - b["loss"]) for a, b in zip(runs[0].history, runs[1].history)))
    print("variables", max(float(np.abs(a - b).max()) for a, b in zip(*(jax.tree.leaves(r.variables) for r in runs))))
    print("steps", runs[0].history[-1]["step"])
""")


def test_four_devices_give_one_device_numbers() -> None:
    """SqueezeNet 1.1, fire9 + conv10 trained (dropout, crops, flips from the step's key), 4 steps on 4 forced CPU devices.
    Adam's rate is 1e-4: Adam turns a rounding-level gradient of either sign into a step of +-rate, so parameters
    differ by ~1e-2 x rate between reduction orders (1.7e-5 at 1e-3)."""
    env = {**os.environ, "XLA_FLAGS": "--xla_force_host_platform_device_count=4", "JAX_PLATFORMS": "cpu"}
    done = subprocess.run([sys.executable, "-c", PARALLEL], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    numbers = dict(line.split() for line in done.stdout.splitlines())
    assert numbers["steps"] == "4"
    assert float(numbers["loss"]) < 1e-5 and float(numbers["variables"]) < 1e-5


def test_the_cli_rejects_a_bad_choice_in_one_line(capsys: pytest.CaptureFixture) -> None:
    from jaxdl.cli import main

    assert main(["finetune", "--root", "nowhere", "--arch", "vgg11", "--stages", "fc,fire9-conv10"]) == 2
    assert capsys.readouterr().err == "jaxdl finetune: error: unknown stage choice 'fire9-conv10' for vgg11; choose one of: fc, conv5-fc, all\n"


def test_cached_frozen_inputs_give_the_uncached_run() -> None:
    """SqueezeNet 1.1, fire9 + conv10 trained without augmentation for 2 epochs of 2 steps: training on the frozen
    part's activations computed once (start="fire8") gives the run on images: the same losses, held-out accuracies and
    variables to 1e-5 (float32: the frozen part is the same computation, jitted apart)."""
    rng = np.random.default_rng(0)
    images, labels = rng.normal(size=(40, 32, 32, 3)).astype(np.float32), np.arange(40) % 4
    pretrained = random_init("squeezenet1_1", images[:1])
    config = FinetuneConfig("fire9-conv10", epochs=2, batch_size=16, size=32, learning_rate=1e-4, augment=False, progress=False)
    frozen, layer = frozen_inputs("squeezenet1_1", pretrained, images, "fire9-conv10", progress=False)
    assert layer == "fire8" and frozen.shape == (40, 1, 1, 512)
    runs = [finetune("squeezenet1_1", pretrained, images, labels, 4, config),
            finetune("squeezenet1_1", pretrained, frozen, labels, 4, config, start=layer)]
    assert [r["step"] for r in runs[1].history if "val_acc" in r] == [2, 4]
    for a, b in zip(runs[0].history, runs[1].history, strict=True):
        assert a.keys() == b.keys() and all(abs(a[k] - b[k]) < 1e-5 for k in a if k != "time"), (a, b)
    assert max(float(np.abs(a - b).max()) for a, b in zip(*(jax.tree.leaves(r.variables) for r in runs), strict=True)) < 1e-5


def test_a_cache_of_the_frozen_part_needs_unaugmented_images() -> None:
    with pytest.raises(JaxdlError) as error:
        FinetuneConfig(cache_frozen=True)
    assert str(error.value) == "--cache-frozen needs --no-augment: augmented images change the frozen part's activations every epoch"
    with pytest.raises(JaxdlError, match="inputs cached at 'pool8' cannot be augmented"):
        ft.make_train_step(models.create("squeezenet1_1"), "pool8", 32, (0.25, 1.0), start="pool8")


def test_one_cache_serves_every_choice_that_freezes_it() -> None:
    """The cached layer is the earliest last frozen layer of the choices asked; a choice that freezes nothing: no cache."""
    assert shared_frozen("squeezenet1_0", ("conv10", "fire9-conv10")) == "fire9-conv10"
    assert shared_frozen("squeezenet1_0", ("conv10",)) == "conv10"
    assert shared_frozen("resnet18", ("layer4", "layer2-4", "layer3-4")) == "layer2-4"
    assert shared_frozen("squeezenet1_0", ("conv10", "all")) is None
