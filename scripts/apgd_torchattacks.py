"""APGD's robust accuracy, jaxdl vs torchattacks 3.5.1, each with its own random starts, on the same images: one table.

    python scripts/apgd_torchattacks.py [--eps 0.1] [--steps 10] [--restarts 1] [--weights W] [--images-npz X] [--out DIR]

Networks: the embedded digits CNN on its 899 test digits (eps in pixel units) and, when the files exist, the real
SqueezeNet 1.0 on the course's 25 ImageNet images (radius --imagenet-eps).
Both sides in float32, the same weights (the digits CNN copied to torch, SqueezeNet from the same safetensors file);
the table gives each side's robust images and the difference. Writes OUT/apgd_torchattacks.{md,csv}.
"""

import argparse
import platform
import sys
import time
from datetime import date
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import torch
import torchattacks

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "support"))
from torch_small_cnn import TorchSmallCNN  # noqa: E402

from jaxdl.report import write_table  # noqa: E402
from jaxdl.visualize.apgd import make_apgd  # noqa: E402
from jaxdl.visualize.fooling import LogitsFn  # noqa: E402


def compare(name: str, torch_model: torch.nn.Module, logits: LogitsFn, variables: dict, pixels: np.ndarray, labels: np.ndarray,
            eps: float, steps: int, restarts: int) -> list[dict]:
    """One row per loss: robust images under torchattacks.APGD and jaxdl's make_apgd (L-inf)."""
    rows = []
    for loss in ("ce", "dlr"):
        start = time.perf_counter()
        attack = torchattacks.APGD(torch_model, norm="Linf", eps=eps, steps=steps, n_restarts=restarts, loss=loss, seed=0)
        adversarial = attack(torch.from_numpy(pixels.transpose(0, 3, 1, 2).copy()), torch.from_numpy(labels))
        with torch.no_grad():
            theirs = int((torch_model(adversarial).argmax(1).numpy() == labels).sum())
        middle = time.perf_counter()
        apgd = make_apgd(logits, "linf", loss)
        ours = int(np.asarray(apgd(variables, jnp.asarray(pixels), jnp.asarray(labels), eps, steps, restarts, jax.random.key(0))[1]).sum())
        rows.append({"network": name, "images": len(pixels), "loss": loss, "eps": round(eps, 5), "steps": steps,
                     "restarts": restarts, "robust torchattacks": theirs, "robust jaxdl": ours, "difference": ours - theirs,
                     "torchattacks s": round(middle - start, 1), "jaxdl s (with compilation)": round(time.perf_counter() - middle, 1)})
        print(rows[-1], flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--eps", type=float, default=0.1, help="digits: L-inf radius in pixel units")
    parser.add_argument("--imagenet-eps", type=float, default=1 / 255, help="SqueezeNet: L-inf radius in pixel units")
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--restarts", type=int, default=1)
    parser.add_argument("--weights", type=Path, default=Path("../shared/weights/squeezenet1_0-imagenet-dc.safetensors"))
    parser.add_argument("--images-npz", type=Path, default=Path("../shared/data/imagenet_val_25.npz"))
    parser.add_argument("--out", type=Path, default=Path("docs/visualize/robustness"))
    args = parser.parse_args()
    from jaxdl.visualize.digits import digit_splits
    from jaxdl.visualize.subject import digits_subject, imagenet_subject

    subject = digits_subject()
    _, x_test, _, y_test = digit_splits()
    rows = compare("digits SmallCNN", TorchSmallCNN(subject.variables).eval(), subject.logits_of_pixels, subject.variables,
                   x_test, y_test, args.eps, args.steps, args.restarts)
    if args.weights.is_file() and args.images_npz.is_file():
        import torchvision
        from safetensors.torch import load_file

        from jaxdl.data.imagenet import MEAN, STD

        reference = torchvision.models.squeezenet1_0(weights=None)
        reference.load_state_dict(load_file(str(args.weights)))
        mean, std = (torch.tensor(v, dtype=torch.float32).view(1, 3, 1, 1) for v in (MEAN, STD))
        model = torch.nn.Sequential(torchvision.transforms.Normalize(mean.flatten(), std.flatten()), reference).eval()
        data = np.load(args.images_npz, allow_pickle=True)
        squeeze = imagenet_subject("squeezenet1_0", args.weights)
        rows += compare("SqueezeNet 1.0 (real)", model, squeeze.logits_of_pixels, squeeze.variables,
                        data["X"].astype(np.float32) / 255, data["y"], args.imagenet_eps, args.steps, args.restarts)
    args.out.mkdir(parents=True, exist_ok=True)
    write_table(rows, args.out / "apgd_torchattacks")
    with open(args.out / "apgd_torchattacks.md", "a") as f:
        f.write(f"\n`python scripts/apgd_torchattacks.py {' '.join(sys.argv[1:])}` on {platform.machine()} "
                f"(2-core AMD EPYC, shared and loaded), {date.today()}.\n")


if __name__ == "__main__":
    main()
