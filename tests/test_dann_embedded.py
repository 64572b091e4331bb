"""The embedded task digits -> digits-M: DANN beats source-only on the target over 3 seeds, source barely drops."""

import pytest

from jaxdl.dann.experiment import compare, method_means, prepare

# Measured on seed 0 with this budget (900 source digits trained on, 30 epochs, batch 32): DANN 53.7 % vs
# source-only 40.0 % on held-out digits-M (+13.7). With 450 source digits and 20 epochs the margin was only +1.2
# (3 seeds): DANN needs enough steps for the domain classifier to shape the features.
MARGIN_FLOOR = 5.0  # target accuracy points, DANN minus source-only, mean over seeds
SOURCE_DROP_CEIL = 3.0  # source accuracy points DANN may lose


@pytest.mark.slow
def test_dann_beats_source_only_on_digits_m():
    source, target = prepare("digits[0:1000]", "digits-m[1000:1797]", eval_fraction=0.5, source_eval_fraction=0.1)
    rows = compare(source, target, ["source-only", "dann"], range(3), epochs=30, batch_size=32)
    mean = method_means(rows)
    print(rows, mean)
    assert mean["dann"]["target acc %"] - mean["source-only"]["target acc %"] >= MARGIN_FLOOR, mean
    assert mean["source-only"]["source acc %"] - mean["dann"]["source acc %"] <= SOURCE_DROP_CEIL, mean
    assert mean["source-only"]["source acc %"] >= 95.0, mean
