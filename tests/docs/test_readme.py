"""README.md is the front door (the rest lives in docs/): short, the two commands first, and every relative link and
image in it names a file of the repository (GitHub renders them; the site holds the same pages)."""

import re

from locations import REPO

README = (REPO / "README.md").read_text()


def test_readme_is_short_and_starts_with_the_two_commands():
    assert len(README.splitlines()) <= 250
    first_block = re.search(r"```sh\n(.*?)```", README, re.DOTALL).group(1)
    assert [line.split()[:2] for line in first_block.splitlines()] == [["make", "demo"], ["make", "test"]]


def test_every_relative_link_of_the_readme_exists():
    targets = [t.split("#")[0] for t in re.findall(r"\]\(([^)\s]+)\)", README) if not re.match(r"[a-z]+:", t)]
    assert len(targets) >= 20
    assert [t for t in targets if not (REPO / t).is_file()] == []
