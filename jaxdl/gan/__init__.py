"""GANs of the course: DCGAN and conditional DCGAN trained with pure, jitted optax steps."""
