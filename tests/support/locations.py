"""Where the tests find the repository and the real data: ../shared beside the repository (as in CI)."""

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
