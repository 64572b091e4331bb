"""`jaxdl info ARCH`: the per-layer table, with the parameter totals students derive by hand."""

import csv
import io

import jax

from jaxdl.cli import main
from jaxdl.summary import layer_table, parameter_counts


def run(capsys, *argv) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of an in-process `jaxdl ...`."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_vgg16_markdown_table(capsys):
    code, out, err = run(capsys, "info", "vgg16")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == "| layer | output shape | weights | biases | parameters |"
    assert "| conv1_1 | 224x224x64 | 1728 | 64 | 1792 |" in lines
    assert "| pool5 | 7x7x512 | 0 | 0 | 0 |" in lines
    assert "| fc6 | 4096 | 102,760,448 | 4096 | 102,764,544 |" in lines
    assert lines[-1] == "| total |  | 138,344,128 | 13,416 | 138,357,544 |"


def test_resnet18_csv_at_another_size(capsys):
    code, out, _ = run(capsys, "info", "resnet18", "--size", "64", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and [r["layer"] for r in rows][:4] == ["conv1", "bn1", "relu", "maxpool"]
    assert next(r for r in rows if r["layer"] == "layer4")["output shape"] == "2x2x512"
    assert rows[-1] == {"layer": "total", "output shape": "", "weights": "11683712", "biases": "5800", "parameters": "11689512"}


def test_layer_rows_add_up_to_the_total_for_every_family():
    for arch, total in (("alexnet", 61_100_840), ("squeezenet1_1", 1_235_496), ("vgg11_bn", 132_868_840)):
        rows = layer_table(arch, size=224)
        assert rows[-1]["parameters"] == total == sum(r["parameters"] for r in rows[:-1]), arch


def test_counts_split_biases_from_weights():
    leaf = lambda *shape: jax.ShapeDtypeStruct(shape, "float32")  # noqa: E731 (only shapes are read)
    tree = {"conv": {"kernel": leaf(3, 3, 2, 4), "bias": leaf(4)}, "bn": {"scale": leaf(4), "bias": leaf(4)}}
    assert parameter_counts(tree) == (72 + 4, 8)


def test_bad_arch_is_one_line_exit_2(capsys):
    code, out, err = run(capsys, "info", "lenet")
    assert code == 2 and out == "" and err.count("\n") == 1
    assert err.startswith("jaxdl info: error: unknown architecture 'lenet'; choose one of: alexnet, resnet101")
