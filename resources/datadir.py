"""The data dir as a path: a local folder, or an object store / any fsspec URL (``s3://b/p``).

``data_path`` turns ``SOCIAL_DATA_DIR`` (or the ``data_dir`` config) into the path every writer
and reader uses: a ``pathlib.Path`` for a local folder (and for ``file://``), exactly as before,
else a ``upath.UPath`` (universal-pathlib: the same ``/``, ``glob``, ``exists``, ``read_bytes``
API over fsspec). The URL is checked when it is read: a known, installed fsspec protocol, no
credentials in it (``s3://key:secret@bucket`` would show the secret in every path in logs and
metadata), no query string or fragment. Credentials and endpoints come from the store's
standard environment (``AWS_ACCESS_KEY_ID``, ``AWS_ENDPOINT_URL`` ...), never from config.

Writes are atomic in meaning everywhere: locally a temporary name and a rename (the callers'
own code), on object storage one upload of the final key (``put_bytes``: a single PUT, or a
multipart upload that only appears once completed), never a temporary key that a reader
globbing ``**/*.parquet`` or ``*.json.gz`` could match.

Any installed fsspec protocol works for the project's own reads and writes; the dbt build runs
in its own process, so it needs a store other processes see (``memory://`` is one process's).

``check_reachable`` asks the store once, when a run starts and before any paid API call, so a
missing bucket, missing credentials or an unreachable endpoint is said then, by name.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Union
from urllib.parse import urlsplit

from upath import UPath

DataPath = Union[Path, UPath]
"""A local ``Path``, or a ``UPath`` on an fsspec filesystem (``is_remote``)."""

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_LOCAL_PROTOCOLS = ("file", "local")


def is_url(text: str | os.PathLike) -> bool:
    """True for ``scheme://...`` (a URL), as opposed to a path on this machine."""
    return bool(_URL.match(str(text)))


def is_remote(path: DataPath) -> bool:
    """True for a path on an fsspec filesystem other than this machine's disk."""
    return not isinstance(path, Path)


def data_path(value: str | os.PathLike | UPath, source: str) -> DataPath:
    """``value`` as a path: local (``~`` expanded, absolute) or a checked ``UPath``;
    ``ValueError`` naming ``source`` (the variable or config key) for a URL that cannot be used."""
    if isinstance(value, Path):
        return value.expanduser().resolve()
    if isinstance(value, UPath):  # already checked when it was made
        return value
    text = os.fspath(value)
    if not is_url(text):
        return Path(text).expanduser().resolve()
    parts = urlsplit(text)
    protocol = parts.scheme.lower()
    bad = f"{source} is {_shown(text)!r}:"
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise ValueError(f"{bad} a URL with credentials in it, which would show in every path "
                         "logged; give the URL without them and the credentials in the store's "
                         "environment (e.g. AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)")
    if parts.query or parts.fragment or text.endswith(("?", "#")):
        raise ValueError(f"{bad} a URL with a query string or fragment; give only "
                         "protocol://bucket/prefix (store options come from its environment)")
    if protocol in _LOCAL_PROTOCOLS:
        if parts.netloc not in ("", "localhost"):
            raise ValueError(f"{bad} a file:// URL names host {parts.netloc!r}; give "
                             "file:///absolute/path or a plain path")
        return Path(parts.path or "/").expanduser().resolve()
    _check_protocol(protocol, bad)
    if not parts.netloc and not parts.path.strip("/"):
        raise ValueError(f"{bad} no bucket or folder after {protocol}://")
    # Listings not cached: other processes (dbt, other runs) write here too.
    return UPath(text.rstrip("/"), use_listings_cache=False)


