"""The CLI's face: every command's help shows an example and the common options; errors are one line."""

import pytest

from jaxdl.cli import build_parser, main, parsers


def test_every_command_help_shows_an_example_and_the_common_options():
    helps = {p.prog: p.format_help() for p in parsers(build_parser())}
    assert {"jaxdl", "jaxdl run", "jaxdl gan", "jaxdl weights fetch", "jaxdl visualize saliency"} <= set(helps)
    assert len(helps) >= 18
    for prog, text in helps.items():
        assert "example" in text.lower(), f"`{prog} --help` shows no example"
        assert "--no-progress" in text and "--device {cpu,gpu}" in text, prog


def test_device_gpu_without_a_gpu_is_one_line(capsys):
    import jax

    if jax.default_backend() == "gpu":
        pytest.skip("this machine has a GPU")
    assert main(["info", "squeezenet1_1", "--device", "gpu"]) == 2
    err = capsys.readouterr().err
    assert err == ("jaxdl info: error: --device gpu: JAX sees no GPU here (install jax[cuda12] for NVIDIA GPUs), "
                   "or use --device cpu\n")


def test_bad_run_setting_is_one_line(capsys):
    assert main(["run", "gan", "--set", "gan.epoch=2"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("jaxdl run: error: --set gan.epoch=2: unknown setting gan.epoch; gan has batch_size, ")
    assert err.count("\n") == 1
