"""jaxdl's XLA:CPU settings, applied in one place that the CLI and the library share: `jaxdl.configure()`.

Handing convolutions to the YNNPACK library took VGG16 from 0.92-0.96x to 1.09-1.17x PyTorch's
speed on a 2-core x86 CPU, and did not slow the DCGAN step (scripts/bench_features.py). The flag is a list
that replaces XLA's default one: naming convolutions alone took matrix products with a transposed operand
off YNNPACK, and `g @ W.T` with VGG16's fc6 kernel (4x4096 by 25088x4096, the input gradient of every
VGG saliency and attack step) took 746 ms instead of 43 ms; naming dots too brings it back to 49 ms.
XLA reads XLA_FLAGS once, when its backend starts (the first computation), so `configure()` must
run before that; the CLI calls it first thing, a script or notebook calls `jaxdl.configure()` to
get the CLI's numbers. XLA aborts the whole process on a flag it does not know, so each flag is
first looked up in the installed jaxlib and left out, with a warning, when it is not there.
"""

import importlib.metadata
import importlib.util
import mmap
import os
import re
import warnings
from collections.abc import Sequence
from pathlib import Path

YNN = "--xla_cpu_experimental_ynn_fusion_type=LIBRARY_FUSION_TYPE_INDIVIDUAL_CONVOLUTION,LIBRARY_FUSION_TYPE_INDIVIDUAL_DOT"
CPU_FLAGS = (YNN,)


def flag_name(flag: str) -> str:
    """`--xla_name=value` -> `xla_name`."""
    return flag.lstrip("-").split("=", 1)[0]


def accelerator_installed() -> bool:
    """True when jax would pick a GPU/TPU over the CPU: JAX_PLATFORMS names another platform first, or a PJRT plugin
    (jax_plugins, e.g. CUDA) or libtpu is installed. Decided without starting a backend."""
    platforms = os.environ.get("JAX_PLATFORMS", "")
    if platforms:
        return platforms.split(",")[0].strip() != "cpu"
    plugins = importlib.metadata.entry_points(group="jax_plugins")
    return bool(plugins) or any(importlib.util.find_spec(name) for name in ("jax_plugins", "libtpu"))


def known_to_jaxlib(flag: str) -> bool:
    """True when the installed jaxlib's XLA defines the flag's name (and its values, if enum names): XLA would
    abort on it otherwise. The names are looked up in jaxlib's shared libraries, which hold every flag's name."""
    spec = importlib.util.find_spec("jaxlib")
    if spec is None or spec.origin is None:
        return False
    words = [flag_name(flag).encode()] + [v.encode() for v in re.findall(r"[=,]([A-Z][A-Z0-9_]+)(?=,|$)", flag)]
    libraries = sorted(Path(spec.origin).parent.glob("*.so"), key=lambda p: -p.stat().st_size)
    for library in libraries:
        with open(library, "rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
            if all(data.find(word) >= 0 for word in words):
                return True
    return False


def configure(flags: Sequence[str] = CPU_FLAGS) -> tuple[str, ...]:
    """Add jaxdl's XLA:CPU `flags` to XLA_FLAGS (before XLA starts); returns those added.

    Nothing is added with JAXDL_XLA_DEFAULTS=1, when jax will run on a GPU/TPU, or for a flag the user's
    XLA_FLAGS already sets (their choice wins); a flag this jaxlib does not know is left out with a warning."""
    if os.environ.get("JAXDL_XLA_DEFAULTS") == "1" or accelerator_installed():
        return ()
    current = os.environ.get("XLA_FLAGS", "")
    added = []
    for flag in flags:
        if flag_name(flag) in current:
            continue
        if not known_to_jaxlib(flag):
            warnings.warn(f"jaxdl: this jaxlib's XLA does not know {flag}; left out (XLA would abort on it)", stacklevel=2)
            continue
        added.append(flag)
    if added:
        os.environ["XLA_FLAGS"] = " ".join([current, *added]).strip()
    return tuple(added)
