"""The one-pixel attack (Su et al. 2019): differential evolution over (x, y, colour) of one changed pixel.

Candidates live in the unit cube [0, 1]^(2+C) (as scipy's differential_evolution scales them):
x = floor(u0 * W), y = floor(u1 * H), colour = the pixel-space value of each channel. Strategy
DE/rand/1/bin with scipy's deferred updating: each generation, every candidate i gets a mutant
a + F (b - c) of three others, binomial crossover with rate CR (one coordinate always from the
mutant), out-of-cube coordinates redrawn uniformly, and the trial replaces i if it is no worse.
Fitness (minimised): the probability of the true class (untargeted) or minus that of the target.
Each generation evaluates the whole population of every image in one batched call; the
generations run as one `lax.fori_loop` inside one jit.
"""

from collections.abc import Callable

import jax
import jax.numpy as jnp

from jaxdl.visualize.fooling import LogitsFn


def pixel_position(candidates: jax.Array, height: int, width: int) -> jax.Array:
    """(..., 2) integer (x, y) of unit-cube candidates (..., 2+C) on a height x width image."""
    size = jnp.array([width, height])
    return jnp.minimum(jnp.floor(candidates[..., :2] * size), size - 1).astype(jnp.int32)


def with_pixel(image: jax.Array, candidate: jax.Array) -> jax.Array:
    """`image` (H,W,C) with the one pixel that `candidate` (unit-cube x, y, colour) names set to its colour."""
    x, y = pixel_position(candidate, *image.shape[:2])
    return image.at[y, x].set(candidate[2:])


def _others(key: jax.Array, size: int) -> jax.Array:
    """(size, 3) indices: for each candidate i, three distinct candidates other than i."""
    scores = jax.random.uniform(key, (size, size)).at[jnp.arange(size), jnp.arange(size)].set(-1.0)
    return jax.lax.top_k(scores, 3)[1]


def trial_population(key: jax.Array, population: jax.Array, mutation: float, crossover: float) -> jax.Array:
    """DE/rand/1/bin trials for one image's population (P, D), kept inside the unit cube."""
    size, dims = population.shape
    pick, cross, forced, redraw = jax.random.split(key, 4)
    a, b, c = jnp.moveaxis(population[_others(pick, size)], 1, 0)
    mutant = a + mutation * (b - c)
    from_mutant = (jax.random.uniform(cross, (size, dims)) < crossover) | (
        jnp.arange(dims) == jax.random.randint(forced, (size, 1), 0, dims))
    trial = jnp.where(from_mutant, mutant, population)
    return jnp.where((trial < 0) | (trial > 1), jax.random.uniform(redraw, trial.shape), trial)


def make_one_pixel(logits: LogitsFn) -> Callable[..., tuple[jax.Array, jax.Array]]:
    """jit(variables, images, labels, targeted, key, population=100, generations=30, mutation=0.5, crossover=0.7)
    -> (adversarial images, best candidate per image as (x, y, colour...) in pixel coordinates).

    `labels`: true classes (untargeted) or targets (targeted); `population` is static."""

    def fitness(variables: dict, images: jax.Array, candidates: jax.Array, labels: jax.Array, targeted: bool | jax.Array) -> jax.Array:
        perturbed = jax.vmap(jax.vmap(with_pixel, (None, 0)))(images, candidates)  # (N, P, H, W, C)
        flat = perturbed.reshape(-1, *images.shape[1:])
        probs = jax.nn.softmax(logits(variables, flat)).reshape(*candidates.shape[:2], -1)
        chosen = jnp.take_along_axis(probs, labels[:, None, None], axis=2)[..., 0]
        return jnp.where(targeted, -chosen, chosen)

    def attack(variables: dict, images: jax.Array, labels: jax.Array, targeted: bool | jax.Array, key: jax.Array, population: int = 100,
               generations: int = 30, mutation: float = 0.5, crossover: float = 0.7) -> tuple[jax.Array, jax.Array]:
        init, key = jax.random.split(key)
        dims = 2 + images.shape[-1]
        start = jax.random.uniform(init, (len(images), population, dims))

        def generation(g: jax.Array, state: tuple[jax.Array, jax.Array]) -> tuple[jax.Array, jax.Array]:
            pop, fit = state
            keys = jax.random.split(jax.random.fold_in(key, g), len(images))
            trials = jax.vmap(trial_population, (0, 0, None, None))(keys, pop, mutation, crossover)
            trial_fit = fitness(variables, images, trials, labels, targeted)
            better = trial_fit <= fit
            return jnp.where(better[..., None], trials, pop), jnp.where(better, trial_fit, fit)

        pop, fit = jax.lax.fori_loop(0, generations, generation, (start, fitness(variables, images, start, labels, targeted)))
        best = jnp.take_along_axis(pop, jnp.argmin(fit, axis=1)[:, None, None], axis=1)[:, 0]
        adversarial = jax.vmap(with_pixel)(images, best)
        return adversarial, jnp.concatenate([pixel_position(best, *images.shape[1:3]), best[:, 2:]], axis=1)

    return jax.jit(attack, static_argnames="population")
