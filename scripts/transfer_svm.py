"""The course's transfer-learning table: 15-Scene, CNN features at several layers x linear-SVM C.

    python scripts/transfer_svm.py --root ../shared/data/15scene \\
        --weights ../shared/weights/squeezenet1_0-imagenet-dc.safetensors --layers fire7,fire9,conv10

Same options as `jaxdl transfer` (see --help); writes OUT/svm.md and OUT/svm.csv.
"""

import sys

from jaxdl.cli import main

if __name__ == "__main__":
    sys.exit(main(["transfer", *sys.argv[1:]]))
