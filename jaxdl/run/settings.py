"""The settings of each part of `jaxdl run`: quick and full presets, overridden by a TOML file and `--set`.

Settings are plain nested dicts {part: {key: value}} so that a part's settings hash to its done marker.
The defaults use only embedded data (scikit-learn digits, scikit-image photos); a config names real data:

    [transfer]
    data = "../shared/data/15scene"   # an image folder instead of the digits
    per_class = [20, 10]
    [transfer.weights]
    squeezenet1_0 = "../shared/weights/squeezenet1_0-imagenet-dc.safetensors"
    [dann]
    source = "idx:../shared/data/mnist[0:5000]"
    target = "mnist-m:../shared/data/mnist_m[5000:9001]"
"""

import copy
from pathlib import Path

import tomllib

from jaxdl.errors import JaxdlError

PARTS = ("transfer", "visualize", "dann", "gan")

FULL: dict[str, dict] = {
    "transfer": {"data": "digits", "size": 64, "limit": 0, "per_class": [100, 50], "arch": "squeezenet1_0",
                 "layers": ["fire3", "fire6", "fire9"], "C": [0.01, 0.1, 1.0, 10.0], "summary": ["vgg16", "squeezenet1_0"],
                 "compare": ["squeezenet1_0:fire9", "squeezenet1_1:fire9", "resnet18:layer4", "alexnet:pool5"],
                 "head": "mlp", "weights": {}, "seed": 0},
    "visualize": {"arch": "digits", "weights": "imagenet", "inputs": [], "size": 224, "images": 6, "fooling_target": 0,
                  "fooling_steps": 100, "classviz_iterations": 200, "classviz_targets": [], "seed": 0},
    "dann": {"source": "digits[0:1000]", "target": "digits-m[1000:1797]", "source_eval_fraction": 0.1,
             "methods": ["source-only", "dann", "target-only"], "epochs": 30, "batch_size": 32, "photos": "", "seed": 0},
    "gan": {"data": "digits", "root": "", "conditional": [False, True], "epochs": 40, "batch_size": 128,
            "eval_samples": 500, "scorer_epochs": 3, "seed": 0},
}
QUICK: dict[str, dict] = {
    "transfer": {"limit": 600, "layers": ["fire6", "fire9"], "C": [0.1, 1.0], "compare": ["squeezenet1_0:fire9",
                 "squeezenet1_1:fire9"]},
    "visualize": {"images": 4, "fooling_steps": 50, "classviz_iterations": 60, "classviz_targets": [0, 3, 7]},
    "dann": {"methods": ["source-only", "dann"], "epochs": 15},  # tests/test_dann_embedded.py's budget, one seed
    "gan": {"conditional": [True]},  # tests/test_gan_quality.py's cDCGAN: >= 0.9 conditional accuracy at 440 iterations
}
# Seconds each part takes from nothing on an idle 2-core CPU, to announce a run's length. Quick: the CPU time each
# part used in one measured run (load ~20: wall 32 min; an idle machine takes at most about its CPU time). Full:
# scaled from the quick run by data, epochs, methods and networks (not measured).
EXPECTED_SECONDS = {"quick": {"transfer": 30, "visualize": 30, "dann": 75, "gan": 275},
                    "full": {"transfer": 120, "visualize": 60, "dann": 220, "gan": 550}}


def merged(base: dict, overrides: dict, where: str) -> dict:
    """`base` with `overrides` applied part by part; an unknown part or key is an error naming it."""
    out = copy.deepcopy(base)
    for part, values in overrides.items():
        if part not in out:
            raise JaxdlError(f"{where}: unknown part {part!r}; parts are {', '.join(PARTS)}")
        for key, value in values.items():
            if key not in out[part]:
                raise JaxdlError(f"{where}: unknown setting {part}.{key}; {part} has {', '.join(sorted(out[part]))}")
            out[part][key] = value
    return out


def parse_assignment(text: str) -> dict:
    """'part.key=value' -> {part: {key: value}}; the value is read as TOML (1, 0.5, true, [1, 2], "x") or else as a string."""
    name, sep, value = text.partition("=")
    part, dot, key = name.strip().partition(".")
    if not sep or not dot:
        raise JaxdlError(f"--set {text!r}: write PART.KEY=VALUE, e.g. --set dann.epochs=5")
    try:
        parsed = tomllib.loads(f"v = {value}")["v"]
    except tomllib.TOMLDecodeError:
        parsed = value
    return {part: {key.strip(): parsed}}


def load_settings(quick: bool, config: Path | None = None, assignments: tuple[str, ...] = ()) -> dict:
    """The settings of every part: the full preset (with the quick one on top if `quick`), the TOML file, then `--set`."""
    settings = merged(FULL, QUICK, "quick preset") if quick else copy.deepcopy(FULL)
    if config is not None:
        try:
            settings = merged(settings, tomllib.loads(Path(config).read_text()), str(config))
        except tomllib.TOMLDecodeError as err:
            raise JaxdlError(f"{config}: not valid TOML ({err})") from None
    for text in assignments:
        settings = merged(settings, parse_assignment(text), f"--set {text}")
    return settings
