"""Where the course's shared real data and weights are, when they are there (../shared next to the repository)."""

from pathlib import Path

REAL_WEIGHTS = {"squeezenet1_0": Path("weights") / "squeezenet1_0-imagenet-dc.safetensors"}


def shared_dirs() -> list[Path]:
    """Where the course's shared data may be: next to the repository (CI layout) or next to the working directory."""
    return [Path(__file__).resolve().parents[2].parent / "shared", Path.cwd().resolve().parent / "shared"]


def real_weights(arch: str = "squeezenet1_0") -> Path | None:
    """The real ImageNet weights file of `arch` if one of the shared folders has it."""
    relative = REAL_WEIGHTS.get(arch)
    return next((d / relative for d in shared_dirs() if relative and (d / relative).is_file()), None)


def weights_for(arch: str, chosen: dict[str, str]) -> str:
    """The weights of `arch`: the file `chosen` names for it, else the shared real weights, else a seeded random init."""
    found = chosen.get(arch) or real_weights(arch)
    return str(found) if found else "random"
