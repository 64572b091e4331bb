"""Where torchvision checkpoints come from and where they go: the manifest and the folders.

The manifest (`weights/manifest` in the repository, packaged as jaxdl/weights/manifest.tsv)
lists arch, official URL and sha256. $JAXDL_WEIGHTS_URL replaces the URLs' base
(a mirror, or file:///path/to/files); $JAXDL_WEIGHTS_MANIFEST replaces the manifest.
"""

import os
from dataclasses import dataclass
from pathlib import Path

from jaxdl.errors import WeightsError

MANIFEST = Path(__file__).with_name("manifest.tsv")
REPO_ROOT = Path(__file__).resolve().parents[2]
MIN_PREFIX = 8  # torchvision file names carry the first 8 hex digits of the sha256


@dataclass(frozen=True)
class Entry:
    """One manifest row: the official URL of `arch`'s checkpoint and its sha256 (or a prefix of it)."""

    arch: str
    url: str
    sha256: str

    @property
    def filename(self) -> str:
        """The torchvision file name, e.g. vgg16-397923af.pth."""
        return self.url.rsplit("/", 1)[-1]

    @property
    def stem(self) -> str:
        """The file name without `.pth`: also the name of the converted checkpoint folder."""
        return self.filename.rsplit(".", 1)[0]


def read_manifest(path: str | os.PathLike | None = None) -> dict[str, Entry]:
    """arch -> Entry from a manifest file (default: $JAXDL_WEIGHTS_MANIFEST or the packaged one)."""
    path = Path(path or os.environ.get("JAXDL_WEIGHTS_MANIFEST") or MANIFEST).expanduser()
    entries = {}
    for number, line in enumerate(path.read_text().splitlines(), 1):
        fields = line.split("#", 1)[0].split()
        if not fields:
            continue
        if len(fields) != 3 or len(fields[2]) < MIN_PREFIX:
            raise WeightsError(f"{path}:{number}: expected 'arch url sha256' (sha256 >= {MIN_PREFIX} hex digits)")
        entries[fields[0]] = Entry(*fields)
    return entries


def entry(arch: str, manifest: str | os.PathLike | None = None) -> Entry:
    """The manifest row of `arch`; a WeightsError listing the known archs otherwise."""
    entries = read_manifest(manifest)
    if arch not in entries:
        raise WeightsError(f"no ImageNet weights listed for {arch!r}; listed: {', '.join(entries)}")
    return entries[arch]


def weights_dir(override: str | os.PathLike | None = None) -> Path:
    """Where weights live: the argument, $JAXDL_WEIGHTS, `weights/` of a source checkout, or ~/.cache/jaxdl/weights."""
    chosen = override or os.environ.get("JAXDL_WEIGHTS")
    if chosen:
        return Path(chosen).expanduser()
    if (REPO_ROOT / "pyproject.toml").is_file() and (REPO_ROOT / "weights").is_dir():
        return REPO_ROOT / "weights"
    return Path.home() / ".cache" / "jaxdl" / "weights"


def hub_dir() -> Path:
    """torch.hub's checkpoint cache ($TORCH_HOME, else $XDG_CACHE_HOME/torch or ~/.cache/torch), as torch computes it."""
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "torch"
    return Path(os.environ.get("TORCH_HOME") or cache).expanduser() / "hub" / "checkpoints"


def source_url(item: Entry, base_url: str | None = None) -> str:
    """The URL to download from: the manifest's, or the same file name under `base_url`/$JAXDL_WEIGHTS_URL."""
    base = base_url or os.environ.get("JAXDL_WEIGHTS_URL")
    return f"{base.rstrip('/')}/{item.filename}" if base else item.url


def find_local(item: Entry, directory: Path) -> Path | None:
    """The torchvision file of `item` in the weights folder or torch.hub's cache, if present."""
    return next((p for p in (directory / item.filename, hub_dir() / item.filename) if p.is_file()), None)
