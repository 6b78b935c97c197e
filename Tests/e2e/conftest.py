import pytest

from fleet import running_fleet


@pytest.fixture(scope="module")
def fleet():
    yield from running_fleet()
