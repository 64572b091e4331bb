"""Image folders and 15-Scene: both layouts, seeded splits, clear errors, torchvision-exact preprocessing, real data."""

import io
import time
import warnings
from pathlib import Path

import numpy as np
import pytest
from locations import SHARED
from PIL import Image

from jaxdl.data import image_folder, scene15
from jaxdl.data.imagenet import MEAN, STD, Preprocessed, preprocess
from jaxdl.errors import DataError

SHARED = SHARED
SCENE15 = SHARED / "data" / "15scene"
SQUEEZENET = SHARED / "weights" / "squeezenet1_0-imagenet-dc.safetensors"


def write_jpegs(folder: Path, count: int, seed: int) -> None:
    """`count` random grayscale JPEGs of various sizes in `folder`."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True)
    for i in range(count):
        h, w = rng.integers(12, 40, size=2)
        Image.fromarray(rng.integers(0, 256, (h, w), dtype=np.uint8)).save(folder / f"image_{i:04d}.jpg")


@pytest.fixture
def presplit(tmp_path):
    for split, count in (("train", 3), ("test", 2)):
        for c, name in enumerate(("coast", "forest")):
            write_jpegs(tmp_path / "scenes" / split / name, count, seed=c)
    return tmp_path / "scenes"


def test_presplit_folder_round_trips_file_bytes(presplit, tmp_path):
    prepared = image_folder.load(presplit, directory=tmp_path / "tfds")
    sources, classes = prepared.sources, prepared.classes
    assert prepared.skipped == []
    assert classes == ["coast", "forest"]
    assert {s: len(src) for s, src in sources.items()} == {"train": 6, "test": 4}
    assert np.bincount(image_folder.labels(sources["test"])).tolist() == [2, 2]
    for record in (sources["train"][i] for i in range(6)):
        path = Path(record["path"].decode())
        assert path.parent.parent.name == "train" and record["image"] == path.read_bytes()
        assert classes[record["label"]] == path.parent.name


def test_flat_folder_seeded_split_per_class(tmp_path):
    for c, name in enumerate(("a", "b", "c")):
        write_jpegs(tmp_path / "flat" / name, 10, seed=c)
    by_count = image_folder.split_files(tmp_path / "flat", train_size=4, seed=0)
    assert {n: len(p) for n, p in by_count["train"].items()} == {"a": 4, "b": 4, "c": 4}
    assert {n: len(p) for n, p in by_count["test"].items()} == {"a": 6, "b": 6, "c": 6}
    assert set(by_count["train"]["a"]).isdisjoint(by_count["test"]["a"])
    assert image_folder.split_files(tmp_path / "flat", 4, seed=0) == by_count  # seeded: reproducible
    assert image_folder.split_files(tmp_path / "flat", 4, seed=1)["train"]["a"] != by_count["train"]["a"]
    by_fraction = image_folder.split_files(tmp_path / "flat", train_size=0.3, seed=0)
    assert len(by_fraction["train"]["b"]) == 3 and len(by_fraction["test"]["b"]) == 7


def test_folder_errors_name_the_problem(tmp_path):
    with pytest.raises(DataError, match="nowhere: no such image folder"):
        image_folder.split_files(tmp_path / "nowhere")
    (tmp_path / "empty").mkdir()
    with pytest.raises(DataError, match="no class folders"):
        image_folder.split_files(tmp_path / "empty")
    write_jpegs(tmp_path / "flat" / "a", 3, seed=0)
    (tmp_path / "flat" / "b").mkdir()
    (tmp_path / "flat" / "b" / "notes.txt").write_text("not an image")
    with pytest.raises(DataError, match="class folder.* without images: b"):
        image_folder.split_files(tmp_path / "flat")
    with pytest.raises(DataError, match="class 'a' has 3 images: cannot put train_size=3"):
        image_folder.seeded_split({"a": sorted((tmp_path / "flat" / "a").iterdir())}, train_size=3, seed=0)
    for split, name in (("train", "x"), ("test", "y")):
        write_jpegs(tmp_path / "mismatch" / split / name, 1, seed=0)
    with pytest.raises(DataError, match="different class folders"):
        image_folder.split_files(tmp_path / "mismatch")


def test_unreadable_images_are_left_out_with_a_warning_and_counted(presplit, tmp_path):
    (presplit / "train" / "coast" / "garbage.jpg").write_bytes(b"not a jpeg at all")
    whole = (presplit / "train" / "forest" / "image_0000.jpg").read_bytes()
    (presplit / "train" / "forest" / "truncated.jpg").write_bytes(whole[: len(whole) // 2])
    (presplit / "test" / "forest" / "folder.png").mkdir()  # named like an image, cannot be read
    with pytest.warns(UserWarning) as caught:
        prepared = image_folder.load(presplit, directory=tmp_path / "tfds")
    messages = sorted(str(w.message) for w in caught if "left out" in str(w.message))
    assert len(messages) == 3
    assert "train/coast/garbage.jpg: left out, not a readable image (cannot identify image file" in messages[1]
    assert "train/forest/truncated.jpg: left out, not a readable image (image file is truncated" in messages[2]
    assert "test/forest/folder.png: left out, not a readable image (" in messages[0]
    assert {Path(p).name for p in prepared.skipped} == {"garbage.jpg", "truncated.jpg", "folder.png"}
    assert {s: len(src) for s, src in prepared.sources.items()} == {"train": 6, "test": 4}  # every readable one kept
    again = image_folder.load(presplit, directory=tmp_path / "tfds")  # read back prepared: still counted
    assert sorted(again.skipped) == sorted(prepared.skipped)


def test_the_summary_line_names_unreadable_images_even_when_warnings_are_ignored(presplit, tmp_path):
    for name in ("bad0.jpg", "bad1.jpg", "bad2.jpg", "bad3.jpg"):
        (presplit / "train" / "coast" / name).write_bytes(b"not a jpeg")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # as PYTHONWARNINGS=ignore or a notebook would
        prepared = image_folder.load(presplit, directory=tmp_path / "tfds")
    listing = tmp_path / "run" / "unreadable.txt"
    line = image_folder.summary(prepared, "scenes", {"train": 6, "test": 6}, listing)
    assert line == (f"scenes: {len(prepared.classes)} classes, 6 train / 6 test images; 4 unreadable image(s) left out: "
                    f"bad0.jpg, bad1.jpg, bad2.jpg and 1 more (all listed in {listing})")
    assert [Path(p).name for p in listing.read_text().splitlines()] == ["bad0.jpg", "bad1.jpg", "bad2.jpg", "bad3.jpg"]


def test_too_few_images_or_classes_fail_before_any_work(presplit, tmp_path):
    for path in (presplit / "test" / "forest").iterdir():
        path.write_bytes(b"broken")
    message = r"test split: class 'forest' has no readable image \(2 unreadable, left out\)"
    with pytest.warns(UserWarning, match="left out"), pytest.raises(DataError, match=message):
        image_folder.load(presplit, directory=tmp_path / "tfds")
    for split in ("train", "test"):
        write_jpegs(tmp_path / "one" / split / "coast", 2, seed=0)
    with pytest.raises(DataError, match=r"only 1 class folder \(coast\): a classifier needs at least two"):
        image_folder.load(tmp_path / "one", directory=tmp_path / "tfds2")
    (presplit / "train" / "empty").mkdir()
    (presplit / "test" / "empty").mkdir()
    with pytest.raises(DataError, match="class folder.* without images: empty"):
        image_folder.load(presplit, directory=tmp_path / "tfds3")
    assert not (tmp_path / "tfds2").exists() and not (tmp_path / "tfds3").exists()  # refused before preparing anything


def test_cmyk_jpeg_and_16_bit_png_are_converted_not_clipped():
    ramp = np.linspace(0, 1, 64)
    rgb = np.stack([np.outer(ramp, ramp), np.outer(ramp, 1 - ramp), np.outer(1 - ramp, ramp)], -1)
    rgb = (255 * rgb).round().astype(np.uint8)
    cmyk = io.BytesIO()
    Image.fromarray(rgb).convert("CMYK").save(cmyk, format="JPEG", quality=98)
    assert Image.open(io.BytesIO(cmyk.getvalue())).mode == "CMYK"
    got = preprocess(cmyk.getvalue(), size=64) * STD + MEAN
    assert np.abs(got * 255 - rgb).mean() < 2.5  # back to the RGB it was made from, up to JPEG's loss
    sixteen = (np.arange(64 * 64).reshape(64, 64) * 16).astype(np.uint16)  # 0 .. 65,520
    png = io.BytesIO()
    Image.fromarray(sixteen).save(png, format="PNG")
    assert Image.open(io.BytesIO(png.getvalue())).mode == "I;16"
    got = preprocess(png.getvalue(), size=64) * STD + MEAN
    expected = np.round(sixteen / 257) / 255  # scaled to 8 bits; PIL's convert("RGB") would clip everything above 255
    assert np.abs(got - expected[..., None]).max() < 1e-6 and abs(got.max() - 255 / 255) < 1e-6 and 0.45 < got.mean() < 0.55


def test_preprocess_matches_torchvision_resize_and_normalize():
    transforms = pytest.importorskip("torchvision.transforms")

    gray = Image.fromarray(np.random.default_rng(0).integers(0, 256, (37, 53), dtype=np.uint8))
    buffer = io.BytesIO()
    gray.save(buffer, format="JPEG")
    pipeline = transforms.Compose(
        [
            transforms.Resize((224, 224)),
            transforms.Lambda(lambda im: im.convert("RGB")),
            transforms.ToTensor(),
            transforms.Normalize((0.485, 0.456, 0.406), (0.229, 0.224, 0.225)),
        ]
    )
    expected = pipeline(Image.open(io.BytesIO(buffer.getvalue()))).permute(1, 2, 0).numpy()
    got = preprocess(buffer.getvalue())
    assert got.shape == (224, 224, 3) and got.dtype == np.float32
    assert np.abs(got - expected).max() < 1e-5
    np.testing.assert_allclose(got[..., 0] * 0.229 + 0.485, got[..., 2] * 0.225 + 0.406, atol=1e-6)  # gray repeated


def test_scene15_flat_layout_takes_100_per_class(tmp_path):
    for c, name in enumerate(("coast", "forest")):
        write_jpegs(tmp_path / "flat" / name, 103, seed=c)
    splits, prepared = scene15.load(tmp_path / "flat", size=32, directory=tmp_path / "tfds")
    (train, train_labels), (test, test_labels) = splits["train"], splits["test"]
    assert prepared.classes == ["coast", "forest"] and len(train) == 200 and len(test) == 6
    assert np.bincount(train_labels).tolist() == [100, 100] and np.bincount(test_labels).tolist() == [3, 3]
    assert isinstance(train, Preprocessed) and train[5:9].shape == (4, 32, 32, 3)


@pytest.mark.realdata
def test_real_scene15_layout(tmp_path):
    if not SCENE15.is_dir():
        pytest.skip(f"15-Scene not found at {SCENE15} (present in CI next to the repository)")
    splits, prepared = scene15.load(SCENE15, directory=tmp_path / "tfds")
    classes = prepared.classes
    assert len(classes) == 15 and prepared.skipped == [] and classes[0] == "bedroom" and classes[-1] == "tallbuilding"
    (train, train_labels), (test, test_labels) = splits["train"], splits["test"]
    assert (len(train), len(test)) == (1500, 2985)
    assert np.bincount(train_labels).tolist() == [100] * 15
    assert np.bincount(test_labels, minlength=15).min() > 0, "every class appears in the test split"
    batch = test[:4]
    assert batch.shape == (4, 224, 224, 3) and abs(float(batch.mean())) < 2.5


@pytest.mark.realdata
@pytest.mark.slow
def test_real_squeezenet_features_classify_scene15(tmp_path):
    """Real ImageNet weights + 10 train / 6 test images per class: a linear SVM on fire9 must be far above chance."""
    if not (SCENE15.is_dir() and SQUEEZENET.is_file()):
        pytest.skip(f"needs {SCENE15} and {SQUEEZENET} (present in CI next to the repository)")
    from jaxdl import models, weights
    from jaxdl.features import extract
    from jaxdl.transfer.svm import svm_sweep

    model = models.create("squeezenet1_0")
    variables = weights.from_torchvision("squeezenet1_0", SQUEEZENET)
    sources = image_folder.load(SCENE15, 100, channels=1, directory=tmp_path / "tfds").sources
    feats, labels = {}, {}
    start = time.perf_counter()
    for split, per_class in (("train", 10), ("test", 6)):
        all_labels = image_folder.labels(sources[split])
        chosen = np.concatenate([np.flatnonzero(all_labels == c)[:per_class] for c in range(15)])
        images = Preprocessed([sources[split][int(i)] for i in chosen], key="image")
        feats[split] = extract(model, variables, images, "fire9", batch_size=50, pool="avg", progress=False)
        labels[split] = all_labels[chosen]
    seconds = time.perf_counter() - start
    (row,) = svm_sweep(feats["train"], labels["train"], feats["test"], labels["test"], [1.0])
    print(f"15-Scene subset fire9+avg LinearSVC C=1: test acc {row['test_acc']:.3f}, 240 images in {seconds:.1f}s")
    assert feats["train"].shape == (150, 512)
    assert row["test_acc"] >= 0.6  # measured 0.811; chance is 1/15
