"""One error format for the whole API, so a client handles every router the same way.

- 400 `{"detail": "..."}`: a request body that is not JSON at all.
- 401 `{"detail": "..."}`: no token, or a token that is unknown, revoked or of an inactive user.
- 403 `{"detail": reason, "code": code}`: not staff, or the processing is refused
  (`ProcessingRefused`: another group company, a data category the role's purposes do not
  cover, a restricted person under GDPR Art. 18).
- 404 `{"detail": "not found"}`: no such record, or one the caller may not see (no hint which).
- 413 `{"detail": "...", "code": "too_large"}`: a body over DATA_UPLOAD_MAX_MEMORY_SIZE.
- 422 `{"errors": {field: message}}`: input that failed validation, whether the schema's
  (a wrong type), the register's own rules (register/inputs.py) or, for any string, NUL
  or a lone surrogate (api/parsing.py). Messages never repeat the value, because the
  value may be personal data.
- 503 `{"detail": "...", "code": "busy"}` with `Retry-After`: the database is busy (another
  transaction holds a lock the request needs, common/busy.py); try again.
"""

from __future__ import annotations

from typing import Annotated, Any

from django.core.exceptions import RequestDataTooBig
from django.db import OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Path, Query, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from rekisteri.access.policy import ProcessingRefused
from rekisteri.api.parsing import MESSAGE as UNSTORABLE_MESSAGE
from rekisteri.api.parsing import UnstorableText
from rekisteri.common.busy import RETRY_AFTER, database_busy
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
    if body:
        out[413] = Refusal
    out[422] = FieldErrors
    out[503] = Refusal
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
        limit = (error.get("ctx") or {}).get("max_length")
        return f"is too long: at most {limit} characters" if limit else "is too long"
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

    def too_large(request: HttpRequest) -> HttpResponse:
        return api.create_response(
            request,
            {"detail": "the request body is larger than the server accepts", "code": "too_large"},
            status=413,
        )

    def http_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        # django-ninja answers 400 to any exception while reading the body; two of them
        # deserve their own answer.
        assert isinstance(exc, HttpError)
        cause = exc.__cause__
        if isinstance(cause, UnstorableText):
            field = ".".join(cause.loc) or "body"
            return api.create_response(request, {"errors": {field: UNSTORABLE_MESSAGE}}, status=422)
        if isinstance(cause, RequestDataTooBig):
            return too_large(request)
        return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)

    def data_too_big(request: HttpRequest, exc: Exception) -> HttpResponse:
        return too_large(request)

    def busy(request: HttpRequest, exc: Exception) -> HttpResponse:
        if not database_busy(exc):
            raise exc
        response = api.create_response(
            request,
            {"detail": "the database is busy; try again shortly", "code": "busy"},
            status=503,
        )
        response["Retry-After"] = str(RETRY_AFTER)
        return response

    api.add_exception_handler(HttpError, http_error)
    api.add_exception_handler(RequestDataTooBig, data_too_big)
    api.add_exception_handler(OperationalError, busy)
    api.add_exception_handler(AuthenticationError, authentication_error)
    api.add_exception_handler(NotStaff, not_staff)
    api.add_exception_handler(ProcessingRefused, refused)
    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(InputError, input_error)
    api.add_exception_handler(ValidationError, validation_error)
