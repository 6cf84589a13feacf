import fasterapi_testing
from fasterapi_testing import types


def test_all_is_pinned() -> None:
    assert fasterapi_testing.__all__ == (
        "ASGIProtocolError",
        "AsyncTestClient",
        "AsyncWebSocketTestSession",
        "LifespanError",
        "TestClient",
        "WebSocketDenied",
        "WebSocketDisconnect",
        "WebSocketTestSession",
    )
    assert list(fasterapi_testing.__all__) == sorted(fasterapi_testing.__all__)


def test_every_public_name_imports_and_has_a_docstring() -> None:
    for name in fasterapi_testing.__all__:
        obj = getattr(fasterapi_testing, name)
        assert obj.__doc__, name


def test_version() -> None:
    assert fasterapi_testing.__version__ == "0.1.0"


def test_types_module() -> None:
    assert types.__all__ == ("ASGIApp", "Message", "Receive", "Scope", "Send")
