"""A proposed account as a row of the target list: YAML or CSV, and the note marking it.

Rows name the account by ``platform`` + ``username`` (never a URL: a handle such as ``home``
is a Twitter page's path, not a profile URL) and leave ``collect`` to its default, followers
and following: one ``followers,following`` lookup. The parser accepts no extra key in a YAML
row and no value in a CSV column the header does not name (``social_assets.targets.rows``,
``csv_rows``), so the mark that a row came from the expansion is a comment: at the end of a
YAML row, on its own ``#`` line above a CSV row.
"""

from __future__ import annotations

import csv
import io

from .candidates import Candidate

INSTAGRAM_URL = "https://www.instagram.com/{}/"
TWITTER_URL = "https://x.com/{}"


def note(candidate: Candidate, accepted_on: str | None = None) -> str:
    """``expansion #2 (accepted 2026-12-04): score 5, followed by 1 target, follows 3``: only
    numbers and fixed words, so it is safe in a YAML or CSV comment."""
    when = f" (accepted {accepted_on})" if accepted_on else ""
    return (f"expansion #{candidate.rank}{when}: score {candidate.score:g}, "
            f"{candidate.signals()}")


def yaml_item(candidate: Candidate, indent: str, comment: str) -> str:
    """One line of a block ``targets:`` list: ``- {platform: twitter, username: "x"}  # ...``.
    Handles are validated ASCII (``[a-z0-9_.]``), so the double-quoted scalar needs no
    escaping."""
    return (f'{indent}- {{platform: {candidate.platform}, username: "{candidate.username}"}}'
            f"  # {comment}")


def csv_record(candidate: Candidate, columns: list[str], delimiter: str) -> str:
    """One CSV record (no line end) in the header's ``columns``: platform and username when the
    header has both, else the profile URL in the ``url`` column. ``ValueError`` when the header
    has neither way to name an account."""
    if "platform" in columns and "username" in columns:
        values = {"platform": candidate.platform, "username": candidate.username}
    elif "url" in columns:
        template = INSTAGRAM_URL if candidate.platform == "instagram" else TWITTER_URL
        values = {"url": template.format(candidate.username)}
    else:
        raise ValueError("its CSV header has neither platform and username nor url columns, "
                         "so no row of it can name an account")
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="").writerow(
        [values.get(column, "") for column in columns])
    return out.getvalue()
