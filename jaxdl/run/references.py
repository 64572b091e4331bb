"""The reference each practical's headline figure is read against in the run report's summary table, with its source.

Each is quoted as published (ranges kept), on the setting it was measured on: a quick run on embedded data is not
expected to reach it, the setting columns say how the two runs differ.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Reference:
    """A published or PyTorch figure: its values as quoted, the setting it was measured on, where it comes from."""

    values: str  # empty: the run measures its own reference (Headline.reference)
    setting: str
    source: str


REFERENCES = {
    "transfer": Reference(
        "88.6-88.8 (VGG16 relu7, C = 1); 87.1 (AlexNet); 90.5-92.3 (ResNet-34, -50, -152)",
        "15-Scene, 1,500 train / 2,985 test, 224 px, ImageNet weights, L2-normalised features, LinearSVC",
        "the course's reports (PyTorch); jaxdl's pipeline equals PyTorch's on 31 of 32 layer x C cells "
        "(scripts/transfer_reference_torch.py)"),
    "visualize": Reference(
        "fooled 100 %, mean 8.28 steps (2 to 23)",
        "SqueezeNet 1.0 (ImageNet weights), the course's 25 ImageNet images -> 6 stingray, lr 1, at most 100 steps",
        "the course's method (jaxdl visualize adversarial, docs/visualize/real-squeezenet.md); its step counts equal the "
        "course's PyTorch loop's "
        "(tests/visualize/test_adversarial.py)"),
    "dann": Reference(
        "source-only 52.25, dann 76.66 (train on target 95.96)",
        "MNIST -> MNIST-M, 60,000 source / 59,001 target training images",
        "Ganin et al., Domain-Adversarial Training of Neural Networks, JMLR 17 (2016), Table 2"),
    "gan": Reference(
        "",
        "real held-out images scored like the samples (measured in this run): the floor",
        "jaxdl.gan.train.fit, frechet_real: the Frechet distance between real training and held-out images"),
}
