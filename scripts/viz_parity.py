"""jaxdl's attributions vs captum's on the same weights, in float32 and float64: the max relative error per method.

The cases and comparisons are the parity test's (tests/visualize/test_viz_attribution_parity.py): ResNet-18 with random
weights and BatchNorm statistics at 67x67, and the real SqueezeNet 1.0 on two course images at 112x112.
Run: PYTHONPATH=. python scripts/viz_parity.py [--out docs/visualize/parity]
"""

import argparse
import sys
from pathlib import Path

import numpy as np

TESTS = Path(__file__).resolve().parents[1] / "tests"
sys.path[:0] = [str(TESTS / "visualize"), str(TESTS / "support")]
from test_viz_attribution_parity import PAIRS, resnet_case, squeezenet_case  # noqa: E402

from jaxdl.report import markdown_table, write_table  # noqa: E402


def max_relative_error(pairs: list[tuple[np.ndarray, np.ndarray]]) -> float:
    """max over the pairs of max |ours - theirs| / max |theirs|."""
    return max(float(np.abs(ours - theirs).max() / np.abs(theirs).max()) for ours, theirs in pairs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("runs/visualize/parity"), help="table path (no suffix)")
    args = parser.parse_args()
    rows = []
    for name, build in (("resnet18 (random, 67x67)", resnet_case), ("squeezenet1_0 (real, 112x112)", squeezenet_case)):
        cases = {dtype.__name__: build(dtype) for dtype in (np.float32, np.float64)}
        for method, pairs in PAIRS.items():
            rows.append({"model": name, "method": method} |
                        {f"max rel err {dtype}": max_relative_error(pairs(case)) for dtype, case in cases.items()})
            print(rows[-1], flush=True)
    write_table(rows, args.out)
    print(markdown_table(rows))


if __name__ == "__main__":
    main()