def _check_protocol(protocol: str, bad: str) -> None:
    import fsspec

    try:
        fsspec.get_filesystem_class(protocol)
    except ValueError:
        raise ValueError(f"{bad} unknown protocol {protocol!r} (not an fsspec protocol); "
                         "give a local folder or e.g. s3://bucket/prefix") from None
    except ImportError as exc:
        raise ValueError(f"{bad} the {protocol!r} protocol is not installed here "
                         f"({exc}); install its fsspec package, or give a local folder") from None


def _shown(text: str) -> str:
    """A URL as it may be shown: any user:password part, query and fragment replaced (a
    presigned query holds a signature)."""
    parts = urlsplit(text)
    if "@" in parts.netloc:
        parts = parts._replace(netloc="***@" + parts.netloc.rsplit("@", 1)[1])
    if parts.query:
        parts = parts._replace(query="***")
    if parts.fragment:
        parts = parts._replace(fragment="***")
    return parts.geturl()


class StoreWriteFailed(OSError):
    """An upload to the data dir's store failed (after the store client's own retries)."""


def put_bytes(path: UPath, data: bytes) -> None:
    """Write ``data`` as the object ``path`` in one upload: readers see the whole object or
    none (a store cannot rename, and a temporary key would match readers' globs).
    ``StoreWriteFailed`` naming the object and the endpoint when the store refuses it."""
    try:
        path.fs.pipe_file(path.path, data)
    except Exception as exc:  # noqa: BLE001 - botocore's and the other stores' own errors
        raise StoreWriteFailed(f"could not write {path} to the store at {endpoint(path)} "
                               f"({type(exc).__name__}: {exc}); nothing was written under "
                               "that name") from exc


def check_reachable(root: DataPath, source: str) -> None:
    """Ask the store for the data dir's bucket (or folder) once; ``ValueError`` naming
    ``source`` and what to do: a missing bucket, missing credentials, an unreachable
    endpoint. A local folder needs nothing (it is made when first written)."""
    if not is_remote(root):
        return
    fs = root.fs
    bucket = root.path.split("/", 1)[0] if fs.root_marker == "" else None
    where = f"{source} is {str(root)!r}:"
    try:
        if bucket is not None:
            fs.info(bucket)
    except FileNotFoundError:
        raise ValueError(f"{where} bucket {bucket!r} does not exist at {endpoint(root)}; "
                         "create it first (the project never creates buckets)") from None
    except PermissionError as exc:
        raise ValueError(f"{where} access to bucket {bucket!r} at {endpoint(root)} is denied "
                         f"({type(exc).__name__}); check the credentials in the store's "
                         "environment") from None
    except Exception as exc:  # noqa: BLE001 - botocore's and the other stores' own errors
        name = type(exc).__name__
        if "Credential" in name:
            raise ValueError(f"{where} no credentials for {root.protocol}:// ({name}); set "
                             "them in the environment (AWS_ACCESS_KEY_ID and "
                             "AWS_SECRET_ACCESS_KEY, or a profile)") from None
        raise ValueError(f"{where} the store at {endpoint(root)} cannot be reached ({name}); "
                         "check AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_S3 and the network") from None


def endpoint(root: UPath) -> str:
    """The endpoint a remote data dir talks to, for messages (no credentials in it)."""
    kwargs = getattr(root.fs, "client_kwargs", None) or {}
    url = (kwargs.get("endpoint_url") or getattr(root.fs, "endpoint_url", None)
           or (os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL")
               if root.protocol in ("s3", "s3a") else None))
    return _shown(url) if url else f"the default {root.protocol}:// endpoint"


def register_with_duckdb(connection, root: DataPath) -> None:
    """Let ``connection`` read the data dir's files (``read_parquet('s3://...')``) through the
    same fsspec filesystem: DuckDB's own httpfs extension is not needed."""
    if is_remote(root):
        connection.register_filesystem(root.fs)


def dbt_filesystems(root: DataPath) -> list[dict[str, str]]:
    """dbt-duckdb's profile ``filesystems:`` for the data dir: none for a local folder."""
    return [{"fs": root.protocol}] if is_remote(root) else []
