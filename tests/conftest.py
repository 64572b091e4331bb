"""Test-session settings: which XLA:CPU settings the whole session runs with, and the real weights of ../shared
(beside the repository, as in CI) through JAXDL_WEIGHTS unless it is set.

XLA reads its flags once per process, so one pytest process runs one configuration, whatever test first calls the
CLI (`jaxdl.cli.main` calls `jaxdl.configure()`): XLA's defaults, or with JAXDL_TEST_XLA=cli the CLI's own settings
(jaxdl/xla.py), as `make test` runs the parity tests (`-m parity`) a second time.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "support"))  # the tests' helpers: parity, torch_*, locations

from locations import SHARED  # noqa: E402

if os.environ.get("JAXDL_TEST_XLA") == "cli":
    import jaxdl

    jaxdl.configure()
else:
    os.environ["JAXDL_XLA_DEFAULTS"] = "1"
SHARED_WEIGHTS = SHARED / "weights"
if SHARED_WEIGHTS.is_dir():
    os.environ.setdefault("JAXDL_WEIGHTS", str(SHARED_WEIGHTS))
