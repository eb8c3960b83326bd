"""Shared fixtures of the target parsing tests."""
import pytest


@pytest.fixture(params=["yaml", "csv"])
def fmt(request):
    return request.param
