"""jaxdl: a graduate deep-learning course's practical works in JAX/Flax."""

__version__ = "0.1.0"
