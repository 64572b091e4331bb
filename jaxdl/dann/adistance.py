"""The proxy A-distance (Ben-David et al. 2007; Ganin et al. 2016, sec. 5.1.5): how well a linear SVM tells two domains
apart from their features, 2 (1 - 2 err): about 0 for indistinguishable domains, 2 for separable ones."""

import numpy as np
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import LinearSVC


def proxy_a_distance(source: np.ndarray, target: np.ndarray, seed: int = 0, c: float = 1.0) -> float:
    """2 (1 - 2 err) of a standardised linear SVM trained on half of each domain's rows (as many from each: chance is
    1/2) and tested on the other half."""
    rng = np.random.default_rng(seed)
    n = min(len(source), len(target))
    picked = [rng.permutation(len(x))[:n] for x in (source, target)]
    half = n // 2
    x_train = np.concatenate([source[picked[0][:half]], target[picked[1][:half]]])
    x_test = np.concatenate([source[picked[0][half:]], target[picked[1][half:]]])
    y_train, y_test = np.repeat([0, 1], half), np.repeat([0, 1], n - half)
    svm = make_pipeline(StandardScaler(), LinearSVC(C=c, random_state=seed)).fit(x_train, y_train)
    return 2.0 * (1.0 - 2.0 * float((svm.predict(x_test) != y_test).mean()))
