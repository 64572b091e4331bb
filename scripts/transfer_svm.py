"""The course's transfer-learning tables: 15-Scene, CNN features at several layers (one pass) x SVM C x L2 or not.

    python scripts/transfer_svm.py --data ../shared/data/15scene \\
        --weights squeezenet1_0=../shared/weights/squeezenet1_0-imagenet-dc.safetensors --layers fire5,fire7,fire9,conv10 --l2 both

= `jaxdl transfer` (same options, see --help); writes OUT/svm.{md,csv}, accuracy_vs_C.png, per_class.{md,csv},
confusion.png, networks.{md,csv}, head.{md,csv}.
"""

import sys

from jaxdl.cli import main

if __name__ == "__main__":
    sys.exit(main(["transfer", *sys.argv[1:]]))
