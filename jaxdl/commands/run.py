"""`jaxdl run all|PART...`: every practical (or some) in one resumable run that writes report.md and report.html."""

import argparse
from pathlib import Path

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


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `run`."""
    parser = subparsers.add_parser("run", help="run every practical (or some) and write one report (md + html)",
                                   epilog=EXAMPLE, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("parts", nargs="+", choices=("all", *PARTS), metavar="PART",
                        help=f"'all' or some of: {', '.join(PARTS)}")
    parser.add_argument("--quick", action="store_true", help="small settings: the whole run in a few minutes on a CPU")
    parser.add_argument("--config", type=Path, help="TOML file of settings, one [part] table each (see below)")
    parser.add_argument("--set", dest="assignments", action="append", default=[], metavar="PART.KEY=VALUE",
                        help="override one setting (repeatable), value in TOML syntax: --set gan.epochs=5")
    parser.add_argument("--out", type=Path, default=None, help="run folder (default runs/all, or runs/quick with --quick)")
    parser.add_argument("--force", action="store_true", help="rerun parts even when their done marker matches")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Announce the expected time, run the parts, print where the report is; exit 1 if a part failed."""
    names = list(PARTS) if "all" in args.parts else list(dict.fromkeys(args.parts))
    settings = load_settings(args.quick, args.config, tuple(args.assignments))
    out = args.out or Path("runs/quick" if args.quick else "runs/all")
    minutes = expected_seconds(names, args.quick) / 60
    print(f"jaxdl run {' '.join(names)}{' --quick' if args.quick else ''}: about {minutes:.0f} min from nothing on an idle "
          f"2-core CPU (longer under load; finished parts are skipped); report in {out}", flush=True)
    outcomes, page = run_selected(names, settings, out, args.quick, getattr(args, "progress", True), args.force)
    failed = [o for o in outcomes if o.status == "failed"]
    for o in failed:
        print(f"jaxdl run: {o.name} failed: {o.error}")
    print(f"report: {page} (and report.md)")
    return 1 if failed else 0
