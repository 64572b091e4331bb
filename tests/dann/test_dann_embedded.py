"""The embedded task digits -> digits-M at the course's settings: DANN beats source-only on the target over 2 seeds.

Measured with this exact budget (digits 0-999, 10 % held out for source accuracy, target images 1000-1796; 15 epochs,
batch 32+32, torch init, inputs in [-1, 1], seeds 0-1): source-only 31.7 / 35.2 %, DANN 33.9 / 39.9 % on the target
(mean margin +3.5, per seed +2.3 / +4.8), source 95.5 -> 97.0 %. 1,680 steps: 11 min on the 2-core CPU at load ~45,
~3 min idle at the rate of the former test (3 seeds x 30 epochs, 5,040 steps in ~9 min; margin +11.6 with Flax's init
and [0, 1] inputs).
"""

import pytest

from jaxdl.dann.experiment import compare, method_means, prepare

MARGIN_FLOOR = 1.5  # target accuracy points, DANN minus source-only, mean over seeds (measured +3.5)
SOURCE_DROP_CEIL = 3.0  # source accuracy points DANN may lose (measured: it gained 1.5)


@pytest.mark.slow
def test_dann_beats_source_only_on_digits_m():
    source, target = prepare("digits[0:1000]", "digits-m[1000:1797]", eval_fraction=0.5, source_eval_fraction=0.1)
    rows = compare(source, target, ["source-only", "dann"], range(2), epochs=15, batch_size=32)
    mean = method_means(rows)
    print(rows, mean)
    assert mean["dann"]["target acc %"] - mean["source-only"]["target acc %"] >= MARGIN_FLOOR, mean
    assert mean["source-only"]["source acc %"] - mean["dann"]["source acc %"] <= SOURCE_DROP_CEIL, mean
    assert mean["source-only"]["source acc %"] >= 93.0, mean  # measured 95.5
