"""Read a torchvision state_dict from wherever it lives: `.pth`/`.pt`, `.safetensors`, `.npz` or a mapping.

Everything becomes `dict[str, np.ndarray]`, so the converter never sees torch; torch is
imported only to read a `.pth`, and only then.
"""

import os
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from jaxdl.errors import WeightsError

Source = str | os.PathLike | Mapping
SUFFIXES = (".pth", ".pt", ".safetensors", ".npz")


def label(source: Source) -> str:
    """How errors name the source: its path, or 'state_dict' for an in-memory mapping."""
    return "state_dict" if isinstance(source, Mapping) else str(source)


def _torch_load(path: Path) -> object:
    """torch.load with weights_only=True (no code runs from the file); torch is imported here only."""
    try:
        import torch
    except ImportError as err:
        raise WeightsError(
            f"{path}: reading a .pth needs torch, which is not installed; convert it where torch is "
            "(`jaxdl weights convert`) or save the state_dict as .safetensors or .npz"
        ) from err
    return torch.load(path, map_location="cpu", weights_only=True)


def _load_file(path: Path) -> object:
    """The raw object stored in a weights file, chosen by suffix."""
    if path.suffix in (".pth", ".pt"):
        return _torch_load(path)
    if path.suffix == ".safetensors":
        from safetensors.numpy import load_file

        return load_file(path)
    with np.load(path, allow_pickle=False) as archive:
        return {key: archive[key] for key in archive.files}


def _read_file(path: Path) -> object:
    """`_load_file` with every failure turned into a WeightsError naming the file."""
    if path.suffix not in SUFFIXES:
        raise WeightsError(f"{path}: unsupported weights file; expected one of {', '.join(SUFFIXES)}")
    if not path.is_file():
        raise WeightsError(f"{path}: no such file")
    try:
        return _load_file(path)
    except WeightsError:
        raise
    except Exception as err:  # each reader fails differently on a bad file; all mean the same to a user
        reason = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise WeightsError(f"{path}: cannot read {path.suffix} file (truncated or corrupt?): {reason}") from err


def as_state_dict(obj: object, name: str) -> dict[str, np.ndarray]:
    """A mapping of parameter name -> array (numpy or torch tensor) as numpy; `num_batches_tracked` dropped."""
    if not isinstance(obj, Mapping):
        raise WeightsError(f"{name}: not a state_dict (it holds a {type(obj).__name__})")
    if not obj:
        raise WeightsError(f"{name}: empty state_dict")
    state = {}
    for key, value in obj.items():
        if not hasattr(value, "shape"):
            hint = f"; a training checkpoint? pass its {key!r} entry" if isinstance(value, Mapping) else ""
            raise WeightsError(f"{name}: not a state_dict: {key!r} holds a {type(value).__name__}, not an array{hint}")
        if not str(key).endswith("num_batches_tracked"):
            state[str(key)] = np.asarray(value.detach().cpu() if hasattr(value, "detach") else value)
    return state


def read_state_dict(source: Source) -> dict[str, np.ndarray]:
    """The state_dict held by a file path or mapping, as numpy arrays."""
    obj = source if isinstance(source, Mapping) else _read_file(Path(source).expanduser())
    return as_state_dict(obj, label(source))
