"""Fine-tuning instead of the SVM: the real SqueezeNet 1.0 on 15-Scene, one row per stage choice.

    python scripts/transfer_finetune.py --root ../shared/data/15scene \\
        --weights ../shared/weights/squeezenet1_0-imagenet-dc.safetensors --stages conv10,fire9-conv10 --epochs 6

Same options as `jaxdl finetune` (see --help); writes OUT/finetune.{md,csv}; rerun to resume.
"""

import sys

from jaxdl.cli import main

if __name__ == "__main__":
    sys.exit(main(["finetune", *sys.argv[1:]]))
