"""The attribution figures of the README on the real SqueezeNet 1.0 and the course's 25 ImageNet images.

Top-5 predictions (table + figure), the 96 conv1 activation maps of image 0, and vanilla saliency, SmoothGrad,
integrated gradients, guided backprop and Grad-CAM (fire9) for all 25 images, explaining each image's true class,
5 images per figure.
Run: PYTHONPATH=. python scripts/viz_attributions.py --out docs/visualize --samples 10
     PYTHONPATH=. python scripts/viz_attributions.py --out docs/visualize --methods ig guided --name attributions_ig --ig-steps 16
"""

import argparse
import time
from functools import partial
from pathlib import Path

import numpy as np
from PIL import Image

from jaxdl.features import extract
from jaxdl.figures import save_png
from jaxdl.keys import prng_key
from jaxdl.report import markdown_table, write_table
from jaxdl.visualize.activations import activation_grid
from jaxdl.visualize.attribution_figure import attribution_figure, overlay, picture
from jaxdl.visualize.gradcam import gradcam
from jaxdl.visualize.gradient import in_batches
from jaxdl.visualize.guided import guided_backprop
from jaxdl.visualize.inputs import load_npz
from jaxdl.visualize.integrated_gradients import integrated_gradients
from jaxdl.visualize.predict import prediction_figure, prediction_rows, top_k
from jaxdl.visualize.saliency import saliency
from jaxdl.visualize.smoothgrad import smoothgrad
from jaxdl.visualize.subject import imagenet_subject

SHARED = Path(__file__).resolve().parents[2] / "shared"
METHODS = ("saliency", "smoothgrad", "ig", "guided", "gradcam")


def palette(path: Path, shrink: int = 1) -> Path:
    """Rewrite a PNG with 256 colours, `shrink` times smaller (the README's figures stay under 300 KB)."""
    Image.open(path).convert("RGB").reduce(shrink).quantize(256).save(path, optimize=True)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weights", type=Path, default=SHARED / "weights" / "squeezenet1_0-imagenet-dc.safetensors")
    parser.add_argument("--images", type=Path, default=SHARED / "data" / "imagenet_val_25.npz")
    parser.add_argument("--out", type=Path, default=Path("runs/visualize/attributions"))
    parser.add_argument("--samples", type=int, default=25, help="SmoothGrad noisy copies (default 25)")
    parser.add_argument("--noise", type=float, default=0.15, help="SmoothGrad noise, fraction of the range")
    parser.add_argument("--ig-steps", dest="ig_steps", type=int, default=50, help="integrated gradients: Gauss-Legendre "
                        "steps from the baseline 0 of normalised space, the mean colour (default 50)")
    parser.add_argument("--layer", default="fire9", help="Grad-CAM layer (default fire9)")
    parser.add_argument("--per-figure", type=int, default=5)
    parser.add_argument("--methods", nargs="+", choices=METHODS, default=["saliency", "smoothgrad", "gradcam"],
                        help="columns of the figures (default: saliency smoothgrad gradcam)")
    parser.add_argument("--name", default="attributions", help="figure files NAME_0.png ... (default attributions)")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    subject = imagenet_subject("squeezenet1_0", args.weights)
    inputs = load_npz(args.images)
    model, variables, classes = subject.model, subject.variables, inputs.labels
    x = np.asarray(subject.to_normalized(inputs.pixels))
    logits = extract(model, variables, x, None, 25, progress=False)
    probs, top = top_k(logits)
    rows = prediction_rows([str(i) for i in range(len(x))], probs, top, subject.class_names, classes)
    write_table(rows, args.out / "top5")
    print(markdown_table(rows))
    print(f"top-1 {(top[:, 0] == classes).sum()}/25, top-5 {(top == classes[:, None]).any(axis=1).sum()}/25; "
          f"true-class logits exactly 0: {int((logits[np.arange(len(x)), classes] == 0).sum())}")
    palette(prediction_figure(inputs.pixels[:args.per_figure], probs, top, subject.class_names, args.out / "predict.png"))

    conv1 = extract(model, variables, x[:1], "conv1", 1, progress=False)[0]
    palette(save_png(activation_grid(conv1), args.out / "conv1_activations.png", 1), shrink=2)

    methods = {
        "saliency": partial(saliency, model, variables),
        "smoothgrad": partial(smoothgrad, model, variables, key=prng_key(0), samples=args.samples, noise=args.noise),
        "ig": partial(integrated_gradients, model, variables, steps=args.ig_steps),
        "guided": partial(guided_backprop, model, variables),
        "gradcam": partial(gradcam, model, variables, layer=args.layer),
    }
    titles = {"saliency": "saliency", "smoothgrad": "SmoothGrad", "ig": "integrated gradients", "guided": "guided backprop",
              "gradcam": f"Grad-CAM {args.layer}"}
    maps = {}
    for name in args.methods:
        start = time.perf_counter()
        maps[name] = in_batches(methods[name], x, classes, inputs.names, 5, desc=titles[name])
        print(f"{titles[name]}: 25 maps in {time.perf_counter() - start:.1f} s (batches of 5, compilation included)")
    for k in range(0, len(x), args.per_figure):
        part = slice(k, k + args.per_figure)
        names = [f"{i}: {subject.class_names[c][:18]}" for i, c in zip(range(k, len(x)), classes[part])]
        columns = {titles[name]: overlay(inputs.pixels[part], m[part]) if name == "gradcam" else picture(name, m[part])
                   for name, m in maps.items()}
        path = palette(attribution_figure(inputs.pixels[part], columns, names, args.out / f"{args.name}_{k // args.per_figure}.png",
                                          size=1.6))
        print(f"wrote {path} ({path.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
