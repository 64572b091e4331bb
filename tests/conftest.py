"""Test-session settings: XLA's default CPU convolutions, whatever test first calls the CLI; the real weights of
../shared (beside the repository, as in CI) through JAXDL_WEIGHTS unless it is set.

`jaxdl.cli.main` opts into YNNPACK convolutions (jaxdl/xla.py) before XLA starts; in one pytest
process that would depend on test order, and its slightly different rounding would move the
tightest parity bounds (one Adam step of the GAN: 4e-6 instead of 2e-6).
"""

import os
from pathlib import Path

os.environ["JAXDL_XLA_DEFAULTS"] = "1"
SHARED_WEIGHTS = Path(__file__).resolve().parents[2] / "shared" / "weights"
if SHARED_WEIGHTS.is_dir():
    os.environ.setdefault("JAXDL_WEIGHTS", str(SHARED_WEIGHTS))
