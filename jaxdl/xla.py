"""XLA:CPU settings measured to make jaxdl faster (scripts/bench_features.py).

Handing convolutions to the YNNPACK library took VGG16 from 0.92-0.96x to 1.09-1.17x PyTorch's
speed on this 2-core x86 CPU, and did not slow the DCGAN step. XLA reads XLA_FLAGS when its
backend starts (first computation), so this must run before that, and never at import.
"""

import os

YNN_CONV = "--xla_cpu_experimental_ynn_fusion_type=LIBRARY_FUSION_TYPE_INDIVIDUAL_CONVOLUTION"


def use_fast_cpu_convolutions() -> None:
    """Add YNN_CONV to XLA_FLAGS unless the user set a ynn fusion type or JAXDL_XLA_DEFAULTS=1."""
    flags = os.environ.get("XLA_FLAGS", "")
    if "ynn_fusion_type" in flags or os.environ.get("JAXDL_XLA_DEFAULTS") == "1":
        return
    os.environ["XLA_FLAGS"] = f"{flags} {YNN_CONV}".strip()
