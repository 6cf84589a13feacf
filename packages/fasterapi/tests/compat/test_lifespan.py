"""Advanced: Lifespan Events — the `lifespan` context manager and the deprecated on_event."""

from contextlib import asynccontextmanager

import pytest


def test_lifespan_context_manager(fw):
    events = []
    models = {}

    @asynccontextmanager
    async def lifespan(app):
        models["answer"] = lambda x: x * 42
        events.append("startup")
        yield
        models.clear()
        events.append("shutdown")

    app = fw.FastAPI(lifespan=lifespan)

    @app.get("/predict")
    def predict(x: float):
        return {"result": models["answer"](x)}

    with fw.client(app) as client:
        assert events == ["startup"]
        assert client.get("/predict?x=2").json() == {"result": 84.0}
    assert events == ["startup", "shutdown"]
    assert models == {}


def test_lifespan_state(fw):
    @asynccontextmanager
    async def lifespan(app):
        yield {"db": "connection"}

    app = fw.FastAPI(lifespan=lifespan)

    @app.get("/")
    def read(request: fw.Request):
        return {"db": request.state.db}

    with fw.client(app) as client:
        assert client.get("/").json() == {"db": "connection"}


def test_no_lifespan_without_context_manager(fw):
    events = []

    @asynccontextmanager
    async def lifespan(app):
        events.append("startup")
        yield

    app = fw.FastAPI(lifespan=lifespan)
    app.get("/")(lambda: "ok")
    client = fw.client(app)
    assert client.get("/").json() == "ok"
    assert events == []


# on_event is deprecated in FastAPI (it warns); the warning is part of the behaviour we mirror.
@pytest.mark.filterwarnings("ignore:\\s*on_event is deprecated:DeprecationWarning")
def test_on_event(fw):
    events = []
    app = fw.FastAPI()

    @app.on_event("startup")
    async def startup():
        events.append("startup")

    @app.on_event("shutdown")
    def shutdown():
        events.append("shutdown")

    app.get("/")(lambda: "ok")
    with fw.client(app) as client:
        client.get("/")
    assert events == ["startup", "shutdown"]


def test_on_event_warns_deprecation(fw):
    app = fw.FastAPI()
    with pytest.warns(DeprecationWarning, match="on_event is deprecated"):
        app.on_event("startup")(lambda: None)


def test_failing_startup_raises_from_the_client(fw):
    @asynccontextmanager
    async def lifespan(app):
        raise RuntimeError("startup failed")
        yield  # type: ignore[unreachable]  # makes this an async generator

    app = fw.FastAPI(lifespan=lifespan)
    with pytest.raises(RuntimeError, match="startup failed"), fw.client(app):
        pass
