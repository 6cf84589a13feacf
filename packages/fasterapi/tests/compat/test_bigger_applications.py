"""Tutorial: Bigger Applications - Multiple Files — APIRouter with prefix, tags, dependencies
and responses; include_router with extra options; nested routers."""

from typing import Annotated


def build(fw):
    async def get_token_header(x_token: Annotated[str, fw.Header()]):
        if x_token != "fake-super-secret-token":
            raise fw.HTTPException(status_code=400, detail="X-Token header invalid")

    async def get_query_token(token: str):
        if token != "jessica":
            raise fw.HTTPException(status_code=400, detail="No Jessica token provided")

    users = fw.APIRouter()

    @users.get("/users/", tags=["users"])
    async def read_users():
        return [{"username": "Rick"}, {"username": "Morty"}]

    @users.get("/users/{username}", tags=["users"])
    async def read_user(username: str):
        return {"username": username}

    items = fw.APIRouter(
        prefix="/items",
        tags=["items"],
        dependencies=[fw.Depends(get_token_header)],
        responses={404: {"description": "Not found"}},
    )
    fake_items = {"plumbus": {"name": "Plumbus"}, "gun": {"name": "Portal Gun"}}

    @items.get("/")
    async def read_items():
        return fake_items

    @items.get("/{item_id}")
    async def read_item(item_id: str):
        if item_id not in fake_items:
            raise fw.HTTPException(status_code=404, detail="Item not found")
        return {"name": fake_items[item_id]["name"], "item_id": item_id}

    @items.put(
        "/{item_id}", tags=["custom"], responses={403: {"description": "Operation forbidden"}}
    )
    async def update_item(item_id: str):
        if item_id != "plumbus":
            raise fw.HTTPException(status_code=403, detail="You can only update the item: plumbus")
        return {"item_id": item_id, "name": "The great Plumbus"}

    admin = fw.APIRouter()

    @admin.post("/")
    async def update_admin():
        return {"message": "Admin getting schwifty"}

    app = fw.FastAPI(dependencies=[fw.Depends(get_query_token)])
    app.include_router(users)
    app.include_router(items)
    app.include_router(
        admin,
        prefix="/admin",
        tags=["admin"],
        dependencies=[fw.Depends(get_token_header)],
        responses={418: {"description": "I'm a teapot"}},
    )

    @app.get("/")
    async def root():
        return {"message": "Hello Bigger Applications!"}

    return app


TOKEN = "?token=jessica"
HEADERS = {"X-Token": "fake-super-secret-token"}


def test_routes(fw):
    with fw.client(build(fw)) as client:
        assert client.get("/users/" + TOKEN).json() == [{"username": "Rick"}, {"username": "Morty"}]
        assert client.get("/users/foo" + TOKEN).json() == {"username": "foo"}
        assert client.get("/items/" + TOKEN, headers=HEADERS).json() == {
            "plumbus": {"name": "Plumbus"},
            "gun": {"name": "Portal Gun"},
        }
        assert client.get("/items/gun" + TOKEN, headers=HEADERS).json() == {
            "name": "Portal Gun",
            "item_id": "gun",
        }
        assert client.post("/admin/" + TOKEN, headers=HEADERS).json() == {
            "message": "Admin getting schwifty"
        }
        assert client.get("/" + TOKEN).json() == {"message": "Hello Bigger Applications!"}


def test_router_and_global_dependencies(fw):
    with fw.client(build(fw)) as client:
        no_token = client.get("/users/")
        bad_token = client.get("/users/?token=x")
        no_header = client.get("/items/" + TOKEN)
        bad_header = client.get("/items/" + TOKEN, headers={"X-Token": "no"})
        forbidden = client.put("/items/gun" + TOKEN, headers=HEADERS)
        missing = client.get("/items/nope" + TOKEN, headers=HEADERS)
    assert no_token.status_code == 422
    assert no_token.json()["detail"][0]["loc"] == ["query", "token"]
    assert (bad_token.status_code, bad_token.json()) == (
        400,
        {"detail": "No Jessica token provided"},
    )
    assert no_header.json()["detail"][0]["loc"] == ["header", "x-token"]
    assert (bad_header.status_code, bad_header.json()) == (
        400,
        {"detail": "X-Token header invalid"},
    )
    assert forbidden.status_code == 403
    assert forbidden.json() == {"detail": "You can only update the item: plumbus"}
    assert (missing.status_code, missing.json()) == (404, {"detail": "Item not found"})


def test_trailing_slash_redirect(fw):
    with fw.client(build(fw), follow_redirects=False) as client:
        response = client.get("/items" + TOKEN, headers=HEADERS)
    assert response.status_code == 307
    assert response.headers["location"] == "http://testserver/items/?token=jessica"


def test_openapi_tags_and_responses(fw):
    paths = build(fw).openapi()["paths"]
    assert paths["/items/{item_id}"]["put"]["tags"] == ["items", "custom"]
    assert list(paths["/items/{item_id}"]["put"]["responses"]) == ["200", "404", "403", "422"]
    assert paths["/items/{item_id}"]["put"]["responses"]["403"] == {
        "description": "Operation forbidden"
    }
    assert paths["/admin/"]["post"]["tags"] == ["admin"]
    assert list(paths["/admin/"]["post"]["responses"]) == ["200", "418", "422"]
    assert [p["name"] for p in paths["/items/"]["get"]["parameters"]] == ["token", "x-token"]
    assert paths["/users/{username}"]["get"]["operationId"] == "read_user_users__username__get"
    assert paths["/items/"]["get"]["operationId"] == "read_items_items__get"


def test_nested_routers(fw):
    inner = fw.APIRouter(prefix="/inner", tags=["inner"])

    @inner.get("/leaf")
    def leaf():
        return {"at": "leaf"}

    outer = fw.APIRouter(prefix="/outer", tags=["outer"])
    outer.include_router(inner)

    @outer.get("")
    def outer_root():
        return {"at": "outer"}

    app = fw.FastAPI()
    app.include_router(outer, prefix="/v1")
    with fw.client(app) as client:
        leaf_response = client.get("/v1/outer/inner/leaf")
        root_response = client.get("/v1/outer")
        paths = client.get("/openapi.json").json()["paths"]
    assert leaf_response.json() == {"at": "leaf"}
    assert root_response.json() == {"at": "outer"}
    assert paths["/v1/outer/inner/leaf"]["get"]["tags"] == ["outer", "inner"]
    assert list(paths) == ["/v1/outer/inner/leaf", "/v1/outer"]


def test_same_router_included_twice(fw):
    router = fw.APIRouter()

    @router.get("/ping")
    def ping():
        return "pong"

    app = fw.FastAPI()
    app.include_router(router, prefix="/v1")
    app.include_router(router, prefix="/v2")
    with fw.client(app) as client:
        assert client.get("/v1/ping").json() == "pong"
        assert client.get("/v2/ping").json() == "pong"


def test_url_path_for(fw):
    app = fw.FastAPI()

    @app.get("/items/{item_id}", name="get_item")
    def get_item(item_id: int, request: fw.Request):
        return {"url": str(request.url_for("get_item", item_id=item_id + 1))}

    with fw.client(app) as client:
        response = client.get("/items/1")
    assert app.url_path_for("get_item", item_id=5) == "/items/5"
    assert response.json() == {"url": "http://testserver/items/2"}


def test_openapi_json_is_not_guarded_by_app_dependencies(fw):
    with fw.client(build(fw)) as client:
        assert client.get("/openapi.json").status_code == 200
