"""`jax.export` of a jaxdl computation for named platforms (a GPU or TPU graph can be exported on a CPU-only machine).

Each model's XLA:CPU rewrites sit behind `lax.platform_dependent`, so a graph exported for `cuda`, `rocm` or `tpu` holds
XLA's own convolution and pooling (and their gradients), and one exported for several platforms holds both branches.
"""

from collections.abc import Callable, Sequence

import jax

from jaxdl.errors import JaxdlError

PLATFORMS = ("cpu", "cuda", "rocm", "tpu")


def export(fn: Callable, *example: object, platforms: Sequence[str] = ("cpu",)) -> jax.export.Exported:
    """jit(fn) exported for `platforms` at the shapes and dtypes of `example`; a JaxdlError names an unknown platform
    (jax.export accepts any name and fails only where the graph is loaded; 'gpu' is not one: say cuda or rocm)."""
    platforms = tuple(platforms)
    unknown = [name for name in platforms if name not in PLATFORMS]
    if unknown or not platforms:
        raise JaxdlError(f"platform {unknown[0] if unknown else 'list empty'!r}: choose among {', '.join(PLATFORMS)}")
    return jax.export.export(jax.jit(fn), platforms=platforms)(*example)
