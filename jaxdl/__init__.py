"""jaxdl: a graduate deep-learning course's practical works in JAX/Flax.

Call `jaxdl.configure()` before the first JAX computation to get the CLI's XLA:CPU settings (see jaxdl/xla.py).
"""

from jaxdl.xla import configure

__all__ = ["configure"]
__version__ = "0.1.0"
