"""`jaxdl visualize evaluate`: are the attribution maps faithful (deletion/insertion curves) and do they depend on the
network's weights (cascading-randomisation sanity check)?"""

import argparse

from jaxdl.commands.visualize.common import add_options, output, progress, study
from jaxdl.options import from_args
from jaxdl.report import markdown_table
from jaxdl.visualize.evaluation import EVALUATION_HELP, EvaluationSettings, write_evaluation
from jaxdl.visualize.faithfulness import BASELINES
from jaxdl.visualize.integrated_gradients import RULES

EXAMPLE = """examples:
  jaxdl visualize evaluate --images 100 --out runs/eval        # the embedded digits CNN, 100 test digits
  jaxdl visualize evaluate --arch squeezenet1_0 --weights ../shared/weights/squeezenet1_0-imagenet-dc.safetensors \\
      ../shared/data/imagenet_val_25.npz --images 0 --curve-step 0.05 --sanity-images 4 --out runs/eval
writes OUT/faithfulness.{md,csv,png} (mean deletion/insertion areas per method: deletion lower is better, insertion
higher), OUT/sanity.{md,csv} (Spearman correlation with the trained network's maps as layers are re-initialised from
the top), OUT/sanity_maps.png and OUT/sanity_correlation.png."""


def register(methods: argparse._SubParsersAction) -> None:
    """Add `visualize evaluate`."""
    parser = methods.add_parser("evaluate", help="faithfulness (deletion/insertion) and sanity checks of attributions",
                                epilog=EXAMPLE, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_options(parser, EvaluationSettings, EVALUATION_HELP, {"curve_baseline": BASELINES, "rule": RULES})
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Write the faithfulness and sanity tables and figures under --out; print both tables."""
    config, subject, inputs = study(args)
    out = output(args)
    rows, sanity_rows, _ = write_evaluation(subject, inputs, from_args(EvaluationSettings, args), config.seed, out,
                                            progress(args))
    print(markdown_table(rows) + "\n" + markdown_table(sanity_rows) + f"tables and figures: {out}/faithfulness.*, sanity*")
    return 0
