"""One configuration style: dataclass fields -> options -> the same dataclass, for every field kind and every command;
`jaxdl run`'s settings overrides and their errors."""

import argparse
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import pytest

from jaxdl.cli import build_parser, parsers
from jaxdl.commands.dann import DannOutput
from jaxdl.commands.finetune import FinetuneOutput
from jaxdl.commands.gan import GanOutput
from jaxdl.commands.info import InfoOptions
from jaxdl.commands.run import RunOptions
from jaxdl.commands.transfer import TransferOutput
from jaxdl.commands.visualize.common import VisualizeOutput
from jaxdl.commands.weights import ConvertOptions, FetchOptions, ListOptions
from jaxdl.dann.config import DannConfig
from jaxdl.errors import JaxdlError
from jaxdl.gan.config import GanConfig
from jaxdl.options import add_fields, cli, from_args
from jaxdl.parallel import Launch
from jaxdl.run.runner import settings_key
from jaxdl.run.settings import FULL, QUICK, load_settings
from jaxdl.transfer.bow import BowOptions
from jaxdl.transfer.config import TransferConfig
from jaxdl.transfer.finetune_experiment import FinetuneRuns
from jaxdl.transfer.finetune_run import FinetuneConfig
from jaxdl.visualize.activations import ActivationSettings
from jaxdl.visualize.adversarial_outputs import AttackSettings
from jaxdl.visualize.attribution_grid import GridSettings
from jaxdl.visualize.attribution_outputs import GradcamSettings, SaliencySettings
from jaxdl.visualize.classviz_outputs import ClassvizSettings
from jaxdl.visualize.config import SubjectConfig
from jaxdl.visualize.evaluation import EvaluationSettings
from jaxdl.visualize.predict import PredictSettings
from jaxdl.visualize.robustness_outputs import RobustnessSettings


@dataclass(frozen=True)
class Example:
    name: str = cli()
    inputs: tuple[str, ...] = cli((), positional=True)
    switch: bool = False
    limit: int | None = None
    sizes: tuple[int, ...] = (32, 64)
    cs: tuple[float, ...] = cli((0.1, 1.0), sep=",", metavar="C,...")
    out: Path = Path("runs/x")
    mode: str = "fast"
    rate: float = cli(0.5, flag="--lr", metavar="LR")
    tags: tuple[str, ...] = cli((), repeat=True)


def parsed(argv: list[str], config: object = Example) -> Example:
    parser = argparse.ArgumentParser(exit_on_error=False)
    add_fields(parser, config, {"sizes": "image sizes"}, {"mode": ("fast", "slow")})
    return from_args(Example, parser.parse_args(argv))


def test_every_field_kind_round_trips():
    assert parsed(["--name", "n"]) == Example("n")
    given = parsed(["a.png", "b.png", "--name", "n", "--switch", "--limit", "3", "--sizes", "8", "16", "--cs", "1e-3,10",
                    "--out", "o", "--mode", "slow", "--lr", "2", "--tags", "x,y", "--tags", "z"])
    assert given == Example("n", ("a.png", "b.png"), True, 3, (8, 16), (1e-3, 10.0), Path("o"), "slow", 2.0, ("x,y", "z"))
    assert parsed(["--name", "n", "--no-switch", "--sizes", "1", "--sizes", "2"]).sizes == (1, 2)  # a repeat adds
    assert parsed(["--name", "n"], Example("m", limit=5, cs=(3.0,))) == Example("n", limit=5, cs=(3.0,))  # instance defaults


def test_field_errors_and_help():
    parser = argparse.ArgumentParser(prog="x")
    add_fields(parser, Example, {"sizes": "image sizes"}, {"mode": ("fast", "slow")})
    for argv in (["--mode", "slow"], ["--name", "n", "--mode", "medium"], ["--name", "n", "--sizes", "a"]):
        with pytest.raises(SystemExit):
            parser.parse_args(argv)  # no --name; a bad choice; not an int
    text = " ".join(parser.format_help().split())
    assert "--name NAME" in text and "[inputs ...]" in text and "--cs C,..." in text and "--lr LR" in text
    assert "--sizes SIZES [SIZES ...] image sizes (default 32 64)" in text and "(default runs/x)" in text


# command -> the dataclasses its options come from (with the fields left out); every command takes --no-progress/--device
VISUALIZE = {"predict": PredictSettings, "activations": ActivationSettings, "saliency": SaliencySettings,
             "gradcam": GradcamSettings, "evaluate": EvaluationSettings, "adversarial": AttackSettings,
             "classviz": ClassvizSettings, "attributions": (GridSettings, {"method"}), "robustness": RobustnessSettings}
