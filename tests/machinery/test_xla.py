"""jaxdl.configure(): the CLI's XLA flag is added once, never over the user's own choice, never when XLA cannot parse it."""

import os
import subprocess
import sys

import pytest

from jaxdl.xla import YNN, configure, known_to_jaxlib


@pytest.fixture
def cpu_env(monkeypatch):
    monkeypatch.delenv("JAXDL_XLA_DEFAULTS", raising=False)
    monkeypatch.setenv("JAX_PLATFORMS", "cpu")


def test_flag_is_appended_to_the_users_flags(cpu_env, monkeypatch):
    monkeypatch.setenv("XLA_FLAGS", "--xla_cpu_enable_fast_math=false")
    assert configure() == (YNN,)
    assert configure() == ()
    assert os.environ["XLA_FLAGS"] == f"--xla_cpu_enable_fast_math=false {YNN}"


def test_users_choice_opt_out_and_accelerators_are_kept(cpu_env, monkeypatch):
    own = "--xla_cpu_experimental_ynn_fusion_type=LIBRARY_FUSION_TYPE_NONE"
    monkeypatch.setenv("XLA_FLAGS", own)
    configure()
    assert os.environ["XLA_FLAGS"] == own
    monkeypatch.delenv("XLA_FLAGS")
    monkeypatch.setenv("JAX_PLATFORMS", "cuda,cpu")
    assert configure() == () and "XLA_FLAGS" not in os.environ
    monkeypatch.setenv("JAX_PLATFORMS", "cpu")
    monkeypatch.setenv("JAXDL_XLA_DEFAULTS", "1")
    assert configure() == () and "XLA_FLAGS" not in os.environ


def test_unknown_flag_is_left_out_and_the_process_runs():
    """XLA aborts a process on an unknown XLA_FLAGS entry; configure must leave it out (with a warning) instead."""
    assert known_to_jaxlib(YNN) and not known_to_jaxlib("--xla_jaxdl_no_such_flag=1")
    assert not known_to_jaxlib("--xla_cpu_experimental_ynn_fusion_type=LIBRARY_FUSION_TYPE_RENAMED")
    assert not known_to_jaxlib("--xla_cpu_experimental_ynn_fusion_type=LIBRARY_FUSION_TYPE_DOT,LIBRARY_FUSION_TYPE_RENAMED")
    code = ("import jaxdl, jax.numpy as jnp; print(jaxdl.configure(('--xla_jaxdl_no_such_flag=1', jaxdl.xla.YNN)));"
            "print(float(jnp.ones(3).sum()))")
    env = {k: v for k, v in os.environ.items() if k not in ("JAXDL_XLA_DEFAULTS", "XLA_FLAGS")} | {"JAX_PLATFORMS": "cpu"}
    run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == [f"('{YNN}',)", "3.0"]
    assert "does not know --xla_jaxdl_no_such_flag=1; left out (XLA would abort on it)" in run.stderr
