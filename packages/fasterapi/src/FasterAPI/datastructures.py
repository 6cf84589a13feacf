"""Data structures: URLs, headers, query parameters, state, forms and uploaded files."""

from __future__ import annotations

from fasterapi_core import URL as URL
from fasterapi_core import Address as Address
from fasterapi_core import FormData as FormData
from fasterapi_core import FormLimits as FormLimits
from fasterapi_core import Headers as Headers
from fasterapi_core import MutableHeaders as MutableHeaders
from fasterapi_core import QueryParams as QueryParams
from fasterapi_core import State as State
from fasterapi_core import UploadFile as UploadFile

__all__ = (
    "Address",
    "FormData",
    "FormLimits",
    "Headers",
    "MutableHeaders",
    "QueryParams",
    "State",
    "URL",
    "UploadFile",
)
