"""A plain async client of the Nyne Social Interactions API (no Dagster here).

    async with NyneClient(base_url, api_key, api_secret, settings=ClientSettings()) as client:
        submission = await client.submit(request)
        job, body = await client.poll_raw(submission.request_id)

The only code that speaks to the API or reads its JSON. Paying for a lookup once and waiting
for its result is ``resources.lookups``'s job, on top of this client.

Modules: ``client`` (HTTP calls), ``models`` (frozen dataclasses), ``parsing``/``entries``
(tolerant JSON parsing, ``parse_answer`` of an archived answer), ``errors``, ``retry`` (every
retry decision), ``limiter`` (the shared rate limiter), ``ratelimit`` (where its windows live:
in the limiter, Redis or the ledger's database, one budget per API account), ``settings``,
``credentials``.
"""

from .answers import charged_credits, parse_answer
from .client import NyneClient
from .errors import (
    AccessDenied,
    ApiError,
    AuthenticationError,
    InsufficientCredits,
    InvalidRequest,
    LookupFailed,
    LookupTimedOut,
    NyneError,
    ProviderError,
    RateLimited,
    RequestNotFound,
    UnknownResultShape,
)
from .limiter import RateLimiter
from .models import (
    Interaction,
    InteractionResult,
    JobStatus,
    LookupRequest,
    Submission,
    Usage,
)
from .retry import RetryPolicy
from .settings import CREDITS_PER_LOOKUP, DEFAULT_BASE_URL, ClientSettings

__all__ = [
    "AccessDenied",
    "ApiError",
    "AuthenticationError",
    "CREDITS_PER_LOOKUP",
    "ClientSettings",
    "DEFAULT_BASE_URL",
    "InsufficientCredits",
    "Interaction",
    "InteractionResult",
    "InvalidRequest",
    "JobStatus",
    "LookupFailed",
    "LookupRequest",
    "LookupTimedOut",
    "NyneClient",
    "NyneError",
    "ProviderError",
    "RateLimited",
    "RateLimiter",
    "RequestNotFound",
    "RetryPolicy",
    "Submission",
    "UnknownResultShape",
    "Usage",
    "charged_credits",
    "parse_answer",
]
