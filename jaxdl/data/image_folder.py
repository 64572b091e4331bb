"""A folder of class folders as a TFDS data set (array_record, read without TensorFlow).

Two layouts: pre-split `root/{train,test}/<class>/<image>`, or flat `root/<class>/<image>`
split per class with a seed (`train_size` images, or that fraction, of each class for train).
Images are stored as the file's bytes (JPEG stays JPEG) and read back undecoded, so the
caller decodes and preprocesses them (see jaxdl.data.imagenet.Preprocessed). While the data
set is prepared each image is decoded once: a file that does not decode is left out with a
warning naming it, and listed in the prepared data set's metadata (`Prepared.skipped`), so
an extraction never stops half-way on a bad file.
"""

import hashlib
import io
import numbers
import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import tensorflow_datasets as tfds
from PIL import Image

from jaxdl.data.tfds_io import data_dir
from jaxdl.errors import DataError

EXTENSIONS = {".jpg", ".jpeg", ".png", ".bmp", ".gif", ".tif", ".tiff", ".ppm", ".pgm", ".webp"}
SPLITS = ("train", "test")
Files = dict[str, list[Path]]  # class name -> image files


@dataclass(frozen=True)
class Prepared:
    """A prepared image folder: TFDS data sources per split, class names, the files left out as unreadable,
    and a fingerprint of which file went to which split (it names the data in caches)."""

    sources: dict
    classes: list[str]
    skipped: list[str]
    fingerprint: str


def class_files(folder: Path) -> Files:
    """{class: sorted image files} of a folder of class folders; DataError if missing, without classes or images."""
    if not folder.is_dir():
        raise DataError(f"{folder}: no such folder (expected {folder}/<class>/<image>)")
    classes = sorted(d for d in folder.iterdir() if d.is_dir())
    if not classes:
        raise DataError(f"{folder}: no class folders (expected {folder}/<class>/<image>)")
    files = {d.name: sorted(f for f in d.iterdir() if f.suffix.lower() in EXTENSIONS) for d in classes}
    empty = [name for name, paths in files.items() if not paths]
    if empty:
        raise DataError(f"{folder}: class folder(s) without images: {', '.join(empty)}")
    return files


def seeded_split(files: Files, train_size: int | float, seed: int) -> dict[str, Files]:
    """Per class, a seeded random `train_size` images (a count, or a fraction in (0, 1)) for train, the rest for test."""
    rng = np.random.default_rng(seed)
    splits: dict[str, Files] = {"train": {}, "test": {}}
    for name, paths in files.items():
        count = int(train_size) if isinstance(train_size, numbers.Integral) else round(train_size * len(paths))
        if not 0 < count < len(paths):
            raise DataError(f"class {name!r} has {len(paths)} images: cannot put train_size={train_size} in train and keep a test part")
        chosen = set(rng.permutation(len(paths))[:count].tolist())
        splits["train"][name] = [p for i, p in enumerate(paths) if i in chosen]
        splits["test"][name] = [p for i, p in enumerate(paths) if i not in chosen]
    return splits


def split_files(root: str | Path, train_size: int | float = 0.5, seed: int = 0) -> dict[str, Files]:
    """The train/test files of `root`: its own split if it has train/ and test/, else a seeded split per class."""
    root = Path(root).expanduser()
    if not root.is_dir():
        raise DataError(f"{root}: no such image folder")
    if not all((root / split).is_dir() for split in SPLITS):
        return seeded_split(class_files(root), train_size, seed)
    splits = {split: class_files(root / split) for split in SPLITS}
    if list(splits["train"]) != list(splits["test"]):
        raise DataError(f"{root}: train/ and test/ have different class folders: {list(splits['train'])} vs {list(splits['test'])}")
    return splits


def check_counts(splits: dict[str, Files], skipped: set[str] = frozenset()) -> None:
    """Raise a DataError unless there are two classes or more and every split has, per class, a readable image."""
    classes = list(next(iter(splits.values())))
    if len(classes) < 2:
        raise DataError(f"only {len(classes)} class folder ({', '.join(classes)}): a classifier needs at least two")
    for split, files in splits.items():
        for name, paths in files.items():
            if all(str(path) in skipped for path in paths):
                bad = f" ({len(paths)} unreadable, left out)" if paths else ""
                raise DataError(f"{split} split: class {name!r} has no readable image{bad}")


