"""Which input/initialisation convention costs DANN accuracy: one row per change from the course's settings.

Rows: the course's settings (--init/--input-scale/--resize as given), then each of init=flax, input-scale=unit,
resize=torch alone, and jaxdl's former defaults (init=flax and input-scale=unit). Trained by jaxdl, or with
--framework torch by scripts/dann_reference_torch.py's PyTorch transcription (same batches, same schedules).
"""

import argparse

from dann_reference_torch import METHODS, torch_classifier

from jaxdl.dann.config import add_options, domains, fit_options
from jaxdl.dann.experiment import compare, jaxdl_classifier, summarise
from jaxdl.dann.options import add_table_options, seeds
from jaxdl.report import markdown_table, write_table

CHANGES = {"course": {}, "init=flax": {"init": "flax"}, "input-scale=unit": {"input_scale": "unit"},
           "resize=torch": {"resize": "torch"}, "init=flax, input-scale=unit": {"init": "flax", "input_scale": "unit"}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_options(parser, skip=("methods", "seed"))
    parser.add_argument("--changes", nargs="+", default=list(CHANGES), choices=CHANGES, help="rows to run")
    add_table_options(parser, METHODS, ["source-only", "dann"], "runs/dann_settings_ablation")
    parser.add_argument("--framework", default="jaxdl", choices=("jaxdl", "torch"))
    args = parser.parse_args()
    train = torch_classifier if args.framework == "torch" else jaxdl_classifier
    rows = []
    for change in args.changes:
        changed = argparse.Namespace(**{**vars(args), **CHANGES[change]})
        source, target = domains(changed)
        rows += [{"setting": change, **r} for r in compare(source, target, args.methods, seeds(args), train=train,
                                                          **fit_options(changed))]
        write_table(rows, args.out + "_per_seed")  # after every setting, so a long sweep keeps what it measured
    table = [{"setting": s, **row} for s in args.changes for row in summarise([r for r in rows if r["setting"] == s])]
    write_table(table, args.out)
    print(markdown_table(table), end="")


if __name__ == "__main__":
    main()
