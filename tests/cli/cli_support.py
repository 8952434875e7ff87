"""What every pytest file in tests/cli shares: running the real program, and the checks of
spec/cli.md's exit codes and stderr lines (exit 0; exit 1 with one `crmflow: error: CODE: MESSAGE`
line; exit 2 with a usage line), plus reading the SQLite file a command wrote.

CTest runs each file as `python3 -m pytest FILE`; pytest puts this folder on sys.path (it has no
__init__.py), so the files `from cli_support import ...`. The shared fixtures are in conftest.py.
"""
import datetime
import os
import pathlib
import re
import sqlite3
import subprocess

CRMFLOW = os.environ["CRMFLOW_BIN"]
SOURCE = pathlib.Path(os.environ["CRMFLOW_SOURCE"])
ERROR_LINE = re.compile(r"^crmflow: error: (not_found|not_authorized|invalid_input|invalid_state"
                        r"|conflict|unavailable|internal): .+$")


def crmflow(*args, cwd=None, errors=None, env_extra=None):
    """Runs the program with `args` (each turned into a string) and captures its output as text;
    `errors="surrogateescape"` keeps output bytes that are not UTF-8 (as lone surrogates);
    `env_extra` adds variables to the environment it runs in."""
    env = None
    if env_extra:
        env = dict(os.environ)
        env.update(env_extra)
    return subprocess.run([CRMFLOW, *map(str, args)], capture_output=True, text=True, cwd=cwd,
                          errors=errors, timeout=120, env=env)


def ok(result):
    """A success: exit 0."""
    assert result.returncode == 0, f"exit {result.returncode}: {result.stderr}"
    return result


def quiet(result):
    """A success that says nothing on stderr."""
    ok(result)
    assert result.stderr == "", result.stderr
    return result


def refused(result, code):
    """A refusal: exit 1, one error line naming `code`, nothing on stdout. Returns the line."""
    assert result.returncode == 1, f"exit {result.returncode}: {result.stdout} {result.stderr}"
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and ERROR_LINE.match(lines[0]), result.stderr
    assert lines[0].startswith(f"crmflow: error: {code}: "), result.stderr
    assert result.stdout == ""
    return lines[0]


def bad_usage(result):
    """Bad usage: exit 2, a `crmflow: usage: ` message, nothing on stdout. Returns stderr."""
    assert result.returncode == 2, f"exit {result.returncode}: {result.stdout} {result.stderr}"
    assert result.stderr.startswith("crmflow: usage: "), result.stderr
    assert result.stdout == ""
    return result.stderr


def rows(db, sql, *params):
    """The rows `sql` selects from the database file `db`."""
    with sqlite3.connect(db) as connection:
        return connection.execute(sql, params).fetchall()


def later(hours):
    """The RFC 3339 UTC moment `hours` from now, to the second."""
    moment = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=hours)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
