from __future__ import annotations

import fasterapi_middleware


def test_all_is_pinned() -> None:
    assert fasterapi_middleware.__all__ == (
        "ASGIApp",
        "BaseHTTPMiddleware",
        "CORSMiddleware",
        "GZipMiddleware",
        "HTTPSRedirectMiddleware",
        "Message",
        "Receive",
        "Scope",
        "Send",
        "TrustedHostMiddleware",
    )


def test_every_public_name_imports_and_middlewares_have_docstrings() -> None:
    for name in fasterapi_middleware.__all__:
        obj = getattr(fasterapi_middleware, name)
        if name.endswith("Middleware"):
            assert obj.__doc__
            assert obj.__module__.startswith("fasterapi_middleware.")


def test_version() -> None:
    assert fasterapi_middleware.__version__ == "0.1.0"


def test_wsgi_middleware_lives_in_its_own_module() -> None:
    from fasterapi_middleware.wsgi import WSGIMiddleware

    assert WSGIMiddleware.__doc__
    assert "WSGIMiddleware" not in fasterapi_middleware.__all__
