"""The exception hierarchy of the Nyne client.

One class per failure a caller treats differently. Every error says what went wrong and which
input caused it (a request id, a request, an HTTP path). Messages are built only from the API's
own error text (redacted by the client before it gets here) and from our inputs, never from
request headers, so no exception ever contains the API key or secret.

``transient`` tells an orchestrator whether re-running the step later may succeed.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping, Optional


class NyneError(Exception):
    """Base class of every error raised by the Nyne client."""

    transient: bool = False


class ApiError(NyneError):
    """The API answered with an error status (or ``success: false``)."""

    def __init__(
        self,
        message: str,
        *,
        status: Optional[int] = None,
        code: Optional[str] = None,
        path: Optional[str] = None,
    ) -> None:
        self.message = message
        self.status = status
        self.code = code
        self.path = path
        parts = [str(p) for p in (status, code) if p]
        if path:
            parts.append(f"on {path}")
        super().__init__(f"{message} [{' '.join(parts)}]" if parts else message)


class InvalidRequest(ApiError):
    """400: the provider (or our local validation, with ``status=None``) refused the parameters."""

    def __init__(self, message: str, *, request: Any = None, **kwargs: Any) -> None:
        self.request = request
        super().__init__(message, **kwargs)


class AuthenticationError(ApiError):
    """401: missing or invalid credentials. Never retried."""


class AccessDenied(AuthenticationError):
    """403: the credentials are known but refused (e.g. ``api_key_disabled``)."""


class InsufficientCredits(ApiError):
    """402, or any error with code ``insufficient_credits``: the account has no credit left."""


class RateLimited(ApiError):
    """429 that persisted after the bounded number of rate-limit retries."""

    transient = True

    def __init__(self, retry_after: Optional[float], **kwargs: Any) -> None:
        self.retry_after = retry_after
        super().__init__(f"rate limited by the provider (retry after {retry_after} s)", **kwargs)


class RequestNotFound(ApiError):
    """404 ``request_not_found``: the request id is unknown or expired."""

    def __init__(self, request_id: str, **kwargs: Any) -> None:
        self.request_id = request_id
        kwargs.setdefault("status", 404)
        super().__init__(f"request {request_id!r} is unknown or expired", **kwargs)


class ProviderError(NyneError):
    """5xx, timeouts, dropped connections or unparseable bodies, after the retries ran out."""

    transient = True

    def __init__(
        self, status: Optional[int], attempts: int, detail: str, *, path: Optional[str] = None
    ) -> None:
        self.status = status
        self.attempts = attempts
        self.detail = detail
        self.path = path
        shown = status if status is not None else "no response"
        super().__init__(f"provider error on {path} after {attempts} attempt(s): {shown}: {detail}")


class LookupFailed(NyneError):
    """The job ended with status ``failed``; ``reason`` is the API's ``error`` text."""

    def __init__(self, request_id: str, reason: str, *, request: Any = None) -> None:
        self.request_id = request_id
        self.reason = reason
        self.request = request
        target = f" for {request.describe()}" if request is not None else ""
        super().__init__(f"lookup {request_id!r}{target} failed: {reason}")


class UnknownResultShape(NyneError):
    """A completed result whose layout the parser does not recognise (nothing is guessed)."""

    def __init__(self, message: str, *, request_id: Optional[str] = None) -> None:
        self.request_id = request_id
        self.detail = message
        super().__init__(f"unrecognised result for request {request_id!r}: {message}")


class LookupTimedOut(NyneError):
    """The job did not finish before the lookup deadline. The job may still complete later."""

    transient = True

    def __init__(self, request_id: str, waited_s: float, *, last_status: Optional[str] = None):
        self.request_id = request_id
        self.waited_s = waited_s
        self.last_status = last_status
        super().__init__(
            f"lookup {request_id!r} not finished after {waited_s:.1f} s (last status {last_status!r})"
        )


def error_message(body: Any, fallback: str) -> str:
    """The API's error text: ``error.message``, ``message``, ``error``, ``detail``, in that order."""
    if isinstance(body, Mapping):
        err = body.get("error")
        candidates = [
            err.get("message") if isinstance(err, Mapping) else None,
            body.get("message"),
            err if isinstance(err, str) else None,
            body.get("detail"),
        ]
        data = body.get("data")
        if isinstance(data, Mapping):
            candidates += [data.get("message"), data.get("error")]
        for text in candidates:
            if isinstance(text, str) and text.strip():
                return text.strip()
    return fallback


def error_code(body: Any) -> Optional[str]:
    """The snake_case error code, wherever the body puts it."""
    if not isinstance(body, Mapping):
        return None
    err = body.get("error")
    for value in (
        err.get("code") if isinstance(err, Mapping) else None,
        body.get("code"),
        body.get("error_code"),
        err if isinstance(err, str) and err.replace("_", "").isalpha() and err.islower() else None,
    ):
        if isinstance(value, str) and value:
            return value
    return None


def error_from_response(
    status: int,
    body: Any,
    *,
    path: str,
    request_id: Optional[str] = None,
    request: Any = None,
    redact: Callable[[str], str] = lambda s: s,
) -> ApiError:
    """Map a non-retryable error response to its exception (the retry module decides *whether*)."""
    code = error_code(body)
    message = redact(error_message(body, f"HTTP {status}"))
    kwargs = {"status": status, "code": code, "path": path}
    if status == 402 or code == "insufficient_credits":
        return InsufficientCredits(message, **kwargs)
    if status == 401:
        return AuthenticationError(message, **kwargs)
    if status == 403:
        return AccessDenied(message, **kwargs)
    if status == 404 and request_id is not None and code in (None, "request_not_found"):
        return RequestNotFound(request_id, **kwargs)  # (another 404 code: a wrong base URL?)
    if status in (400, 422):
        return InvalidRequest(message, request=request, **kwargs)
    return ApiError(message, **kwargs)
