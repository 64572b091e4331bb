"""Timing for the scripts/bench_* comparisons: calls per second, frameworks interleaved so machine load hits all alike."""

import time
from collections.abc import Callable


def interleaved_rates(calls: dict[str, Callable[[], None]], iters: int, repeats: int, warmup: int = 3) -> dict[str, list[float]]:
    """Calls per second of each callable in each of `repeats` runs of `iters` calls, the callables taking turns.

    Each callable must wait for its own result (e.g. jax.block_until_ready). `warmup` untimed calls come first.
    """
    for call in calls.values():
        for _ in range(warmup):
            call()
    rates: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(repeats):
        for name, call in calls.items():
            start = time.perf_counter()
            for _ in range(iters):
                call()
            rates[name].append(iters / (time.perf_counter() - start))
    return rates

