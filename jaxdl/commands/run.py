"""`jaxdl run all|PART...`: every practical (or some) in one resumable run that writes report.md and report.html."""

import argparse
from dataclasses import dataclass
from pathlib import Path

from jaxdl.options import add_fields, cli, from_args
from jaxdl.run.parts import PARTS, expected_seconds, run_selected
from jaxdl.run.settings import load_settings

EXAMPLE = """examples:
  jaxdl run all --quick                          # the embedded data, a few minutes: runs/quick/report.html
  jaxdl run dann gan --set dann.epochs=10        # two parts, one setting changed
  jaxdl run all --config real.toml --out runs/real   # real data and weights named in a TOML file

A rerun skips every part whose settings did not change (OUT/PART/done.json); --force reruns them.
real.toml, for instance:
  [transfer]
  data = "../shared/data/15scene"
  per_class = [20, 10]
  [visualize]
  arch = "squeezenet1_0"
  inputs = ["../shared/data/imagenet_val_25.npz"]
  [dann]
  source = "idx:../shared/data/mnist[0:5000]"
  target = "mnist-m:../shared/data/mnist_m[5000:9001]"
Settings and their defaults: jaxdl/run/settings.py."""


@dataclass(frozen=True)
class RunOptions:
    """Which parts, with which settings (preset, TOML file, `--set` assignments), into which folder."""

    parts: tuple[str, ...] = cli(positional=True, metavar="PART")
    quick: bool = False
    config: Path | None = None
    assignments: tuple[str, ...] = cli((), flag="--set", metavar="PART.KEY=VALUE", repeat=True)
    out: Path | None = None
    force: bool = False


HELP = {"parts": f"'all' or some of: {', '.join(PARTS)}",
        "quick": "small settings: the whole run in a few minutes on a CPU",
        "config": "TOML file of settings, one [part] table each (see below)",
        "assignments": "override one setting (repeatable), value in TOML syntax: --set gan.epochs=5",
        "out": "run folder (default runs/all, or runs/quick with --quick)",
        "force": "rerun parts even when their done marker matches"}


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `run`."""
    parser = subparsers.add_parser("run", help="run every practical (or some) and write one report (md + html)",
                                   epilog=EXAMPLE, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_fields(parser, RunOptions, HELP, {"parts": ("all", *PARTS)})
    parser.set_defaults(func=lambda args: run(from_args(RunOptions, args), getattr(args, "progress", True)))


def run(args: RunOptions, progress: bool = True) -> int:
    """Announce the expected time, run the parts, print where the report is; exit 1 if a part failed."""
    names = list(PARTS) if "all" in args.parts else list(dict.fromkeys(args.parts))
    settings = load_settings(args.quick, args.config, args.assignments)
    out = args.out or Path("runs/quick" if args.quick else "runs/all")
    minutes = expected_seconds(names, args.quick) / 60
    print(f"jaxdl run {' '.join(names)}{' --quick' if args.quick else ''}: about {minutes:.0f} min from nothing on an idle "
          f"2-core CPU (longer under load; finished parts are skipped); report in {out}", flush=True)
    outcomes, page = run_selected(names, settings, out, args.quick, progress, args.force)
    failed = [o for o in outcomes if o.status == "failed"]
    for o in failed:
        print(f"jaxdl run: {o.name} failed: {o.error}")
    print(f"report: {page} (and report.md)")
    return 1 if failed else 0
