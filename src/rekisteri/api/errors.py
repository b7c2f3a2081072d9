"""One error format for the whole API, so a client handles every router the same way.

- 400 `{"detail": "..."}`: a request body that is not JSON at all.
- 401 `{"detail": "..."}`: no token, or a token that is unknown, revoked or of an inactive user.
- 403 `{"detail": reason, "code": code}`: not staff, or the processing is refused
  (`ProcessingRefused`: another group company, a data category the role's purposes do not
  cover, a restricted person under GDPR Art. 18).
- 404 `{"detail": "not found"}`: no such record, or one the caller may not see (no hint which).
- 422 `{"errors": {field: message}}`: input that failed validation, whether the schema's
  (a wrong type) or the register's own rules (register/inputs.py). Messages never repeat
  the value, because the value may be personal data.
"""

from __future__ import annotations

from typing import Annotated, Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Path, Query, Schema
from ninja.errors import AuthenticationError, ValidationError

from rekisteri.access.policy import ProcessingRefused
from rekisteri.register.inputs import InputError

# Every record id in a path or a query is a positive 64-bit integer: the schema says so, and
# a larger one is a 422, not an OverflowError from SQLite.
MAX_ID = 2**63 - 1
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]


def query_id(description: str = "") -> Any:
    return Query(None, ge=1, le=MAX_ID, description=description)


class Message(Schema):
    detail: str


class Refusal(Schema):
    detail: str
    code: str


class FieldErrors(Schema):
    errors: dict[str, str]


def errors(*, body: bool = False, not_found: bool = True) -> dict[int, Any]:
    """The error responses to add to an operation's `response=`, so the schema documents them.

    `body`: the operation reads a JSON body (400 when it is not JSON at all);
    `not_found`: the operation names a record in its path.
    """
    out: dict[int, Any] = {400: Message} if body else {}
    out.update({401: Message, 403: Refusal})
    if not_found:
        out[404] = Message
    out[422] = FieldErrors
    return out


# Other apps' routers use these (audit/api.py); keep them.
ERRORS: dict[int, Any] = errors()
ERRORS_NO_404: dict[int, Any] = errors(not_found=False)


class NotStaff(PermissionError):
    """A valid token of a user who is not staff (no roles) of any group company."""


def _field_of(loc: list[Any] | tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] == "body":
        # ("body", "<param name>", "email") -> "email"
        parts = parts[2:] or ["body"]
    elif parts and parts[0] in ("query", "path", "header", "cookie", "form", "file"):
        parts = parts[1:] or parts
    return ".".join(parts)


def _message_of(error: dict[str, Any]) -> str:
    kind = error.get("type")
    if kind == "missing":
        return "is required"
    if kind in ("too_long", "string_too_long"):
        return "is too long"
    # pydantic prefixes custom validator messages with "Value error, ".
    return str(error.get("msg", "is not valid")).removeprefix("Value error, ")


def install_error_handlers(api: NinjaAPI) -> None:
    def authentication_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        response = api.create_response(
            request, {"detail": "a valid API token is required"}, status=401
        )
        response["WWW-Authenticate"] = "Bearer"
        return response

    def not_staff(request: HttpRequest, exc: Exception) -> HttpResponse:
        return api.create_response(
            request,
            {"detail": "the API is for staff users of a group company", "code": "not_staff"},
            status=403,
        )

    def refused(request: HttpRequest, exc: Exception) -> HttpResponse:
        assert isinstance(exc, ProcessingRefused)
        return api.create_response(
            request, {"detail": str(exc.reason), "code": exc.code}, status=403
        )

    def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        return api.create_response(request, {"detail": "not found"}, status=404)

    def input_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        assert isinstance(exc, InputError)
        return api.create_response(request, {"errors": dict(exc.errors)}, status=422)

    def validation_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        assert isinstance(exc, ValidationError)
        errors: dict[str, str] = {}
        for error in exc.errors:
            errors.setdefault(_field_of(error.get("loc", ())), _message_of(error))
        return api.create_response(request, {"errors": errors}, status=422)

    api.add_exception_handler(AuthenticationError, authentication_error)
    api.add_exception_handler(NotStaff, not_staff)
    api.add_exception_handler(ProcessingRefused, refused)
    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(InputError, input_error)
    api.add_exception_handler(ValidationError, validation_error)
