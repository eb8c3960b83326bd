"""The Dagster resource for the Nyne Social Interactions API.

Configuration only: the HTTP work lives in ``resources.nyne``, the paid lookup (ledger,
landing archive, callbacks, the in-flight cap) in ``resources.lookups``, whose
``open_lookups`` reads these settings when a run starts.

A new client (and rate limiter) per call of ``client()``; a run's lookups share one, and every
limiter of the API account, in every run and process, takes its slots from one store
(``rate_limit_url``: Redis, PostgreSQL or SQLite; default the ledger's database).
"""

from __future__ import annotations

import os
import re
from typing import Any, Optional

import dagster as dg
import httpx
from pydantic import Field

from resources.nyne import DEFAULT_BASE_URL, ClientSettings, NyneClient, RateLimiter
from resources.nyne.ratelimit.store import describe as describe_url
from resources.settings import Settings, resolve_rate_limit_url

_SECRET_FIELDS = frozenset({"api_key", "api_secret", "callback_token"})
BASE_URL_ENV = "NYNE_BASE_URL"
KEY_ENV = "NYNE_API_KEY"
SECRET_ENV = "NYNE_API_SECRET"
BUDGET_ENV = "SOCIAL_CREDIT_BUDGET"


class NyneApi(dg.ConfigurableResource):
    """Credentials, endpoint, polling, retry and rate-limit settings for the Nyne API.

    Cost: 3 credits per lookup that returns results (0 if empty); polls are free but count
    against the provider's limits of 60 requests per minute and 1,000 per hour.
    """

    # The credentials are optional config so that run config never has to carry them: any
    # other setting may be given in the launchpad without repeating (and so storing) a secret.
    api_key: Optional[str] = Field(
        default=None,
        description=f"Nyne API key, sent only as the X-API-Key header. Unset: ${KEY_ENV} at run "
        "time. In run config give it as {env: VARIABLE}, never the value.",
    )
    api_secret: Optional[str] = Field(
        default=None,
        description=f"Nyne API secret, sent only as the X-API-Secret header. Unset: ${SECRET_ENV} "
        "at run time. In run config give it as {env: VARIABLE}, never the value.",
    )
    base_url: Optional[str] = Field(
        default=None,
        description=f"API base URL. Unset: ${BASE_URL_ENV} at run time, else {DEFAULT_BASE_URL}. "
        "Explicit config wins over the environment.",
    )
    max_results: int = Field(
        default=1000, ge=10, le=1000,
        description="Result cap per lookup (provider range 10..1000); "
        "a lookup costs 3 credits whatever the cap.",
    )  # fmt: skip
    poll_interval_s: float = Field(2.0, gt=0, description="Delay before the first status poll (s).")
    poll_max_interval_s: float = Field(30.0, gt=0, description="Cap of the backed-off poll interval (s).")
    lookup_timeout_s: float = Field(
        3600.0, gt=0, description="Deadline of the wait for one lookup's result, from its submit (s)."
    )
    request_timeout_s: float = Field(30.0, gt=0, description="Timeout of one HTTP request (s).")
    max_retries: int = Field(5, ge=0, description="Retries after 5xx, timeouts and dropped connections.")
    retry_base_s: float = Field(
        1.0, gt=0, description="First back-off step of those retries (s), doubled each time."
    )
    retry_max_s: float = Field(
        60.0, gt=0, description="Cap of one back-off wait (s); waits are jittered in [0, cap]."
    )
    rate_per_minute: int = Field(60, ge=1, description="Requests per minute window (provider: 60).")
    rate_per_hour: int = Field(1000, ge=1, description="Requests per hour window (provider: 1,000).")
    minute_window_s: float = Field(60.0, gt=0, description="Length of the 'minute' window (s).")
    hour_window_s: float = Field(3600.0, gt=0, description="Length of the 'hour' window (s).")
    rate_safety_margin_s: Optional[float] = Field(
        default=None, ge=0,
        description="Extra wait added to each rate window so request-latency jitter cannot make "
        "the provider's window see one request too many (s). Unset: 5 % of the window, at "
        "most 1 s.",
    )  # fmt: skip
    learn_poll_schedule: bool = Field(
        True, description="Poll a job first when jobs of its kind are usually done (learnt from "
        "the jobs polled before, kept in the ledger's database), rather than after "
        "poll_interval_s: fewer requests per lookup. Off, or while fewer than 20 jobs of the "
        "kind are known: poll_interval_s, then back-off.")
    max_concurrent_lookups: int = Field(
        8, ge=1, description="Lookups of one run in flight at once; the others wait before "
        "their submit.")
    credit_budget_per_run: Optional[int] = Field(
        default=None, ge=0,
        description="Most credits one run may commit; a lookup that could pass it is refused "
        "before its submit (each lookup reserves 3 until its result shows the charge). "
        "Unset: $SOCIAL_CREDIT_BUDGET at run time, else no budget.",
    )  # fmt: skip
    callback_base_url: Optional[str] = Field(
        default=None,
        description="Public base URL of `social-graph receive` (e.g. https://hooks.example.com). "
        "Unset: $SOCIAL_CALLBACK_BASE_URL at run time. With a token, lookups ask for a "
        "callback and complete from it.",
    )
    callback_token: Optional[str] = Field(
        default=None,
        description="The secret in the callback URL's path. Unset: $SOCIAL_CALLBACK_TOKEN at "
        "run time. Use dg.EnvVar('SOCIAL_CALLBACK_TOKEN') if you set it here.",
    )
    callback_backstop_poll_s: float = Field(
        120.0, gt=0, description="With callbacks: interval of the backstop polls (s)."
    )
    trust_callbacks: bool = Field(
        False, description="With callbacks: take a delivery's body as the job's answer, with "
        "the callback token as its only authentication: one request per lookup instead of two "
        "(the confirming poll). Off: anyone who learnt the callback URL could post a delivery, "
        "so each is confirmed by a poll.")
    inbox_check_s: float = Field(
        0.25, gt=0, description="With callbacks: how often a waiting lookup looks in the "
        "receiver's inbox for its delivery (s).")
    claim_wait_s: float = Field(
        0.25, gt=0, description="How often a lookup that another live run is buying checks "
        "whether that run has recorded its request (s).")
    rate_limit_url: Optional[str] = Field(
        default=None,
        description="Where every client of this API account, in every run and process, takes "
        "its request slots: redis://host:port/db, postgresql://..., sqlite:///path, or 'local' "
        "(this run alone). Unset: $SOCIAL_RATE_LIMIT_URL at run time, else the ledger's URL. "
        "Use dg.EnvVar('SOCIAL_RATE_LIMIT_URL') if it holds a password.",
    )

    def __repr_args__(self) -> Any:
        # pydantic's repr/str would print the credentials (and a store URL's password): mask them.
        for name, value in super().__repr_args__():
            if name == "rate_limit_url" and isinstance(value, str):
                value = describe_url(value)
            yield name, ("***" if name in _SECRET_FIELDS and value is not None else value)

    def resolved_base_url(self) -> str:
        """Explicit config, else ``$NYNE_BASE_URL`` (read now, not at import), else the default."""
        return (self.base_url or os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL).rstrip("/")

    def settings(self) -> ClientSettings:
        return ClientSettings(
            request_timeout_s=self.request_timeout_s,
            poll_interval_s=self.poll_interval_s,
            poll_max_interval_s=self.poll_max_interval_s,
            lookup_timeout_s=self.lookup_timeout_s,
            max_retries=self.max_retries,
            retry_base_s=self.retry_base_s,
            retry_max_s=self.retry_max_s,
            rate_per_minute=self.rate_per_minute,
            rate_per_hour=self.rate_per_hour,
            minute_window_s=self.minute_window_s,
            hour_window_s=self.hour_window_s,
            rate_safety_margin_s=self.rate_safety_margin_s,
        )

    def rate_limit(self, ledger_url: Optional[str] = None) -> tuple[str, str]:
        """(store URL, where it came from): explicit config, else ``$SOCIAL_RATE_LIMIT_URL``
        (read now), else ``ledger_url`` (the run's ledger), else the default ledger's URL.
        Only the last case resolves the data dir's settings (the run's are given)."""
        return resolve_rate_limit_url(self.rate_limit_url,
                                      lambda: ledger_url or Settings.resolve().ledger_url)

    def client(
        self, *, limiter: Optional[RateLimiter] = None, http: Optional[httpx.AsyncClient] = None,
        ledger_url: Optional[str] = None,
    ) -> NyneClient:
        """A new client; use ``async with api.client() as c:`` inside the coroutine. Its limiter
        takes its slots from the store ``rate_limit(ledger_url)`` names (opened lazily)."""
        url, setting = self.rate_limit(ledger_url) if limiter is None else ("local", "")
        return NyneClient(
            self.resolved_base_url(),
            *self.credentials(),
            settings=self.settings(),
            limiter=limiter,
            http=http,
            redact_also=tuple(t for t in (self._callback_token(),) if t),
            rate_limit_url=url,
            rate_limit_setting=setting,
        )

    def credentials(self) -> tuple[str, str]:
        """The key and secret: explicit config, else ``$NYNE_API_KEY``/``$NYNE_API_SECRET`` (read
        now). Raises naming the variables that are missing, never their values."""
        key = self.api_key or os.environ.get(KEY_ENV)
        secret = self.api_secret or os.environ.get(SECRET_ENV)
        missing = [name for name, value in ((KEY_ENV, key), (SECRET_ENV, secret)) if not value]
        if missing:
            raise ValueError(
                f"the Nyne API credentials are not set: {' and '.join('$' + m for m in missing)} "
                "(set them in the environment of the code location)")
        return key, secret

    def credit_budget(self) -> Optional[int]:
        """Explicit config, else ``$SOCIAL_CREDIT_BUDGET`` (read now), else None (no budget)."""
        if self.credit_budget_per_run is not None:
            return self.credit_budget_per_run
        raw = os.environ.get(BUDGET_ENV, "").strip()
        if not raw:
            return None
        if not re.fullmatch(r"[0-9]+", raw):  # not str.isdigit: it takes '²', which int() refuses
            raise ValueError(f"${BUDGET_ENV} must be a whole number of credits, got {raw!r}")
        return int(raw)

    def credit_budget_setting(self) -> str:
        """Where ``credit_budget()`` came from, for the message that names what to raise."""
        return "nyne.credit_budget_per_run" if self.credit_budget_per_run is not None \
            else f"${BUDGET_ENV}"

    def _callbacks(self) -> Settings:
        return Settings.resolve(callback_base_url=self.callback_base_url,
                                callback_token=self.callback_token)

    def _callback_token(self) -> Optional[str]:
        return self._callbacks().callback_token

    def callback_url(self) -> Optional[str]:
        """The URL the API posts results to, or None when callbacks are not configured."""
        settings = self._callbacks()
        base, token = settings.callback_base_url, settings.callback_token
        if not (base and token):
            return None
        from resources.callbacks.receiver import callback_url

        return callback_url(base, token)
