"""The OpenAPI document (`FasterAPI.openapi.utils`) and docs pages (`FasterAPI.openapi.docs`)."""
