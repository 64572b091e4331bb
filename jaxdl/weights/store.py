"""Converted weights on disk: an Orbax checkpoint plus a small JSON of what it is.

Layout of a weights directory `D`: `D/variables/` (Orbax) and `D/jaxdl.json`
(arch, num_classes, source file and its sha256). Both are written into a hidden
temporary sibling that is renamed to `D` only when complete, so an interrupted or
failed conversion never leaves a `D` that `load_variables` accepts.
"""

import json
import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

import jax
import jax.numpy as jnp
import orbax.checkpoint as ocp

from jaxdl.errors import WeightsError

VARIABLES, METADATA = "variables", "jaxdl.json"


def is_complete(directory: str | os.PathLike) -> bool:
    """True when `directory` is a finished jaxdl weights checkpoint."""
    path = Path(directory).expanduser()
    return (path / METADATA).is_file() and (path / VARIABLES).is_dir()


def save(variables: Mapping, directory: str | os.PathLike, metadata: Mapping | None = None) -> Path:
    """Write variables (+ JSON metadata) to `directory` atomically, replacing an older checkpoint there."""
    final = Path(directory).expanduser().resolve()
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".partial", dir=final.parent))
    try:
        with ocp.StandardCheckpointer() as checkpointer:
            checkpointer.save(tmp / VARIABLES, dict(variables))
        (tmp / METADATA).write_text(json.dumps(dict(metadata or {}), indent=2) + "\n")
        if final.exists():  # move the old one aside first: os.replace cannot overwrite a non-empty directory
            old = Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".old", dir=final.parent))
            os.replace(final, old / final.name)
            shutil.rmtree(old)
        os.replace(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return final


def read_metadata(directory: str | os.PathLike) -> dict:
    """The JSON metadata of a complete checkpoint; a WeightsError saying how to make one otherwise."""
    path = Path(directory).expanduser()
    if not is_complete(path):
        raise WeightsError(
            f"{path}: not a converted jaxdl weights checkpoint (needs {METADATA} and {VARIABLES}/); "
            "create one with `jaxdl weights convert FILE --arch ARCH --out DIR`"
        )
    try:
        return json.loads((path / METADATA).read_text())
    except json.JSONDecodeError as err:
        raise WeightsError(f"{path / METADATA}: corrupt metadata: {err}") from err


def load_variables(directory: str | os.PathLike, arch: str | None = None) -> dict:
    """Variables saved by `save`, as jax arrays; with `arch`, refuse a checkpoint of another architecture."""
    path = Path(directory).expanduser().resolve()
    stored = read_metadata(path).get("arch")
    if arch is not None and stored != arch:
        raise WeightsError(f"{path}: holds {stored} weights, not {arch}")
    try:
        with ocp.StandardCheckpointer() as checkpointer:
            restored = checkpointer.restore(path / VARIABLES)
    except Exception as err:  # Orbax/tensorstore raise many types for a damaged checkpoint
        raise WeightsError(f"{path}: cannot restore the Orbax checkpoint (corrupt?): {err}") from err
    return jax.tree.map(jnp.asarray, restored)
