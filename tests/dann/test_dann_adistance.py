"""The proxy A-distance: about 0 for two samples of one distribution, 2 for disjoint ones, in between for overlap."""

import numpy as np

from jaxdl.dann.adistance import proxy_a_distance


def test_identical_domains_near_0_disjoint_near_2():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(400, 50)), rng.normal(size=(400, 50))
    same = proxy_a_distance(a, b)
    apart = proxy_a_distance(a, b + np.r_[10.0, np.zeros(49)])
    halfway = proxy_a_distance(a, b + np.r_[1.0, np.zeros(49)])
    print(same, apart, halfway)
    assert abs(same) <= 0.2 and apart >= 1.95 and 0.3 <= halfway <= 1.0  # measured 0.08, 2.0, 0.57 (Bayes: 0.76)


def test_unequal_sizes_are_balanced():
    """300 source rows against 100 target rows of one distribution: still ~0 (a majority vote would give 1)."""
    rng = np.random.default_rng(1)
    assert abs(proxy_a_distance(rng.normal(size=(300, 20)), rng.normal(size=(100, 20)))) <= 0.3
