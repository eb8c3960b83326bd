"""A plain async client of the Nyne Social Interactions API (no Dagster here).

    async with NyneClient(base_url, api_key, api_secret, settings=ClientSettings()) as client:
        outcomes = await asyncio.gather(*(client.lookup(req) for req in requests))

Modules: ``client`` (HTTP calls), ``models`` (frozen dataclasses), ``parsing``/``entries``
(tolerant JSON parsing), ``errors``, ``retry`` (every retry decision), ``limiter`` (the
shared rate limiter), ``settings``, ``credentials``.
"""

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
    LookupOutcome,
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
    "LookupOutcome",
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
]
