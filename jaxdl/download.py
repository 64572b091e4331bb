"""Verified downloads and file hashes, shared by weights and data sets.

A download streams to a hidden temporary file while hashing and is renamed into place only if the hash matches.
"""

import hashlib
import os
import tempfile
import urllib.error
import urllib.request
from pathlib import Path
from typing import BinaryIO

from tqdm.auto import tqdm

from jaxdl.errors import JaxdlError


def sha256_of(path: str | os.PathLike) -> str:
    """Hex sha256 of a file, read in 1 MiB chunks (files are hundreds of MB)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def check_sha256(name: str, digest: str, expected: str, error: type[JaxdlError] = JaxdlError) -> None:
    """Raise `error` naming `name` unless `digest` starts with `expected` (a full hash or a prefix)."""
    if not digest.startswith(expected.lower()):
        raise error(f"{name}: sha256 mismatch (truncated or corrupt file?): got {digest}, expected {expected}")


def _stream(response: BinaryIO, handle: BinaryIO, digest: "hashlib._Hash", total: int | None, desc: str) -> None:
    """Copy a response into an open file, hashing as it goes, with a progress bar."""
    with tqdm(total=total, unit="B", unit_scale=True, desc=desc, leave=False) as bar:
        for chunk in iter(lambda: response.read(1 << 20), b""):
            handle.write(chunk)
            digest.update(chunk)
            bar.update(len(chunk))


def download_file(url: str, dest: Path, sha256: str, timeout: float = 60.0,
                  error: type[JaxdlError] = JaxdlError) -> Path:
    """Download `url` to `dest`, verifying sha256 while streaming; nothing is left at `dest` on failure.

    `error` is the JaxdlError subclass raised on failure (WeightsError, DataError)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile(dir=dest.parent, prefix=f".{dest.name}.", suffix=".part", delete=False)
    digest = hashlib.sha256()
    try:
        with handle, urllib.request.urlopen(url, timeout=timeout) as response:
            length = response.headers.get("Content-Length")
            _stream(response, handle, digest, int(length) if length else None, dest.name)
        check_sha256(url, digest.hexdigest(), sha256, error)
        os.replace(handle.name, dest)
    except (urllib.error.URLError, OSError) as err:
        os.unlink(handle.name)
        reason = f"HTTP {err.code} {err.reason}" if isinstance(err, urllib.error.HTTPError) else getattr(err, "reason", err)
        raise error(f"cannot download {url}: {reason}; put {dest.name} in {dest.parent} by hand") from err
    except BaseException:
        os.unlink(handle.name)
        raise
    return dest
