"""Fashion-MNIST -> Fashion-MNIST-M (BSDS500 photos): DANN beats source-only on the target over 3 seeds.

About 40 min on this 2-core CPU, so `make test-long` runs it, not `make test`. Measured with this exact budget
(scripts/dann_table.py, README): source-only 24.9 ± 1.3 %, DANN 40.2 ± 1.1 % (+15.3) on the target; source 86.0 -> 81.0 %.
Those were measured with Flax's init and [0, 1] inputs, so the test pins them (not yet re-measured at the course's).
"""

from pathlib import Path

import pytest

from jaxdl.dann.experiment import compare, method_means, prepare

FASHION = Path("/usr/share/datasets/fashion-mnist")
PHOTOS = Path(__file__).resolve().parents[2] / "shared" / "data" / "bsds500"
MARGIN_FLOOR = 10.0  # target accuracy points, DANN minus source-only, mean over seeds
SOURCE_DROP_CEIL = 7.0  # source accuracy points DANN may lose (measured 5.0)


@pytest.mark.long
@pytest.mark.skipif(not FASHION.is_dir(), reason=f"no {FASHION}: apt-get install dataset-fashion-mnist")
@pytest.mark.skipif(not PHOTOS.is_dir(), reason=f"no BSDS500 photos at {PHOTOS} (../shared/data)")
def test_dann_beats_source_only_on_fashion_m():
    source, target = prepare(f"idx:{FASHION}[0:12000]", f"idx-m:{FASHION}[12000:24000]", eval_fraction=0.1667,
                             photos=PHOTOS, split="train", scale="unit")
    rows = compare(source, target, ["source-only", "dann"], range(3), epochs=8, batch_size=64, init="flax")
    mean = method_means(rows)
    print(rows, mean)
    assert mean["dann"]["target acc %"] - mean["source-only"]["target acc %"] >= MARGIN_FLOOR, mean
    assert mean["source-only"]["source acc %"] - mean["dann"]["source acc %"] <= SOURCE_DROP_CEIL, mean
