"""The report's text without the absolute paths of the machine that made it: a path inside the run folder is shown
relative to it, any other as its file name (and, for a file, the start of its SHA-256, which identifies it anywhere)."""

import hashlib
import re
from dataclasses import fields, is_dataclass, replace
from functools import cache
from pathlib import Path

# An absolute POSIX path of two or more parts, not inside a word, a URL or a relative path ("a/b", "http://h/p", "../x").
ABSOLUTE = re.compile(r"(?<![\w./~-])(?:/[\w.+@%-]*[\w+@%-]){2,}")  # a final "." ends the sentence


@cache
def sha256_start(path: Path) -> str:
    """The first 12 hex digits of the file's SHA-256 (read in 1 MiB blocks: weights files are large)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()[:12]


def shown(path: str, out: Path) -> str:
    """How the report names the absolute `path`: relative to the run folder `out`, else its name (+ sha256 if a file)."""
    where = Path(path)
    try:
        return str(where.resolve().relative_to(out.resolve()))
    except ValueError:
        pass
    return f"{where.name} (sha256 {sha256_start(where)})" if where.is_file() else where.name


def portable(value: object, out: Path) -> object:
    """`value` (a string, or lists, tuples, dicts and dataclasses of them) with every absolute path shown portably."""
    if isinstance(value, str):
        return ABSOLUTE.sub(lambda match: shown(match.group(), out), value)
    if isinstance(value, dict):
        return {portable(key, out): portable(item, out) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(portable(item, out) for item in value)
    if is_dataclass(value) and not isinstance(value, type):
        return replace(value, **{f.name: portable(getattr(value, f.name), out) for f in fields(value) if f.init})
    return value
