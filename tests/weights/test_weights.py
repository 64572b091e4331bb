"""Weights conversion and storage: every source format gives the same variables, torch parity, every error case."""

import hashlib
import json
from types import SimpleNamespace

import jax
import numpy as np
import pytest
import torch
import torchvision
from locations import SHARED
from parity import assert_close, randomize_bn_stats, to_torch
from safetensors.numpy import save_file

from jaxdl import models
from jaxdl.errors import WeightsError
from jaxdl.weights import convert, convert_file, from_torchvision, load_variables, read_metadata, save, store


def torch_state(model: torch.nn.Module) -> dict[str, np.ndarray]:
    """A torch model's state_dict as numpy arrays."""
    return {key: value.numpy() for key, value in model.state_dict().items()}


@pytest.fixture(scope="module")
def squeeze():
    """A random torchvision squeezenet1_1 (eval mode) and its state_dict as numpy."""
    torch.manual_seed(0)
    model = torchvision.models.squeezenet1_1().eval()
    return model, torch_state(model)


@pytest.fixture(scope="module")
def files(squeeze, tmp_path_factory):
    """The squeezenet1_1 state_dict saved as .pth, .safetensors and .npz."""
    folder = tmp_path_factory.mktemp("sources")
    model, state = squeeze
    torch.save(model.state_dict(), folder / "sq.pth")
    save_file(state, str(folder / "sq.safetensors"))
    np.savez(folder / "sq.npz", **state)
    return folder


def leaves(variables) -> dict:
    """Flattened {path: numpy array} for exact comparisons."""
    return {jax.tree_util.keystr(p): np.asarray(v) for p, v in jax.tree_util.tree_flatten_with_path(variables)[0]}


def assert_same(a, b) -> None:
    """Same tree, bit-identical arrays."""
    la, lb = leaves(a), leaves(b)
    assert la.keys() == lb.keys()
    for key in la:
        np.testing.assert_array_equal(la[key], lb[key], err_msg=key)


def test_every_source_gives_identical_variables_and_torch_logits(squeeze, files):
    model, state = squeeze
    from_pth = from_torchvision("squeezenet1_1", files / "sq.pth")
    for source in (files / "sq.safetensors", str(files / "sq.npz"), model.state_dict(), state):
        assert_same(from_torchvision("squeezenet1_1", source), from_pth)
    x = np.random.default_rng(0).normal(size=(2, 48, 48, 3)).astype(np.float32)
    with torch.no_grad():
        expected = model(to_torch(x)).numpy()
    assert_close(models.create("squeezenet1_1").apply(from_pth, x), expected, rel=1e-5)


@pytest.mark.slow
def test_resnet18_pth_with_batchnorm_matches_torch(tmp_path):
    torch.manual_seed(1)
    model = torchvision.models.resnet18().eval()
    randomize_bn_stats(model, seed=1)
    torch.save(model.state_dict(), tmp_path / "r18.pth")  # includes num_batches_tracked, which is dropped
    variables = from_torchvision("resnet18", tmp_path / "r18.pth")
    assert set(variables) == {"params", "batch_stats"}
    x = np.random.default_rng(1).normal(size=(2, 64, 64, 3)).astype(np.float32)
    with torch.no_grad():
        expected = model(to_torch(x)).numpy()
    assert_close(models.create("resnet18").apply(variables, x), expected, rel=1e-5)


def test_fine_tuned_checkpoint_keeps_its_number_of_classes(tmp_path):
    state = torch_state(torchvision.models.squeezenet1_1(num_classes=15))
    out = convert_file("squeezenet1_1", state, tmp_path / "sq15")
    assert read_metadata(out)["num_classes"] == 15
    assert load_variables(out)["params"]["conv10"]["kernel"].shape == (1, 1, 512, 15)


