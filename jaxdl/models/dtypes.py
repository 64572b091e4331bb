"""The floating types a jaxdl model computes and stores its parameters in, checked with one clear message."""

from typing import Any

import jax
import jax.numpy as jnp

from jaxdl.errors import JaxdlError

FLOATS = ("float32", "float64", "bfloat16", "float16")
Dtype = Any  # a numpy/JAX dtype, or its name


def checked(dtype: Dtype | None, what: str = "dtype") -> Any:
    """`dtype` as a JAX dtype (None stays None: inferred from the inputs and parameters), or a JaxdlError when no model can
    compute in it: not a floating type, or float64 while JAX is limited to 32 bits (it would silently compute float32)."""
    if dtype is None:
        return None
    try:
        name = jnp.dtype(dtype).name
    except TypeError:
        name = str(dtype)
    if name not in FLOATS:
        raise JaxdlError(f"{what}={dtype!r}: jaxdl models compute in a floating type; choose one of {', '.join(FLOATS)}")
    if name == "float64" and not jax.config.jax_enable_x64:
        raise JaxdlError(f"{what}=float64 needs 64-bit JAX: set JAX_ENABLE_X64=1 (or jax.config.update('jax_enable_x64', True))")
    return jnp.dtype(name)


def layer_dtypes(module: Any) -> dict:
    """The checked `dtype` and `param_dtype` keywords of a model's Flax layers, from the model's own two fields."""
    return {"dtype": checked(module.dtype), "param_dtype": checked(module.param_dtype, "param_dtype")}
