"""`jaxdl run`: all four parts end to end on tiny settings, the report (opened in headless Chromium), resume, failures."""

import json
import re
import shutil
import subprocess

import pytest

from jaxdl.cli import main
from jaxdl.errors import JaxdlError
from jaxdl.run import parts
from jaxdl.run.runner import MARKER, Result
from jaxdl.run.settings import load_settings

TINY = """
[transfer]
limit = 200
size = 48
layers = ["fire9"]
C = [1.0]
summary = ["squeezenet1_0"]
compare = ["squeezenet1_0:fire9"]
head = "linear"
[visualize]
images = 2
fooling_steps = 5
classviz_iterations = 10
classviz_targets = [1]
robustness_images = 20
robustness_steps = 2
robustness_eps = [0, 0.1]
robustness_attacks = ["fgsm"]
[dann]
source = "digits[0:200]"
target = "digits-m[900:1100]"
methods = ["source-only", "dann"]
epochs = 1
[gan]
epochs = 1
eval_samples = 100
scorer_epochs = 1
"""
CHECK = """<script>
window.addEventListener("load", () => {
  const images = [...document.images], table = document.querySelector("table");
  const out = {images: images.length, broken: images.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.alt),
               h2: [...document.querySelectorAll("h2")].map(h => h.textContent),
               first: table ? table.className : null,
               folded: [...document.querySelectorAll("details > summary h3")].map(h => h.textContent),
               open: [...document.querySelectorAll("details")].filter(d => d.open).length,
               styled: table ? getComputedStyle(table).borderCollapse : null};
  const pre = document.createElement("pre"); pre.id = "jaxdl-check"; pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>"""


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    """One `jaxdl run all --quick` on tiny settings: (its folder, exit code, config path)."""
    folder = tmp_path_factory.mktemp("run")
    config = folder / "tiny.toml"
    config.write_text(TINY)
    code = main(["run", "all", "--quick", "--config", str(config), "--out", str(folder / "out"), "--no-progress"])
    return folder / "out", code, config


