"""Test-session settings: XLA's default CPU convolutions, whatever test first calls the CLI.

`jaxdl.cli.main` opts into YNNPACK convolutions (jaxdl/xla.py) before XLA starts; in one pytest
process that would depend on test order, and its slightly different rounding would move the
tightest parity bounds (one Adam step of the GAN: 4e-6 instead of 2e-6).
"""

import os

os.environ["JAXDL_XLA_DEFAULTS"] = "1"
