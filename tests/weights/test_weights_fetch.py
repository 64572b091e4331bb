"""Finding, downloading (loopback HTTP and file://), verifying and caching weights; the `jaxdl weights` CLI."""

import hashlib
import re
import shutil
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest
import torch
import torchvision

import jaxdl
from jaxdl import models
from jaxdl.cli import main
from jaxdl.errors import WeightsError
from jaxdl.weights import fetch, from_torchvision, load
from jaxdl.weights.manifest import read_manifest, weights_dir

FILE = "squeezenet1_1-test.pth"


class QuietHandler(SimpleHTTPRequestHandler):
    """A static file handler that does not log every request to stderr."""

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> tuple[Path, str]:
    """A folder holding a random squeezenet1_1 .pth named like a torchvision file, and its sha256."""
    folder = tmp_path_factory.mktemp("server")
    torch.manual_seed(0)
    torch.save(torchvision.models.squeezenet1_1().state_dict(), folder / FILE)
    return folder, hashlib.sha256((folder / FILE).read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def http_base(served):
    """A loopback HTTP server over the served folder (a thread, stopped after the module)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(served[0])))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def env(tmp_path, monkeypatch) -> Path:
    """Empty weights folder and torch hub cache under tmp_path, no proxies, no overrides."""
    for var in ("http_proxy", "HTTP_PROXY", "JAXDL_WEIGHTS_URL", "JAXDL_WEIGHTS_MANIFEST", "XDG_CACHE_HOME"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("no_proxy", "*")
    monkeypatch.setenv("JAXDL_WEIGHTS", str(tmp_path / "weights"))
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch"))
    return tmp_path


def use_manifest(monkeypatch, folder: Path, sha256: str, name: str = FILE) -> None:
    """Point $JAXDL_WEIGHTS_MANIFEST at a one-line manifest for squeezenet1_1."""
    path = folder / "manifest"
    path.write_text(f"# test manifest\nsqueezenet1_1  https://download.pytorch.org/models/{name}  {sha256}\n")
    monkeypatch.setenv("JAXDL_WEIGHTS_MANIFEST", str(path))


def test_real_manifest_lists_every_arch_with_its_torchvision_file():
    entries = read_manifest()
    assert set(entries) == set(models.archs())
    for e in entries.values():
        assert e.url == f"https://download.pytorch.org/models/{e.filename}"
        assert re.fullmatch(rf"{e.arch}(-owt)?-{e.sha256[:8]}\.pth", e.filename), e.filename
    prefix_only = {e.arch for e in entries.values() if len(e.sha256) == 8}
    assert prefix_only == {"vgg11", "vgg11_bn", "vgg13", "vgg13_bn", "squeezenet1_0"}
    assert all(re.fullmatch("[0-9a-f]{64}", e.sha256) for e in entries.values() if e.arch not in prefix_only)


def test_http_download_is_verified_converted_and_cached(env, served, http_base, monkeypatch):
    use_manifest(monkeypatch, env, served[1])
    monkeypatch.setenv("JAXDL_WEIGHTS_URL", http_base)
    variables = load("squeezenet1_1")
    expected = from_torchvision("squeezenet1_1", served[0] / FILE)
    np.testing.assert_array_equal(variables["params"]["conv10"]["kernel"], expected["params"]["conv10"]["kernel"])
    assert (env / "weights" / FILE).read_bytes() == (served[0] / FILE).read_bytes()
    assert sorted(p.name for p in (env / "weights").iterdir()) == ["squeezenet1_1-test", FILE]
    monkeypatch.delenv("JAXDL_WEIGHTS_URL")
    (env / "weights" / FILE).unlink()  # the converted checkpoint alone is enough now, offline
    again = load("squeezenet1_1", download=False)
    np.testing.assert_array_equal(again["params"]["conv1"]["kernel"], expected["params"]["conv1"]["kernel"])


def test_file_url_with_a_prefix_hash(env, served, monkeypatch):
    use_manifest(monkeypatch, env, served[1][:8])
    path = fetch("squeezenet1_1", base_url=served[0].as_uri())
    assert path == env / "weights" / "squeezenet1_1-test" and (path / "jaxdl.json").is_file()


def test_wrong_hash_discards_the_download(env, served, monkeypatch):
    use_manifest(monkeypatch, env, "0" * 64)
    with pytest.raises(WeightsError, match=rf"{FILE}: sha256 mismatch .*got {served[1]}, expected 0{{64}}"):
        fetch("squeezenet1_1", base_url=served[0].as_uri())
    assert list((env / "weights").iterdir()) == []


def test_http_404_names_the_url_and_what_to_do(env, http_base, monkeypatch):
    use_manifest(monkeypatch, env, "0" * 8, name="squeezenet1_1-gone.pth")
    message = (r"cannot download http://127\.0\.0\.1:\d+/squeezenet1_1-gone\.pth: HTTP 404 File not found; "
               r"put squeezenet1_1-gone\.pth in .*weights by hand")
    with pytest.raises(WeightsError, match=message):
        fetch("squeezenet1_1", base_url=http_base)
    assert list((env / "weights").iterdir()) == []


def test_offline_without_files_says_which_file_goes_where(env):
    with pytest.raises(WeightsError) as caught:
        load("squeezenet1_1", download=False)
    assert str(caught.value) == (
        "no squeezenet1_1 ImageNet weights and downloads are off: put squeezenet1_1-b8a52dc0.pth "
        f"(from https://download.pytorch.org/models/squeezenet1_1-b8a52dc0.pth) in {env / 'weights'} or "
        f"{env / 'torch' / 'hub' / 'checkpoints'}, or run `jaxdl weights fetch squeezenet1_1`, "
        f"or `jaxdl weights convert FILE --arch squeezenet1_1 --out {env / 'weights' / 'squeezenet1_1-b8a52dc0'}`"
    )


def test_torch_hub_cache_file_is_verified_before_use(env, served, monkeypatch):
    hub = env / "torch" / "hub" / "checkpoints"
    hub.mkdir(parents=True)
    (hub / FILE).write_bytes((served[0] / FILE).read_bytes()[:-100])  # truncated
    use_manifest(monkeypatch, env, served[1])
    with pytest.raises(WeightsError, match=rf"{re.escape(str(hub / FILE))}: sha256 mismatch \(truncated or corrupt file\?\)"):
        load("squeezenet1_1", download=False)
    shutil.copy(served[0] / FILE, hub / FILE)
    assert load("squeezenet1_1", download=False)["params"]["conv10"]["bias"].shape == (1000,)


def test_weights_folder_precedence(monkeypatch, tmp_path):
    monkeypatch.setenv("JAXDL_WEIGHTS", str(tmp_path))
    assert weights_dir("elsewhere") == Path("elsewhere") and weights_dir() == tmp_path
    monkeypatch.delenv("JAXDL_WEIGHTS")
    assert weights_dir() == Path(jaxdl.__file__).resolve().parents[1] / "weights"  # a source checkout


def run(capsys, *argv) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of an in-process `jaxdl ...`."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_convert_fetch_list(env, served, http_base, monkeypatch, capsys):
    use_manifest(monkeypatch, env, served[1])
    code, out, _ = run(capsys, "weights", "list")
    assert code == 0 and f"| squeezenet1_1 | {FILE} | {served[1]} | missing |" in out
    code, out, _ = run(capsys, "weights", "convert", str(served[0] / FILE), "--arch", "squeezenet1_1", "--out", str(env / "c"))
    assert (code, out) == (0, f"wrote {env / 'c'}\n")
    monkeypatch.setenv("JAXDL_WEIGHTS_URL", http_base)
    code, out, _ = run(capsys, "weights", "fetch", "squeezenet1_1")
    assert (code, out) == (0, f"ready: {env / 'weights' / 'squeezenet1_1-test'}\n")
    assert f"| {served[1]} | converted |" in run(capsys, "weights", "list")[1]


def test_cli_errors_are_one_line_with_exit_code_2(env, capsys):
    (env / "garbage.pth").write_bytes(b"garbage")
    cases = {
        ("weights", "convert", str(env / "garbage.pth"), "--arch", "squeezenet1_1"): "garbage.pth: cannot read .pth file",
        ("weights", "convert", str(env / "garbage.pth"), "--arch", "lenet"): "unknown architecture 'lenet'",
        ("weights", "fetch", "lenet"): "no ImageNet weights listed for 'lenet'",
    }
    for argv, message in cases.items():
        code, out, err = run(capsys, *argv)
        assert code == 2 and out == "" and err.count("\n") == 1, (argv, err)
        assert err.startswith("jaxdl weights: error: ") and message in err


def test_load_from_a_file_or_a_converted_folder(env, served):
    from_file = load("squeezenet1_1", str(served[0] / FILE))
    folder = jaxdl.weights.convert_file("squeezenet1_1", served[0] / FILE, env / "converted")
    np.testing.assert_array_equal(load("squeezenet1_1", folder)["params"]["fire9"]["expand3x3"]["kernel"],
                                  from_file["params"]["fire9"]["expand3x3"]["kernel"])
    with pytest.raises(WeightsError, match=r"weights 'imagenet21k': not 'imagenet' nor an existing checkpoint folder or weights file"):
        load("squeezenet1_1", "imagenet21k")
