"""`load(arch, "imagenet")`: find, download, verify, convert and cache torchvision's ImageNet weights.

Search order in the weights folder (see `manifest.weights_dir`): the converted checkpoint
`<folder>/<file stem>/`, then the torchvision file in the folder or in torch.hub's cache,
then (if allowed) the official URL. Each step's result is cached for the next call.
"""

import os
from collections.abc import Mapping
from pathlib import Path

from jaxdl.download import check_sha256, download_file, sha256_of
from jaxdl.errors import WeightsError
from jaxdl.weights import manifest
from jaxdl.weights.convert import classes_of, from_torchvision
from jaxdl.weights.sources import Source
from jaxdl.weights.store import is_complete, load_variables, save

PathLike = str | os.PathLike


def convert_file(arch: str, source: Source, out: PathLike, sha256: str | None = None, **options) -> Path:
    """Convert a torchvision state_dict and save it (Orbax + metadata) to `out`; returns `out`."""
    variables = from_torchvision(arch, source, **options)
    is_file = not isinstance(source, Mapping)
    metadata = {
        "arch": arch,
        "num_classes": classes_of(arch, variables),
        "options": options,
        "source": Path(source).name if is_file else "state_dict",
        "source_sha256": (sha256 or sha256_of(source)) if is_file else None,
    }
    return save(variables, out, metadata)


def _missing(item: manifest.Entry, directory: Path) -> WeightsError:
    """The offline error: which file to put where, or which command to run."""
    return WeightsError(
        f"no {item.arch} ImageNet weights and downloads are off: put {item.filename} (from {item.url}) "
        f"in {directory} or {manifest.hub_dir()}, or run `jaxdl weights fetch {item.arch}`, "
        f"or `jaxdl weights convert FILE --arch {item.arch} --out {directory / item.stem}`"
    )


def fetch(
    arch: str, weights_dir: PathLike | None = None, download: bool = True, base_url: str | None = None, manifest_path: PathLike | None = None
) -> Path:
    """The converted checkpoint folder of `arch`'s ImageNet weights, creating it (and downloading) if needed."""
    item = manifest.entry(arch, manifest_path)
    directory = manifest.weights_dir(weights_dir)
    checkpoint = directory / item.stem
    if is_complete(checkpoint):
        return checkpoint
    source = manifest.find_local(item, directory)
    if source is None and not download:
        raise _missing(item, directory)
    source = source or download_file(manifest.source_url(item, base_url), directory / item.filename, item.sha256, error=WeightsError)
    digest = sha256_of(source)
    check_sha256(str(source), digest, item.sha256, WeightsError)
    return convert_file(arch, source, checkpoint, sha256=digest)


def status(item: manifest.Entry, directory: Path) -> str:
    """converted (ready to load), downloaded (torchvision file present) or missing."""
    if is_complete(directory / item.stem):
        return "converted"
    return "downloaded" if manifest.find_local(item, directory) else "missing"


def load(arch: str, weights: PathLike = "imagenet", weights_dir: PathLike | None = None, download: bool = True, base_url: str | None = None) -> dict:
    """Flax variables of `arch`: "imagenet" (torchvision's, cached), a converted folder, or a state_dict file."""
    if weights == "imagenet":
        return load_variables(fetch(arch, weights_dir, download, base_url), arch)
    path = Path(weights).expanduser()
    if path.is_dir():
        return load_variables(path, arch)
    if path.is_file():
        return from_torchvision(arch, path)
    raise WeightsError(f"weights {weights!r}: not 'imagenet' nor an existing checkpoint folder or weights file")