def browser_check(page, tmp_path) -> dict:
    """Open a copy of `page` with a checking script in headless Chromium; what the script saw after the load event."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if chromium is None:
        pytest.skip("no Chromium here (apt-get install chromium; .ci/run installs it when it can)")
    checked = tmp_path / "checked.html"
    checked.write_text(page.read_text().replace("</body>", CHECK + "</body>"))
    dom = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=10000",
                          "--dump-dom", checked.as_uri()], capture_output=True, text=True, timeout=120).stdout
    found = re.search(r'<pre id="jaxdl-check">(.*?)</pre>', dom)
    assert found, f"the checking script did not run; Chromium printed {dom[:300]!r}"
    return json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&"))


def test_run_all_tiny_writes_every_part(tiny_run):
    out, code, _ = tiny_run
    assert code == 0
    report = (out / "report.md").read_text()
    for name, title in parts.TITLES.items():
        assert f"## {title}" in report
        assert json.loads((out / name / MARKER).read_text())["key"]
    assert "| transfer | ran |" in report and "| gan | ran |" in report
    for name in parts.TITLES:  # the summary table: every part's headline measured, beside its reference
        row = next(line for line in report.splitlines() if line.startswith(f"| {name} | ran | "))
        assert re.search(r"^\| \w+ \| ran \| [^|]+ \| [^|]*: [-\d.e+]+[^|]* \|", row), row
    assert "Frechet floor: " in report and "source-only 52.25, dann 76.66" in report
    assert "### squeezenet1_0: layer x C" in report and "### network comparison" in report and "neural head" in report
    assert "| source-only |" in report and "| dann |" in report
    assert "| jax |" in report and "| devices | cpu:cpu |" in report
    for figure in re.findall(r"!\[[^]]*\]\(([^)]+)\)", report):
        assert (out / figure).stat().st_size > 1000, figure


def test_report_html_in_headless_chromium(tiny_run, tmp_path):
    out, _, _ = tiny_run
    seen = browser_check(out / "report.html", tmp_path)
    # accuracy vs C, confusion; saliency, Grad-CAM, deletion/insertion, sanity maps + correlation, fooling, classviz
    # png + gif, robustness curves; DANN curves, embedding, t-SNE; GAN 4
    assert seen["images"] == 18
    assert seen["broken"] == []
    assert seen["h2"][:4] == list(parts.TITLES.values())
    assert seen["first"] == "summary" and seen["styled"] == "collapse"  # the summary table first, jaxdl.css applied
    assert seen["folded"] == ["squeezenet1_0 layers on a 224x224 input: 1,248,424 parameters",
                              "package versions, devices, XLA flags"] and seen["open"] == 0
    broken = tmp_path / "broken.html"  # the check can fail: an image that does not decode is reported
    broken.write_text("<html><body><h2>x</h2><img alt='bad' src='data:image/png;base64,AAAA'></body></html>")
    assert browser_check(broken, tmp_path)["broken"] == ["bad"]


def test_second_run_reuses_every_part(tiny_run, monkeypatch, capsys):
    out, _, config = tiny_run
    def never(settings, folder, progress):
        raise AssertionError("a finished part ran again")
    monkeypatch.setattr(parts, "PARTS", dict.fromkeys(parts.PARTS, never))
    assert main(["run", "all", "--quick", "--config", str(config), "--out", str(out)]) == 0
    assert (out / "report.md").read_text().count("| reused |") == 4
    assert "skipped" in capsys.readouterr().out


def test_interrupted_run_resumes_without_repeating(tmp_path, monkeypatch):
    calls = []
    def part(name, interrupt=False):
        def run(settings, folder, progress):
            calls.append(name)
            if interrupt and calls.count(name) == 1:
                raise KeyboardInterrupt  # Ctrl-C in the middle of this part
            (folder / "figure.txt").write_text(name)
            return Result(tables=[(name, [{"seed": settings.seed}])])
        return run
    monkeypatch.setattr(parts, "PARTS", {"transfer": part("transfer"), "visualize": part("visualize"),
                                         "dann": part("dann", interrupt=True), "gan": part("gan")})
    assert main(["run", "all", "--quick", "--out", str(tmp_path)]) == 130
    assert calls == ["transfer", "visualize", "dann"]
    assert sorted(p.parent.name for p in tmp_path.glob(f"*/{MARKER}")) == ["transfer", "visualize"]
    assert main(["run", "all", "--quick", "--out", str(tmp_path)]) == 0
    assert calls == ["transfer", "visualize", "dann", "dann", "gan"]
    assert main(["run", "all", "--quick", "--out", str(tmp_path), "--set", "gan.seed=1"]) == 0  # new settings: that part reruns
    assert calls[5:] == ["gan"]


def test_failing_part_is_reported_and_the_others_run(tmp_path, monkeypatch):
    def fails(settings, folder, progress):
        raise ValueError("no such layer 'fire99'\nsecond line")
    ran = []
    fine = lambda settings, folder, progress: ran.append(folder.name) or Result(notes=["ok"])
    monkeypatch.setattr(parts, "PARTS", {"transfer": fine, "visualize": fails, "dann": fine, "gan": fine})
    assert main(["run", "all", "--out", str(tmp_path)]) == 1
    assert ran == ["transfer", "dann", "gan"]
    report = (tmp_path / "report.md").read_text()
    assert "| visualize | failed |" in report
    assert re.search(r"\*\*failed\*\*: `ValueError: no such layer 'fire99' \(test_run_all.py:\d+\)`", report)
    assert not (tmp_path / "visualize" / MARKER).exists()


def test_settings_overrides_and_their_errors(tmp_path):
    settings = load_settings(True, None, ("dann.epochs=7", 'gan.models=["cdcgan", "dcgan"]', 'transfer.data="x y"'))
    assert settings["dann"].epochs == 7 and settings["gan"].models == ("cdcgan", "dcgan")
    assert settings["transfer"].data == "x y" and settings["transfer"].limit == 600  # the quick preset below
    with pytest.raises(JaxdlError, match=r"--set dann\.epoch=3: unknown setting dann\.epoch; dann has batch_size, "):
        load_settings(False, None, ("dann.epoch=3",))
    bad = tmp_path / "bad.toml"
    bad.write_text("[gans]\nepochs = 1\n")
    with pytest.raises(JaxdlError, match=r"bad\.toml: unknown part 'gans'; parts are transfer, visualize, dann, gan"):
        load_settings(False, bad)
