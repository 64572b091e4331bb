"""jaxdl/xla.py: the CLI's XLA flag is added once, and never over the user's own choice."""

import os

from jaxdl.xla import YNN_CONV, use_fast_cpu_convolutions


def test_flag_is_appended_to_the_users_flags(monkeypatch):
    monkeypatch.delenv("JAXDL_XLA_DEFAULTS", raising=False)
    monkeypatch.setenv("XLA_FLAGS", "--xla_cpu_enable_fast_math=false")
    use_fast_cpu_convolutions()
    use_fast_cpu_convolutions()
    assert os.environ["XLA_FLAGS"] == f"--xla_cpu_enable_fast_math=false {YNN_CONV}"


def test_users_choice_and_opt_out_are_kept(monkeypatch):
    monkeypatch.delenv("JAXDL_XLA_DEFAULTS", raising=False)
    own = "--xla_cpu_experimental_ynn_fusion_type=LIBRARY_FUSION_TYPE_NONE"
    monkeypatch.setenv("XLA_FLAGS", own)
    use_fast_cpu_convolutions()
    assert os.environ["XLA_FLAGS"] == own
    monkeypatch.setenv("JAXDL_XLA_DEFAULTS", "1")
    monkeypatch.delenv("XLA_FLAGS")
    use_fast_cpu_convolutions()
    assert "XLA_FLAGS" not in os.environ
