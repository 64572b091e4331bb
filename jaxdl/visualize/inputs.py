"""Images to visualise, in pixel space [0, 1]: image files, an `.npz` like the course's, or the embedded digits.

The course's `imagenet_val_25.npz` holds `X` (N,224,224,3 uint8 RGB), `y` (N,) class indices and
`label_map` (a 0-d object array holding {index: name}); only `X` is required.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

from jaxdl.errors import DataError


@dataclass(frozen=True)
class Inputs:
    """A batch of pixel-space images (float32 NHWC in [0, 1]), their true labels if known, and a name each."""

    pixels: np.ndarray
    labels: np.ndarray | None
    names: tuple[str, ...]


def load_image_files(paths: Sequence[str | Path], size: int = 224) -> Inputs:
    """Image files resized to size x size RGB (PIL bilinear, as the course's transforms); unreadable files are an error."""
    images = []
    for path in paths:
        try:
            with Image.open(path) as image:
                images.append(np.asarray(image.convert("RGB").resize((size, size), Image.BILINEAR), np.float32) / 255.0)
        except (FileNotFoundError, IsADirectoryError) as err:
            raise DataError(f"{path}: no such image file") from err
        except (UnidentifiedImageError, OSError) as err:
            raise DataError(f"{path}: not a readable image ({err})") from err
    if not images:
        raise DataError("no input images given")
    return Inputs(np.stack(images), None, tuple(Path(p).name for p in paths))


def load_npz(path: str | Path) -> Inputs:
    """An `.npz` with `X` (N,H,W,3 uint8 or float in [0, 1]) and optionally `y`; missing or malformed keys are errors."""
    try:
        data = np.load(path, allow_pickle=True)
    except FileNotFoundError as err:
        raise DataError(f"{path}: no such file") from err
    except (OSError, ValueError) as err:
        raise DataError(f"{path}: not a readable .npz ({err})") from err
    if "X" not in data:
        raise DataError(f"{path}: no array 'X' (images N,H,W,3) in the .npz; it has {sorted(data.files)}")
    images = data["X"]
    if images.ndim != 4 or images.shape[-1] not in (1, 3):
        raise DataError(f"{path}: 'X' must be N,H,W,3 (or N,H,W,1) images, got shape {images.shape}")
    pixels = images.astype(np.float32) / 255.0 if images.dtype == np.uint8 else images.astype(np.float32)
    labels = data["y"].astype(np.int64) if "y" in data else None
    return Inputs(pixels, labels, tuple(f"{Path(path).stem}[{i}]" for i in range(len(images))))


def load_inputs(sources: Sequence[str | Path], size: int = 224) -> Inputs:
    """One `.npz` file, or any number of image files."""
    if len(sources) == 1 and str(sources[0]).endswith(".npz"):
        return load_npz(sources[0])
    return load_image_files(sources, size)


def check_class(index: int, num_classes: int) -> int:
    """`index` if it is a valid class index, else a DataError naming the range."""
    if not 0 <= index < num_classes:
        raise DataError(f"class index {index} out of range: the network has classes 0..{num_classes - 1}")
    return index
