"""YAML nested thousands of levels deep is bad input (exit 1, file and line), not a crash.

The composer and the constructor recurse once per level: 20,000 levels in
``papercards.yaml`` hit Python's recursion limit (exit 4, "internal error"),
200,000 in ``cards/`` overflowed libyaml's C stack (a segfault). One guard in
`papercards.config.too_deep` reads the parser's events first and stops at the
first level too many, for the config and for every store file.
"""

from __future__ import annotations

import time

import pytest

from papercards.config import MAX_DEPTH, too_deep

from test_bad_input import fresh, good, run, snapshot  # noqa: F401  (good is a fixture)

DEEP = {
    "flow list": lambda n: "[" * n + "]" * n,
    "flow mapping": lambda n: "{a: " * n + "1" + "}" * n,
    "block mapping": lambda n: "".join("\n" + " " * i + "a:" for i in range(1, n)) + " 1",
}


@pytest.mark.parametrize("shape", DEEP)
def test_a_config_nested_20000_deep_is_bad_input(good, tmp_path, shape):   # noqa: F811
    root = fresh(good, tmp_path)
    depth = 2_000 if shape == "block mapping" else 20_000          # 2,000 indented lines: 2 MB
    (root / "papercards.yaml").write_text(f"deck: Deep\nquiz: {DEEP[shape](depth)}\n", encoding="utf-8")
    before = snapshot(root)
    start = time.monotonic()
    result = run("build", "-C", str(root))
    assert time.monotonic() - start < 10
    line = MAX_DEPTH + 2 if shape == "block mapping" else 2
    assert result.exit_code == 1, result.output
    assert (f"error: papercards.yaml:{line}: config is not valid YAML: lists or mappings nested more "
            f"than {MAX_DEPTH} levels deep") in result.output
    assert snapshot(root) == before


@pytest.mark.parametrize("shape", DEEP)
def test_a_store_file_nested_200000_deep_is_bad_input(good, tmp_path, shape):   # noqa: F811
    root = fresh(good, tmp_path)
    depth = 2_000 if shape == "block mapping" else 200_000
    (root / "cards" / "deep.yaml").write_text(f"items: {DEEP[shape](depth)}\n", encoding="utf-8")
    before = snapshot(root)
    result = run("build", "-C", str(root))
    assert result.exit_code == 1, result.output
    assert "error: cards/deep.yaml:" in result.output
    assert f"lists or mappings nested more than {MAX_DEPTH} levels deep" in result.output
    assert snapshot(root) == before


def test_the_limit_counts_every_level():
    inside = MAX_DEPTH - 1                                      # the top mapping is a level too
    assert too_deep("a: " + "[" * inside + "]" * inside) is None
    assert too_deep("a:\n  b: " + "[" * MAX_DEPTH + "]" * MAX_DEPTH).line == 1