def test_orbax_round_trip_with_metadata(files, tmp_path):
    out = convert_file("squeezenet1_1", files / "sq.pth", tmp_path / "ckpt")
    assert_same(load_variables(out, arch="squeezenet1_1"), from_torchvision("squeezenet1_1", files / "sq.pth"))
    meta = read_metadata(out)
    assert meta == {
        "arch": "squeezenet1_1",
        "num_classes": 1000,
        "options": {},
        "source": "sq.pth",
        "source_sha256": hashlib.sha256((files / "sq.pth").read_bytes()).hexdigest(),
    }
    with pytest.raises(WeightsError, match=r"holds squeezenet1_1 weights, not alexnet"):
        load_variables(out, arch="alexnet")


def test_failed_save_leaves_nothing_loadable_and_keeps_the_old_checkpoint(squeeze, tmp_path, monkeypatch):
    variables = from_torchvision("squeezenet1_1", squeeze[1])
    target = tmp_path / "ckpt"

    def crash(*args, **kwargs):
        raise KeyboardInterrupt  # as if the user pressed Ctrl-C while the JSON was being written

    monkeypatch.setattr(store, "json", SimpleNamespace(dumps=crash))
    with pytest.raises(KeyboardInterrupt):
        save(variables, target, {"arch": "squeezenet1_1"})
    assert list(tmp_path.iterdir()) == []  # no target, no temporary sibling
    monkeypatch.undo()
    save(variables, target, {"arch": "squeezenet1_1"})
    monkeypatch.setattr(store, "json", SimpleNamespace(dumps=crash))
    with pytest.raises(KeyboardInterrupt):
        save({"params": {}}, target, {"arch": "other"})
    monkeypatch.undo()
    assert [p.name for p in tmp_path.iterdir()] == ["ckpt"]
    assert_same(load_variables(target, "squeezenet1_1"), variables)


def test_incomplete_checkpoint_is_refused(tmp_path):
    (tmp_path / "half" / "variables").mkdir(parents=True)
    with pytest.raises(WeightsError, match=r"half: not a converted jaxdl weights checkpoint .*jaxdl weights convert"):
        load_variables(tmp_path / "half")