def unreadable(data: bytes) -> str | None:
    """None if `data` decodes as an image (fully: truncated files fail), else PIL's reason."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        return str(error) or type(error).__name__
    return None


def fingerprint(splits: dict[str, Files], channels: int) -> str:
    """A short hash of which file (path, size, mtime) went to which split: a new cache when anything changes."""
    digest = hashlib.sha256(str(channels).encode())
    for split, files in splits.items():
        for name, paths in files.items():
            for path in paths:
                stat = path.stat()
                digest.update(f"{split}/{name}/{path}/{stat.st_size}/{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:12]


class ImageFolder(tfds.core.GeneratorBasedBuilder):
    """Splits train and test of encoded images (`channels` as declared), labels named after the class folders."""

    VERSION = tfds.core.Version("1.1.0")  # 1.1: unreadable images are left out and listed in the metadata

    def __init__(self, *, splits: dict[str, Files], channels: int = 3, **kwargs):
        self._splits, self._channels = splits, channels
        super().__init__(**kwargs)

    def _info(self) -> tfds.core.DatasetInfo:
        features = tfds.features.FeaturesDict(
            {
                "image": tfds.features.Image(shape=(None, None, self._channels)),
                "label": tfds.features.ClassLabel(names=list(self._splits["train"])),
                "path": tfds.features.Text(),
            }
        )
        return tfds.core.DatasetInfo(builder=self, features=features, metadata=tfds.core.MetadataDict(skipped=[]))

    def _split_generators(self, dl_manager: tfds.download.DownloadManager) -> dict:
        return {split: self._generate_examples(files) for split, files in self._splits.items()}

    def _generate_examples(self, files: Files):
        """One record per readable image; an unreadable one is warned about, listed in the metadata, left out."""
        for label, paths in enumerate(files.values()):
            for path in paths:
                try:
                    data = path.read_bytes()
                    problem = unreadable(data)
                except OSError as error:
                    problem = str(error)
                if problem:
                    warnings.warn(f"{path}: left out, not a readable image ({problem})", stacklevel=2)
                    self.info.metadata["skipped"].append(str(path))
                    continue
                yield str(path), {"image": data, "label": label, "path": str(path)}


def load(
    root: str | Path, train_size: int | float = 0.5, seed: int = 0, channels: int = 3, directory: str | Path | None = None
) -> Prepared:
    """TFDS data sources ({"train", "test"}) whose records hold the undecoded image bytes, a label and the file path;
    prepared once under the data dir (each image decoded then, unreadable ones left out), then read from there.
    Too few classes or a class without readable images in a split is a DataError before any extraction."""
    root = Path(root).expanduser().resolve()
    splits = split_files(root, train_size, seed)
    check_counts(splits)
    name = re.sub(r"[^a-z0-9]+", "_", root.name.lower()).strip("_") or "images"
    digest = fingerprint(splits, channels)
    config = tfds.core.BuilderConfig(name=f"{name}_{digest}")
    builder = ImageFolder(
        splits=splits, channels=channels, config=config, data_dir=str(data_dir(directory)), file_format="array_record"
    )
    builder.download_and_prepare()
    skipped = list(builder.info.metadata["skipped"])
    check_counts(splits, set(skipped))
    sources = builder.as_data_source(decoders={"image": tfds.decode.SkipDecoding()})
    return Prepared({split: sources[split] for split in SPLITS}, builder.info.features["label"].names, skipped, digest)


def summary(prepared: Prepared, root: str | Path, counts: dict[str, int], listing: Path, shown: int = 3) -> str:
    """The one-line summary of a loaded folder; unreadable images left out are named there (the first `shown`) and all
    listed in `listing`, because a warning alone disappears when warnings are filtered (PYTHONWARNINGS, notebooks)."""
    line = f"{root}: {len(prepared.classes)} classes, {' / '.join(f'{n} {split}' for split, n in counts.items())} images"
    if not prepared.skipped:
        return line
    skipped = sorted(prepared.skipped)
    listing.parent.mkdir(parents=True, exist_ok=True)
    listing.write_text("".join(f"{path}\n" for path in skipped))
    names = ", ".join(Path(path).name for path in skipped[:shown])
    more = f" and {len(skipped) - shown} more" if len(skipped) > shown else ""
    return f"{line}; {len(skipped)} unreadable image(s) left out: {names}{more} (all listed in {listing})"


def labels(source: Sequence[Mapping]) -> np.ndarray:
    """The int64 labels of a data source, in record order."""
    return np.array([source[i]["label"] for i in range(len(source))], dtype=np.int64)
