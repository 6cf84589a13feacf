"""HTML pages from Jinja2 templates: `Jinja2Templates` (FastAPI's `fastapi.templating`).

jinja2 is optional: this module imports without it, and `Jinja2Templates(...)` raises
an `ImportError` that says to `pip install jinja2`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from fasterapi_core import BackgroundTask, HTMLResponse, Request

if TYPE_CHECKING:
    import jinja2

__all__ = ("Jinja2Templates", "TemplateResponse")

ContextProcessor = Callable[[Request], Mapping[str, Any]]


class TemplateResponse(HTMLResponse):
    """An HTML response rendered from a template; keeps `template` and `context` for tests.

    Args:
        template: The Jinja2 template.
        context: The variables it was rendered with (`request` included).
        status_code: The HTTP status.
        headers: Extra headers.
        media_type: The Content-Type (text/html by default).
        background: A task to run after the response is sent.
    """

    def __init__(
        self,
        template: jinja2.Template,
        context: dict[str, Any],
        status_code: int = 200,
        headers: Mapping[str, str] | None = None,
        media_type: str | None = None,
        background: BackgroundTask | None = None,
    ) -> None:
        self.template = template
        self.context = context
        super().__init__(template.render(context), status_code, headers, media_type, background)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        """Send the page; first tell a test client which template and context made it.

        A client offering the `http.response.debug` extension (the TestClient does) gets a
        `http.response.debug` message before the response, so tests can read
        `response.template.name` and `response.context`.
        """
        if "http.response.debug" in scope.get("extensions", ()):
            info = {"template": self.template, "context": self.context}
            await send({"type": "http.response.debug", "info": info})
        await super().__call__(scope, receive, send)


class Jinja2Templates:
    """A directory of Jinja2 templates rendered into `TemplateResponse`s.

        templates = Jinja2Templates(directory="templates")

        @app.get("/items/{id}", response_class=HTMLResponse)
        async def item(request: Request, id: str) -> HTMLResponse:
            return templates.TemplateResponse(request, "item.html", {"id": id})

    Templates get `request` and a `url_for(name, **path_params)` function.

    Args:
        directory: One or more template directories (ignored when `env` is given).
        context_processors: Functions `(request) -> dict` merged into every context.
        env: A ready `jinja2.Environment` to use instead of building one.
        **env_options: Passed to `jinja2.Environment` (autoescape is on by default).

    Raises:
        ImportError: jinja2 is not installed.
    """

    __slots__ = ("context_processors", "env")

    def __init__(
        self,
        directory: str | os.PathLike[str] | Sequence[str | os.PathLike[str]] | None = None,
        *,
        context_processors: Sequence[ContextProcessor] | None = None,
        env: jinja2.Environment | None = None,
        **env_options: Any,
    ) -> None:
        try:
            import jinja2
        except ImportError:
            raise ImportError(
                "Jinja2Templates needs jinja2, which is not installed: pip install jinja2"
            ) from None
        if env is None:
            if directory is None:
                raise ValueError("Jinja2Templates needs a directory or an env")
            env_options.setdefault("autoescape", True)
            env_options.setdefault("loader", jinja2.FileSystemLoader(directory))
            env = jinja2.Environment(**env_options)
        self.env = env
        self.context_processors = list(context_processors or [])
        self.env.globals.setdefault("url_for", jinja2.pass_context(_url_for))

    def get_template(self, name: str) -> jinja2.Template:
        """The template called `name` (raises `jinja2.TemplateNotFound` if there is none)."""
        return self.env.get_template(name)

    def TemplateResponse(
        self,
        request: Request | str,
        name: str | dict[str, Any] | None = None,
        context: dict[str, Any] | None = None,
        status_code: int = 200,
        headers: Mapping[str, str] | None = None,
        media_type: str | None = None,
        background: BackgroundTask | None = None,
    ) -> TemplateResponse:
        """Render template `name` with `context` (plus `request`) into an HTML response.

        The older call style `TemplateResponse(name, {"request": request, ...})` works too.

        Args:
            request: The current request.
            name: The template name.
            context: Template variables.
            status_code: The HTTP status.
            headers: Extra headers.
            media_type: The Content-Type (text/html by default).
            background: A task to run after the response is sent.

        Raises:
            ValueError: No request was given (old style without a "request" key).
        """
        if isinstance(request, str):  # old style: (name, context, ...)
            old_context = name if isinstance(name, dict) else (context or {})
            name, context = request, dict(old_context)
            found = context.get("request")
            if not isinstance(found, Request):
                raise ValueError('TemplateResponse(name, context) needs context["request"]')
            request = found
        if not isinstance(name, str):
            raise TypeError("TemplateResponse needs a template name")
        merged: dict[str, Any] = {}
        for processor in self.context_processors:
            merged.update(processor(request))
        merged.update(context or {})
        merged["request"] = request
        return TemplateResponse(
            self.get_template(name), merged, status_code, headers, media_type, background
        )


def _url_for(context: Any, name: str, /, **path_params: Any) -> str:
    request: Request = context["request"]
    return str(request.url_for(name, **path_params))
