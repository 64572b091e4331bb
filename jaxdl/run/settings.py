"""The settings of each part of `jaxdl run`: one frozen dataclass per part whose defaults are the full preset,
a quick preset on top, then a TOML file and `--set` (both through `merged`, which checks names and types).
Every part's settings are the practical's own config (jaxdl.transfer.config.TransferConfig,
jaxdl.visualize.config.VisualizeConfig, jaxdl.dann.config.DannConfig, jaxdl.gan.config.GanConfig), the same as the
practical's command's.

A part's settings hash (dataclasses.asdict) to its done marker. The defaults use only embedded data (scikit-learn
digits, scikit-image photos); a config names real data:

    [transfer]
    data = "../shared/data/15scene"   # an image folder instead of the digits
    per_class = [20, 10]
    weights = ["squeezenet1_0=../shared/weights/squeezenet1_0-imagenet-dc.safetensors"]
    [dann]
    source = "idx:../shared/data/mnist[0:5000]"
    target = "mnist-m:../shared/data/mnist_m[5000:9001]"
"""

import types
import typing
from dataclasses import replace
from pathlib import Path
from typing import Any

import tomllib

from jaxdl.dann.config import DannConfig
from jaxdl.errors import JaxdlError
from jaxdl.gan.config import GanConfig
from jaxdl.transfer.config import TransferConfig
from jaxdl.visualize.config import VisualizeConfig

PARTS = ("transfer", "visualize", "dann", "gan")

FULL: dict[str, Any] = {"transfer": TransferConfig(), "visualize": VisualizeConfig(), "dann": DannConfig(), "gan": GanConfig()}
QUICK: dict[str, Any] = {
    "transfer": FULL["transfer"].quick(),
    "visualize": FULL["visualize"].quick(),
    "dann": FULL["dann"].quick(),
    "gan": FULL["gan"].quick(),
}
# Seconds each part takes from nothing on an idle 2-core CPU, to announce a run's length. Quick: the CPU time each
# part used in one measured run (load ~20: wall 32 min; an idle machine takes at most about its CPU time). Full:
# scaled from the quick run by data, epochs, methods and networks (not measured). Visualize's evaluation of the maps
# (faithfulness curves and sanity check) added 8 s of CPU time to its quick run (measured: 7.8 s, 4 digits);
# its robustness curves (200 digits, 3 eps, 5 steps) about 10 s more.
EXPECTED_SECONDS = {"quick": {"transfer": 30, "visualize": 48, "dann": 150, "gan": 275},
                    "full": {"transfer": 600, "visualize": 100, "dann": 510, "gan": 550}}


def fits(value: Any, kind: Any) -> bool:
    """Whether a TOML value can be a setting of type `kind` (an int is a float too; a bool is not a number)."""
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin in (typing.Union, types.UnionType):  # an optional setting: TOML has no null, so one of the others
        return any(fits(value, arg) for arg in args if arg is not type(None))
    if origin is tuple:
        return isinstance(value, (list, tuple)) and all(fits(item, args[0]) for item in value)
    if origin is dict:
        return isinstance(value, dict) and all(fits(k, args[0]) and fits(v, args[1]) for k, v in value.items())
    if isinstance(value, bool):
        return kind is bool
    return isinstance(value, (int, float) if kind is float else kind)


def merged(settings: dict[str, Any], overrides: dict, where: str) -> dict[str, Any]:
    """`settings` with `overrides` {part: {key: value}} applied; an unknown part or key, or a value of the wrong type,
    is an error naming it."""
    out = dict(settings)
    for part, values in overrides.items():
        if part not in out:
            raise JaxdlError(f"{where}: unknown part {part!r}; parts are {', '.join(PARTS)}")
        kinds = typing.get_type_hints(type(out[part]))
        for key, value in values.items():
            if key not in kinds:
                raise JaxdlError(f"{where}: unknown setting {part}.{key}; {part} has {', '.join(sorted(kinds))}")
            if not fits(value, kinds[key]):
                kind = kinds[key] if typing.get_origin(kinds[key]) else kinds[key].__name__
                raise JaxdlError(f"{where}: {part}.{key} must be {kind}, got {value!r}")
        out[part] = replace(out[part], **{key: tuple(v) if isinstance(v, list) else v for key, v in values.items()})
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


def load_settings(quick: bool, config: Path | None = None, assignments: tuple[str, ...] = ()) -> dict[str, Any]:
    """The settings of every part: the full preset (with the quick one on top if `quick`), the TOML file, then `--set`."""
    settings = dict(QUICK if quick else FULL)
    if config is not None:
        try:
            settings = merged(settings, tomllib.loads(Path(config).read_text()), str(config))
        except tomllib.TOMLDecodeError as err:
            raise JaxdlError(f"{config}: not valid TOML ({err})") from None
    for text in assignments:
        settings = merged(settings, parse_assignment(text), f"--set {text}")
    return settings
