"""The same routes declared with FastAPI and with us give the same OpenAPI document.

Skipped when FastAPI is not installed. The few known differences are listed, so a new one fails.
(No `from __future__ import annotations` here: FastAPI resolves string annotations in module
globals, and the models are local to each builder.)
"""

# mypy: disable-error-code="untyped-decorator"
# (the router is FastAPI's or ours, so typed as Any)

import enum
import importlib
import json
import warnings
from typing import Annotated, Any, Literal

import msgspec
import pytest

# Imported as plain modules (typed Any): FastAPI need not be installed for mypy to pass.
fastapi = pytest.importorskip("fastapi")
fastapi_openapi_utils = importlib.import_module("fastapi.openapi.utils")
pydantic = pytest.importorskip("pydantic")


class Color(str, enum.Enum):
    RED = "red"
    GREEN = "green"


def declare(r: Any, p: Any, Item: Any, Tag: Any, UploadFile: Any) -> None:
    """Register one set of routes on router `r`, with param functions from module `p`."""

    @r.get("/items/{item_id}", tags=["items"])
    def read_item(
        item_id: Annotated[int, p.Path(ge=1)],
        q: str | None = None,
        limit: Annotated[int, p.Query(gt=0, le=100, description="lim", alias="lim-it")] = 10,
        x_token: Annotated[str, p.Header()] = "a",
        tags: Annotated[list[str], p.Query()] = [],  # noqa: B006
        sess: Annotated[str | None, p.Cookie()] = None,
    ) -> None:
        """Read it.

        more\fhidden"""

    @r.post("/items/", status_code=201, response_model=Item)
    def create(item: Item) -> None: ...

    @r.post("/emb")
    def emb(item: Annotated[Item, p.Body(embed=True)]) -> None: ...

    @r.post("/two")
    def two(item: Item, n: Annotated[int, p.Body()]) -> None: ...

    @r.post("/form")
    def form(
        u: Annotated[str, p.Form()],
        f: Annotated[UploadFile, p.File()],
        b: Annotated[list[bytes], p.File()],
        o: Annotated[UploadFile | None, p.File()] = None,
    ) -> None: ...

    @r.post("/form1")
    def form1(u: Annotated[str, p.Form(min_length=2)]) -> None: ...

    @r.get(
        "/resp",
        responses={404: {"model": Item, "description": "nf"}},
        deprecated=True,
        operation_id="custom",
    )
    def resp() -> Item: ...

    @r.get("/c/{color}", response_model=list[Item])
    def c(
        color: Color,
        flag: bool = False,
        ratio: float | None = None,
        ids: Annotated[list[int] | None, p.Query()] = None,
        lit: Literal["a", "b"] = "a",
    ) -> None: ...

    @r.put("/d")
    def d(data: dict[str, int], item: Item | None = None) -> None: ...

    @r.post("/e", response_model=None)
    def e(x: Annotated[str, p.Body(embed=True, min_length=3)]) -> None: ...

    @r.get("/hidden", include_in_schema=False)
    def hidden() -> None: ...

    del Tag


def fastapi_doc() -> dict[str, Any]:
    get_openapi = fastapi_openapi_utils.get_openapi

    class Tag(pydantic.BaseModel):  # type: ignore[name-defined,misc]
        label: str

    class Item(pydantic.BaseModel):  # type: ignore[name-defined,misc]
        name: str
        price: float = 1.0
        tags: list[Tag] = []
        color: Color | None = None

    router = fastapi.APIRouter()
    declare(router, fastapi, Item, Tag, fastapi.UploadFile)
    doc: dict[str, Any] = get_openapi(title="T", version="1", routes=router.routes)
    return doc


def our_doc() -> dict[str, Any]:
    from fasterapi_core import params
    from fasterapi_core.forms import UploadFile
    from fasterapi_core.openapi import get_openapi
    from fasterapi_core.routing import FasterRouter

    class Tag(msgspec.Struct):
        label: str

    class Item(msgspec.Struct):
        name: str
        price: float = 1.0
        tags: list[Tag] = []
        color: Color | None = None

    router = FasterRouter()
    declare(router, params, Item, Tag, UploadFile)
    return get_openapi(title="T", version="1", routes=router.routes)


def differences(theirs: Any, ours: Any, path: str = "") -> list[str]:
    if isinstance(theirs, dict) and isinstance(ours, dict):
        out: list[str] = []
        for key in sorted(set(theirs) | set(ours), key=str):
            where = f"{path}/{key}"
            if key not in theirs:
                out.append(f"only ours: {where}")
            elif key not in ours:
                out.append(f"only FastAPI: {where}")
            else:
                out.extend(differences(theirs[key], ours[key], where))
        return out
    return [] if theirs == ours else [f"differs: {path}"]


KNOWN: list[str] = []


def test_same_document_as_fastapi() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # FastAPI's own deprecation warnings are not under test
        theirs = fastapi_doc()
    ours = our_doc()
    assert differences(theirs, ours) == KNOWN
    # Key order too: the same JSON text, as a client diffing the served documents sees it.
    assert json.dumps(ours) == json.dumps(theirs)
