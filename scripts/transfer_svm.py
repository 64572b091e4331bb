"""The course's transfer-learning tables: 15-Scene, CNN features at several layers (one pass) x SVM C x L2 or not.

    python scripts/transfer_svm.py --root ../shared/data/15scene \\
        --weights ../shared/weights/squeezenet1_0-imagenet-dc.safetensors --layers fire5,fire7,fire9,conv10 --l2 both

Same options as `jaxdl transfer` (see --help); writes OUT/svm.{md,csv}, accuracy_vs_C.png, per_class.{md,csv}
and confusion.png.
"""

import sys

from jaxdl.cli import main

if __name__ == "__main__":
    sys.exit(main(["transfer", *sys.argv[1:]]))
