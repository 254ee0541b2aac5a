"""docs/security.md names, for each rule, the test that holds it: every test it names exists."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = re.compile(r"`((?:[a-z_]+/)?test_[a-z0-9_]+\.py)?(?:::(test_[a-z0-9_]+))?`")


def _check_line(line: str) -> int:
    """The tests a line names; a "::test" belongs to the file named before it on the same line."""
    current, named = None, 0
    for path, test in REFERENCE.findall(line):
        if path:
            current = ROOT / "tests" / path
            assert current.exists(), path
        if test:
            assert current is not None and f"def {test}(" in current.read_text(encoding="utf-8"), (line, test)
            named += 1
    return named


def test_every_test_the_security_doc_names_exists():
    text = (ROOT / "docs" / "security.md").read_text(encoding="utf-8")
    assert sum(_check_line(line) for line in text.splitlines()) >= 20
