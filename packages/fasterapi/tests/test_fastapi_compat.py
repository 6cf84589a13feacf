"""Each public name of FastAPI imports from FasterAPI after replacing `fastapi` by `FasterAPI`."""

from __future__ import annotations

from pathlib import Path

import pytest

NAMES_FILE = Path(__file__).with_name("fastapi_public_names.txt")

# FastAPI names FasterAPI does not provide yet. Each is an xfail (strict, so that one
# starting to work must be taken off this list), never a skip.
KNOWN_GAPS: dict[str, str] = {}


def fastapi_names() -> list[str]:
    lines = NAMES_FILE.read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def test_the_list_is_not_empty_and_has_no_duplicates() -> None:
    names = fastapi_names()
    assert len(names) > 100
    assert len(names) == len(set(names))
    assert set(KNOWN_GAPS) <= set(names)


def _cases() -> list[object]:
    cases: list[object] = []
    for entry in fastapi_names():
        marks = []
        if entry in KNOWN_GAPS:
            marks.append(
                pytest.mark.xfail(reason=KNOWN_GAPS[entry], raises=ImportError, strict=True)
            )
        cases.append(pytest.param(entry, marks=marks, id=entry))
    return cases


@pytest.mark.parametrize("entry", _cases())
def test_fastapi_name_imports_from_fasterapi(entry: str) -> None:
    module, _, name = entry.rpartition(":")
    source = f"from FasterAPI{'.' + module if module else ''} import {name}"
    namespace: dict[str, object] = {}
    exec(source, namespace)  # the very statement a user would write
    assert namespace[name] is not None


def test_security_schemes_are_cores() -> None:
    import FasterAPI.security
    import fasterapi_core.security

    for name in fasterapi_core.security.__all__:
        assert getattr(FasterAPI.security, name) is getattr(fasterapi_core.security, name)
