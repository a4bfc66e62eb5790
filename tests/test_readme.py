"""The README is a user's manual whose opening commands are the ones CI runs."""
from __future__ import annotations

import re

from conftest import ROOT

README = ROOT / "README.md"
CI = ROOT / ".ci" / "run"


def opening_commands() -> list[str]:
    """The lines of the README's first code block."""
    block = re.search(r"```bash\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert block, "the README opens without a code block"
    return [line.strip() for line in block.group(1).splitlines() if line.strip()]


def ci_commands() -> list[str]:
    """The commands of .ci/run after its virtual environment is set up: the install-and-run lines."""
    lines = [line.strip() for line in CI.read_text(encoding="utf-8").splitlines()]
    return [line for line in lines if line.startswith("pip install -e")]


def test_the_readme_opens_with_the_two_commands_ci_runs():
    assert opening_commands() == ci_commands()
    assert opening_commands() == ['pip install -e . && python -m extract run',
                                  'pip install -e ".[test]" && python -m pytest -q']


def test_the_readme_is_a_manual_not_a_notebook():
    text = README.read_text(encoding="utf-8")
    assert len(text.splitlines()) < 250
    for section in ["## Usage", "## The output files", "## Ids and merging", "## Limits", "## Ray", "## Tests"]:
        assert section in text


def test_the_readme_links_to_documents_that_exist():
    for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", README.read_text(encoding="utf-8")):
        assert (ROOT / target).exists(), target
