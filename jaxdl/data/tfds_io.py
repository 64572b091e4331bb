"""What every jaxdl TFDS builder shares: where data lives, how images are encoded, how splits are read.

TFDS encodes a numpy image with TensorFlow, which jaxdl does not depend on; an image
given as PNG/JPEG bytes is stored as is and decoded with PIL, so builders yield bytes.
"""

import io
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
from PIL import Image
from tqdm.auto import tqdm


def data_dir(override: str | os.PathLike | None = None) -> Path:
    """Where prepared data sets are cached: the argument, $JAXDL_DATA_DIR, $TFDS_DATA_DIR, or ~/tensorflow_datasets."""
    chosen = override or os.environ.get("JAXDL_DATA_DIR") or os.environ.get("TFDS_DATA_DIR")
    return Path(chosen or Path.home() / "tensorflow_datasets").expanduser()


def png_bytes(image: np.ndarray) -> bytes:
    """A uint8 HxW or HxWxC array as PNG bytes (lossless, so a stored dataset equals what was generated)."""
    buffer = io.BytesIO()
    Image.fromarray(np.asarray(image, dtype=np.uint8)).save(buffer, format="PNG")
    return buffer.getvalue()


def split_arrays(source: Sequence[Mapping], keys: tuple[str, ...] = ("image", "label"), desc: str = "reading") -> tuple[np.ndarray, ...]:
    """All records of a TFDS data source as stacked numpy arrays, one per key (images must share a shape)."""
    columns: list[list] = [[] for _ in keys]
    for index in tqdm(range(len(source)), desc=desc, leave=False, mininterval=1.0):
        record = source[index]
        for column, key in zip(columns, keys):
            column.append(record[key])
    return tuple(np.stack(column) for column in columns)
