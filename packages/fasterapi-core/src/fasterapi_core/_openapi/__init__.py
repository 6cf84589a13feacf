"""OpenAPI document generation (private: the app builds `OperationSpec`s, `get_openapi` renders them).

Public names are re-exported from `fasterapi_core.openapi`.
"""
