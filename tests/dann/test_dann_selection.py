"""Choosing an epoch without target labels: the scores on hand-made predictions (exact numbers), the epoch each
criterion picks, and the per-epoch scores of a training run unchanged when the target's labels are hidden."""

import math

import numpy as np
import pytest

from jaxdl.dann.experiment import prepare
from jaxdl.dann.selection import information_maximisation, selection_rows, soft_neighbourhood_density
from jaxdl.dann.train import fit

ONE_HOT = np.eye(3)


def test_information_maximisation():
    assert information_maximisation(np.full((5, 4), 0.25)) == pytest.approx(0.0, abs=1e-15)  # unsure: nothing gained
    assert information_maximisation(np.repeat(np.eye(4), 2, axis=0)) == pytest.approx(math.log(4), abs=1e-15)  # the max
    assert information_maximisation(np.tile(np.eye(4)[:1], (6, 1))) == pytest.approx(0.0, abs=1e-15)  # collapsed
    mixed = np.array([[0.5, 0.5], [1.0, 0.0]])  # H(0.75, 0.25) - (log 2 + 0) / 2
    assert information_maximisation(mixed) == pytest.approx(-0.75 * math.log(0.75) - 0.25 * math.log(0.25) - math.log(2) / 2,
                                                            abs=1e-15)
    assert information_maximisation(mixed) == pytest.approx(0.2157615543388357, abs=1e-15)


def test_soft_neighbourhood_density():
    """Two identical rows and an orthogonal one: the pair's mass sits on each other (logit 1/0.05 = 20 against 0), the
    third row's is uniform over the pair (log 2)."""
    q = 1 / (1 + math.exp(20.0))
    pair = -(q * math.log(q) + (1 - q) * math.log(1 - q))
    assert soft_neighbourhood_density(ONE_HOT[[0, 0, 1]]) == pytest.approx((2 * pair + math.log(2)) / 3, abs=1e-15)
    assert soft_neighbourhood_density(ONE_HOT[[0, 0, 1]]) == pytest.approx(0.23104908904, abs=1e-11)


def test_dense_neighbourhoods_score_higher():
    """One tight cluster of 9: uniform over the 8 others (log 8, the maximum); three clusters of 3: each row's mass on
    its 2 cluster-mates (log 2 and a little); scaled rows change nothing (cosine similarity)."""
    assert soft_neighbourhood_density(np.full((9, 3), 1 / 3)) == pytest.approx(math.log(8), abs=1e-14)
    z = 2 * math.exp(20.0) + 6
    clustered = -2 * math.exp(20.0) / z * math.log(math.exp(20.0) / z) + 6 / z * math.log(z)
    three = np.repeat(ONE_HOT, 3, axis=0)
    assert soft_neighbourhood_density(three) == pytest.approx(clustered, abs=1e-14)
    assert soft_neighbourhood_density(three) == pytest.approx(0.6931473, abs=1e-7)
    assert soft_neighbourhood_density(3 * three) == pytest.approx(clustered, abs=1e-14)
    assert soft_neighbourhood_density(three, temperature=1e6) == pytest.approx(math.log(8), abs=1e-6)


def test_selection_rows_pick_by_each_criterion():
    records = [{"epoch": 1, "target_acc": 0.30, "im": 0.1, "snd": 2.0}, {"epoch": 2, "target_acc": 0.50, "im": 0.4, "snd": 1.5},
               {"epoch": 3, "target_acc": 0.45, "im": 0.3, "snd": 1.0}]
    rows = selection_rows("dann", records)
    assert [(r["picked by"], r["epoch"]) for r in rows] == [("last epoch", 3), ("best epoch (target labels)", 2),
                                                            ("highest IM", 2), ("highest SND", 1)]
    assert [r["target acc %"] for r in rows] == pytest.approx([45.0, 50.0, 50.0, 30.0])
    assert [r["below best (points)"] for r in rows] == pytest.approx([5.0, 0.0, 0.0, 20.0])
    assert len(selection_rows("dann", [{k: v for k, v in r.items() if k != "snd"} for r in records])) == 3  # a history without SND


def test_scores_are_computed_without_target_labels():
    """DANN for 3 epochs with the target training labels given, then replaced by -1: the same per-epoch scores (and the
    same training); only the target test labels are read, for target_acc. Measured (IM, SND, target acc): (9.1e-5,
    5.00394, 0.113), (0.0015, 5.00231, 0.160), (0.219, 3.894, 0.173): from near-uniform predictions to confident ones."""
    source, target = prepare("digits[0:300]", "digits-m[1000:1300]", eval_fraction=0.5, source_eval_fraction=0.1)
    hidden = (target[0][0], np.full_like(target[0][1], -1))
    runs = [fit("dann", source[0], train, epochs=3, batch_size=16, mu0=0.05, seed=0, progress=False, target_test=target[1])[1]
            for train in (target[0], hidden)]
    scores = [[(r["im"], r["snd"], r["target_acc"]) for r in history] for history in runs]
    print(scores[0])
    assert scores[0] == scores[1]
    for im, snd, _ in scores[0]:
        assert 0 < im < math.log(10) and 0 < snd <= math.log(149)  # 150 target training images
    assert scores[0][-1][0] == pytest.approx(0.219, abs=0.01) and scores[0][-1][1] == pytest.approx(3.894, abs=0.01)
