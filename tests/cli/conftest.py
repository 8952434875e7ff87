"""Fixtures every pytest file in tests/cli may use (pytest loads this file by itself, also when
CTest runs one file as `python3 -m pytest FILE`)."""
import pytest


@pytest.fixture
def db(tmp_path):
    """The path of a database file that does not exist yet, in the test's own folder."""
    return tmp_path / "crm.db"