CONFIGS = {
    "jaxdl run": [RunOptions], "jaxdl info": [InfoOptions],
    "jaxdl weights convert": [ConvertOptions], "jaxdl weights fetch": [FetchOptions], "jaxdl weights list": [ListOptions],
    "jaxdl transfer": [TransferConfig, TransferOutput, (BowOptions, {"sigma", "seed"}), Launch],
    "jaxdl finetune": [FinetuneRuns, (FinetuneConfig, {"stages", "out", "progress"}), FinetuneOutput, Launch],
    "jaxdl gan": [GanConfig, GanOutput, Launch], "jaxdl dann": [DannConfig, DannOutput, Launch],
} | {f"jaxdl visualize {name}": [SubjectConfig, settings, VisualizeOutput] for name, settings in VISUALIZE.items()}


def fields_of(configs: list) -> set[str]:
    names = set()
    for config in configs:
        config, skip = config if isinstance(config, tuple) else (config, set())
        names |= {field.name for field in fields(config)} - skip
    return names


@pytest.mark.parametrize("prog", sorted(CONFIGS))
def test_every_command_option_is_a_dataclass_field(prog):
    (parser,) = [p for p in parsers(build_parser()) if p.prog == prog]
    dests = {a.dest for a in parser._actions if not isinstance(a, argparse._HelpAction)}
    assert dests == fields_of(CONFIGS[prog]) | {"progress", "device"}


def test_every_command_is_listed():
    with_options = {p.prog for p in parsers(build_parser())
                    if not any(isinstance(a, argparse._SubParsersAction) for a in p._actions)}
    assert with_options == set(CONFIGS)


def test_run_settings_overrides_and_their_errors(tmp_path):
    settings = load_settings(False, None, ("transfer.per_class=[20, 10]", "dann.source_eval_fraction=1", "gan.root=x"))
    assert settings["transfer"].per_class == (20, 10) and settings["dann"].source_eval_fraction == 1
    assert settings["visualize"] == FULL["visualize"] and load_settings(True)["dann"].epochs == QUICK["dann"].epochs == 15
    errors = {"dann.epoch=3": "unknown setting dann.epoch; dann has batch_size, epochs, eval_fraction, eval_split, init, "
                              "input_scale, lam_max, lr, methods, photos, resize, seed, source, source_eval_fraction, split, "
                              "target",
              "gans.epochs=3": "unknown part 'gans'; parts are transfer, visualize, dann, gan",
              "dann.epochs=true": "dann.epochs must be int, got True",
              'dann.epochs="x"': "dann.epochs must be int, got 'x'",
              "gan.models=[1]": "gan.models must be tuple[str, ...], got [1]",
              "transfer.weights=[1]": "transfer.weights must be tuple[str, ...], got [1]"}
    for assignment, message in errors.items():
        with pytest.raises(JaxdlError) as caught:
            load_settings(False, None, (assignment,))
        assert str(caught.value) == f"--set {assignment}: {message}"
    bad = tmp_path / "bad.toml"
    bad.write_text("[visualize]\nimages = 2.5\n")
    with pytest.raises(JaxdlError, match=r"^.*bad\.toml: visualize\.images must be int, got 2\.5$"):
        load_settings(False, bad)


def test_done_marker_hashes_did_not_change():
    """The hashes of the nested-dict settings before they became dataclasses: a finished part stays finished. DANN's
    changed twice, when its part took the practical's own DannConfig (more settings: lr, lam_max, init, ...) and when its
    default methods became all seven (no-GRL, CDAN, CDAN+E, pseudo-label beside the course's three); transfer's
    once, when its part took the practical's own TransferConfig (the course's size, layers, C grid; l2, svm, pool, ...);
    GAN's once, when its part took GanConfig (models instead of conditional; loss, nz, widths, lr, beta1, log_every);
    visualize's twice, when `jaxdl visualize` and its part took one SubjectConfig (weights "": named or $JAXDL_WEIGHTS
    only; fooling_target None: the course's) and when it gained the robustness curves' settings."""
    full = {name: settings_key(asdict(part)) for name, part in FULL.items()}
    assert full == {"transfer": "17db87056e775f21", "visualize": "a5a5e004ae9c8b7a", "dann": "09c2b17d1f5f409a",
                    "gan": "253e9c9d556adc5d"}
    assert settings_key(asdict(QUICK["transfer"])) == "e3831f40a50573d8"
