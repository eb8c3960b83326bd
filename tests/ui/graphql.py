"""A small client of the webserver's ``/graphql``: a failed request or a GraphQL error raises."""

from __future__ import annotations

from typing import Any

import httpx


class GraphQL:
    """Posts a query with its variables; returns its ``data``."""

    def __init__(self, base_url: str):
        self.url = f"{base_url}/graphql"
        self._http = httpx.Client(timeout=httpx.Timeout(120.0, connect=10.0))

    def __call__(self, query: str, **variables: Any) -> dict:
        response = self._http.post(self.url, json={"query": query, "variables": variables})
        response.raise_for_status()
        body = response.json()
        if body.get("errors"):
            raise AssertionError(f"GraphQL errors: {body['errors']}")
        return body["data"]

    def close(self) -> None:
        self._http.close()
