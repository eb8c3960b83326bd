"""The paid lookup, in one place: from "this key needs this lookup" to "here is its result".

``LookupService`` (``service``) runs a run's lookups at once; each goes through
``DurableLookups`` (``fetch``): the request ledger (``ledger``: paid once), the journal of
request ids (``journal``: never lost), the landing archive (``landing``: the exact answer,
kept before anything parses it), the callback inbox and the wait loop (``waiting``). The API
itself is ``resources.nyne``'s; no Dagster here but the ledger's resource.
"""

from .fetch import DurableLookups, Fetched, LookupExpired, lookup_params
from .landing import Landed, iter_landed, land, landing_dir, landing_path, read_landed
from .service import LookupResult, LookupService, open_lookups

__all__ = ["DurableLookups", "Fetched", "Landed", "LookupExpired", "LookupResult",
           "LookupService", "iter_landed", "land", "landing_dir", "landing_path",
           "lookup_params", "open_lookups", "read_landed"]