def test_bad_files_name_the_file_and_leave_no_checkpoint(files, tmp_path):
    pth = (files / "sq.pth").read_bytes()
    cases = {
        "truncated.pth": (pth[: len(pth) // 2], r"truncated\.pth: cannot read \.pth file \(truncated or corrupt\?\)"),
        "garbage.pth": (b"\x00not a zip" * 100, r"garbage\.pth: cannot read \.pth file"),
        "garbage.safetensors": (b"\xff" * 64, r"garbage\.safetensors: cannot read \.safetensors file"),
        "garbage.npz": (b"PK\x03\x04 broken", r"garbage\.npz: cannot read \.npz file"),
        "weights.h5": (b"", r"weights\.h5: unsupported weights file; expected one of \.pth, \.pt, \.safetensors, \.npz"),
    }
    for name, (content, message) in cases.items():
        (tmp_path / name).write_bytes(content)
        with pytest.raises(WeightsError, match=message):
            convert_file("squeezenet1_1", tmp_path / name, tmp_path / "out")
    with pytest.raises(WeightsError, match=r"missing\.pth: no such file"):
        from_torchvision("squeezenet1_1", tmp_path / "missing.pth")
    assert not (tmp_path / "out").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_not_a_state_dict(squeeze, tmp_path):
    torch.save({"epoch": 3, "state_dict": squeeze[0].state_dict()}, tmp_path / "train.pth")
    with pytest.raises(WeightsError, match=r"train\.pth: not a state_dict: 'epoch' holds a int"):
        from_torchvision("squeezenet1_1", tmp_path / "train.pth")
    with pytest.raises(WeightsError, match=r"'state_dict' holds a dict, not an array; a training checkpoint\? pass its 'state_dict' entry"):
        from_torchvision("squeezenet1_1", {"state_dict": {}})
    torch.save([1, 2], tmp_path / "list.pth")
    with pytest.raises(WeightsError, match=r"list\.pth: not a state_dict \(it holds a list\)"):
        from_torchvision("squeezenet1_1", tmp_path / "list.pth")


def test_state_dict_of_another_arch_is_named():
    state = torch_state(torchvision.models.resnet18())
    with pytest.raises(WeightsError, match=r"state_dict: not a alexnet state_dict; it looks like a state_dict of resnet18"):
        from_torchvision("alexnet", state)


def test_missing_extra_and_misshapen_keys(squeeze):
    state = dict(squeeze[1])
    del state["features.0.bias"]
    with pytest.raises(WeightsError, match=r"does not match squeezenet1_1: 1 missing keys \(features\.0\.bias\)$"):
        from_torchvision("squeezenet1_1", state)
    state = {**squeeze[1], "extra.weight": np.zeros(3, np.float32)}
    with pytest.raises(WeightsError, match=r"1 unexpected keys \(extra\.weight\)$"):
        from_torchvision("squeezenet1_1", state)
    state = {**squeeze[1], "features.0.weight": np.zeros((64, 3, 5, 5), np.float32)}
    with pytest.raises(
        WeightsError,
        match=r"wrong shape for features\.0\.weight: got \(64, 3, 5, 5\) \(torch layout\), "
        r"expected \(3, 3, 3, 64\) in Flax layout \(params/conv1/kernel\)",
    ):
        from_torchvision("squeezenet1_1", state)


def test_a_key_map_that_misses_a_model_variable_is_a_bug_not_a_user_error(squeeze, monkeypatch):
    rules = [r for r in convert.torch_rules("squeezenet1_1") if r.torch != "features.0.bias"]
    monkeypatch.setattr(convert, "torch_rules", lambda arch: rules)
    state = {k: v for k, v in squeeze[1].items() if k != "features.0.bias"}
    with pytest.raises(RuntimeError, match=r"the squeezenet1_1 key map does not cover its model: \{\('params', 'conv1', 'bias'\)\}"):
        from_torchvision("squeezenet1_1", state)


def test_pth_without_torch_says_what_to_do(files, monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "torch", None)  # `import torch` now raises ImportError
    with pytest.raises(WeightsError, match=r"sq\.pth: reading a \.pth needs torch.*\.safetensors or \.npz"):
        from_torchvision("squeezenet1_1", files / "sq.pth")
    assert leaves(from_torchvision("squeezenet1_1", files / "sq.safetensors"))  # the torch-free paths still work


def test_metadata_file_is_json_beside_the_orbax_checkpoint(files, tmp_path):
    out = convert_file("squeezenet1_1", files / "sq.npz", tmp_path / "ckpt")
    assert sorted(p.name for p in out.iterdir()) == ["jaxdl.json", "variables"]
    assert json.loads((out / "jaxdl.json").read_text())["source"] == "sq.npz"


SHARED = SHARED


@pytest.mark.realdata
@pytest.mark.slow
def test_real_imagenet_squeezenet_safetensors_classifies_the_course_images():
    weights, images = SHARED / "weights/squeezenet1_0-imagenet-dc.safetensors", SHARED / "data/imagenet_val_25.npz"
    if not (weights.is_file() and images.is_file()):
        pytest.skip(f"real weights/images not found under {SHARED} (present in CI)")
    data = np.load(images, allow_pickle=True)
    x = ((data["X"] / 255.0 - [0.485, 0.456, 0.406]) / [0.229, 0.224, 0.225]).astype(np.float32)
    logits = np.asarray(models.create("squeezenet1_0").apply(from_torchvision("squeezenet1_0", weights), x))
    top5 = np.argsort(-logits, axis=1)[:, :5]
    assert (top5[:, 0] == data["y"]).sum() == 14  # what torchvision's squeezenet1_0 gets with these weights
    assert (top5 == data["y"][:, None]).any(axis=1).sum() == 19
