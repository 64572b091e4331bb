"""PyTorch transcription of jaxdl's DANN (tests/support/torch_dann.py): same data, batches, schedules and table as dann_table.py.

Each (method, seed) trains with PyTorch's default initialisation seeded by torch.manual_seed(seed) (or, with
--init flax, jaxdl's Flax initialisation of that seed) on the batches of jaxdl.dann.train.epoch_batches.
On a loaded CPU, OMP_NUM_THREADS=1 runs PyTorch several times faster.
"""

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

import jax.numpy as jnp
import numpy as np
import torch
from tqdm.auto import tqdm

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "support"))
from torch_dann import load_flax, reference_network, sgd, train_step  # noqa: E402

from jaxdl.dann.config import add_options, domains, fit_options  # noqa: E402
from jaxdl.dann.experiment import Arrays, compare, summarise  # noqa: E402
from jaxdl.dann.options import add_table_options, seeds  # noqa: E402
from jaxdl.dann.train import epoch_batches, network  # noqa: E402
from jaxdl.keys import prng_key  # noqa: E402
from jaxdl.report import markdown_table, write_table  # noqa: E402

METHODS = ("source-only", "dann", "no-grl", "cdan", "cdan+e", "target-only")  # the transcribed steps
DEFAULT = ["source-only", "dann", "target-only"]


def nchw(images: np.ndarray) -> torch.Tensor:
    """NHWC numpy images as one NCHW torch tensor."""
    return torch.from_numpy(np.ascontiguousarray(images.transpose(0, 3, 1, 2)))


def torch_classifier(method: str, source: Arrays, target: Arrays, seed: int, *, epochs: int, batch_size: int, mu0: float,
                     lam_max: float, init: str) -> Callable[[np.ndarray], np.ndarray]:
    """Train `method` in PyTorch as jaxdl.dann.train.fit does; returns images -> predicted classes."""
    model = reference_network(method, seed)
    if init == "flax":
        load_flax(model, network(method, "flax", seed).init(prng_key(seed), jnp.zeros((1, 32, 32, 3)))["params"])
    opt = sgd(model, mu0)
    (xs, ys), (xt, yt) = (nchw(source[0]), torch.from_numpy(source[1])), (nchw(target[0]), torch.from_numpy(target[1]))
    steps = max(len(xs) // batch_size, 1)
    for epoch in range(epochs):
        batches = epoch_batches(seed, epoch, len(xs), len(xt), batch_size)
        for i, (s, t) in enumerate(tqdm(batches, desc=f"torch {method} epoch {epoch + 1}/{epochs}", leave=False, mininterval=1.0)):
            s, t = torch.from_numpy(s), torch.from_numpy(t)
            train_step(model, opt, method, (xs[s], ys[s]), (xt[t], yt[t]), epoch * steps + i, epochs * steps, mu0, lam_max)

    def classify(images: np.ndarray) -> np.ndarray:
        with torch.no_grad():
            return np.concatenate([model(nchw(images[i:i + 500]), 0.0)[0].argmax(1).numpy() for i in range(0, len(images), 500)])

    return classify


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_options(parser, skip=("methods", "seed"))
    add_table_options(parser, METHODS, DEFAULT, "runs/dann_reference_torch")
    args = parser.parse_args()
    source, target = domains(args)
    rows = compare(source, target, args.methods, seeds(args), train=torch_classifier, **fit_options(args))
    write_table(rows, args.out + "_per_seed")
    write_table(summarise(rows), args.out)
    print(markdown_table(summarise(rows)), end="")


if __name__ == "__main__":
    main()
