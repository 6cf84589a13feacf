"""A tour of fasterapi_router: register routes, resolve paths, answer 404 and 405.

Run it with only the router installed:

    pip install ./packages/fasterapi-router && python examples/router_demo.py
"""

from __future__ import annotations

from fasterapi_router import RadixRouter, RouteConflictError, format_path


def list_users() -> str:
    return "all users"


def me() -> str:
    return "the current user"


def get_user(user_id: int) -> str:
    return f"user #{user_id}"


def get_user_by_name(name: str) -> str:
    return f"user called {name}"


def create_user() -> str:
    return "created"


def serve_file(file_path: str) -> str:
    return f"contents of {file_path}"


def build() -> RadixRouter:
    router = RadixRouter()
    router.add_route("GET", "/users", list_users)
    router.add_route("POST", "/users", create_user)
    router.add_route("GET", "/users/me", me)
    router.add_route("GET", "/users/{user_id:int}", get_user, {"name": "user"})
    router.add_route("GET", "/users/{name}", get_user_by_name)
    router.add_route("GET", "/static/{file_path:path}", serve_file)
    return router


def handle(router: RadixRouter, method: str, path: str) -> str:
    """What an application does with the router for one request."""
    found = router.resolve(method, path)
    if found is None:
        allowed = router.allowed_methods(path)
        if allowed:
            return f"405 Method Not Allowed (Allow: {', '.join(sorted(allowed))})"
        return "404 Not Found"
    handler, params, metadata = found
    suffix = f"  metadata={metadata}" if metadata is not None else ""
    return f"200 {handler(**params)!r}  params={params}{suffix}"


def main() -> None:
    router = build()
    requests = [
        ("GET", "/users"),
        ("GET", "/users/me"),
        ("GET", "/users/42"),
        ("GET", "/users/ada"),
        ("GET", "/static/css/site.css"),
        ("DELETE", "/users"),
        ("GET", "/nowhere"),
    ]
    for method, path in requests:
        print(f"{method:6} {path:22} -> {handle(router, method, path)}")

    print()
    print("url for user 7:", format_path("/users/{user_id:int}", {"user_id": 7}))
    try:
        router.add_route("GET", "/users/{uid:int}", get_user)
    except RouteConflictError as error:
        print("conflict:", error)
    print(f"{len(router.routes())} routes:")
    for route in router.routes():
        print(f"  {route.method:5} {route.template:26} params={list(route.param_names)}")


if __name__ == "__main__":
    main()
