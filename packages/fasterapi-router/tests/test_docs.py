"""The examples in the docstrings run and print what they claim."""

import doctest
from types import ModuleType

import pytest

import fasterapi_router
import fasterapi_router.router
import fasterapi_router.template


@pytest.mark.parametrize(
    "module", [fasterapi_router, fasterapi_router.router, fasterapi_router.template]
)
def test_docstring_examples(module: ModuleType) -> None:
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
