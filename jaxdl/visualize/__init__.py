"""Part 2, network visualization: saliency, adversarial examples and class visualization, each `jax.grad` of a pure function."""
