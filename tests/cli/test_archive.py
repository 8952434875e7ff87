"""`crmflow archive` (docs/retention.md, docs/cli.md): ended cases go to a JSON-lines file, each
line written and flushed, and only then leave the store; bad usage and refusals change nothing.

Every test runs the real program against a real SQLite file in its own temporary folder, and reads
the file back with Python's sqlite3 to see what the command did.
"""
import json

from cli_support import bad_usage, crmflow, later, ok, refused, rows

INTAKE = """\
process: intake
steps:
  - id: reception
    type: user
    form:
      - {name: device, type: string}
  - id: done
    type: end
"""


def setup_cases(tmp_path, db):
    """Deploys INTAKE and starts three cases: one completed, one cancelled, one still open.
    Returns their ids in that order."""
    definition = tmp_path / "intake.yaml"
    definition.write_text(INTAKE, encoding="utf-8")
    ok(crmflow("deploy", definition, "--db", db))
    ids = []
    for key in ("R-1", "R-2", "R-3"):
        started = ok(crmflow("start", "intake", "--key", key, "--by", "ali", "--db", db, "--json"))
        ids.append(json.loads(started.stdout)["id"])
    tasks = json.loads(ok(crmflow("tasks", "--case", ids[0], "--db", db, "--json")).stdout)
    ok(crmflow("complete", tasks["tasks"][0]["id"], "--by", "ali", "--var", "device=A52",
               "--db", db))
    ok(crmflow("cancel", ids[1], "--reason", "duplicate", "--db", db))
    return ids


def case_ids(db):
    return [row[0] for row in rows(db, "SELECT id FROM cases ORDER BY id")]


def test_archive_exports_ended_cases_then_removes_them(tmp_path, db):
    done, cancelled, running = setup_cases(tmp_path, db)
    archive = tmp_path / "archive.jsonl"
    result = ok(crmflow("archive", "--ended-before", later(1), "--to", archive, "--db", db,
                        "--json"))
    out = json.loads(result.stdout)
    assert out["archived"] == 2 and out["kept"] == 0
    assert out["to"] == str(archive)
    lines = archive.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert first["format"] == "crmflow.archive/1"
    assert first["case"]["id"] == done and first["case"]["status"] == "completed"
    assert first["case"]["variables"] == {"device": "A52"}
    assert first["tasks"][0]["completed_by"] == "ali"
    assert [e["event"] for e in first["history"]][0] == "case_started"
    assert second["case"]["id"] == cancelled and second["case"]["status"] == "cancelled"
    assert case_ids(db) == [running]
    for table in ("tasks", "history", "outbox", "jobs", "subscriptions"):
        assert rows(db, f"SELECT count(*) FROM {table} WHERE case_id IN (?, ?)",
                    done, cancelled) == [(0,)], table
    # The show command no longer finds an archived case; the running one is untouched.
    refused(crmflow("show", done, "--db", db), "not_found")
    ok(crmflow("show", running, "--db", db))


def test_archive_appends_and_respects_limit_and_cutoff(tmp_path, db):
    done, cancelled, running = setup_cases(tmp_path, db)
    archive = tmp_path / "archive.jsonl"
    archive.write_text('{"earlier": true}\n', encoding="utf-8")
    # Nothing ended a day ago.
    result = ok(crmflow("archive", "--older-than", "P1D", "--to", archive, "--db", db))
    assert result.stdout == f"0 cases archived to {archive}\n"
    assert case_ids(db) == [done, cancelled, running]
    result = ok(crmflow("archive", "--ended-before", later(1), "--to", archive, "--limit", "1",
                        "--db", db))
    assert result.stdout == f"1 case archived to {archive}\n"
    lines = archive.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 and json.loads(lines[0]) == {"earlier": True}
    assert json.loads(lines[1])["case"]["id"] == done
    assert case_ids(db) == [cancelled, running]


def test_archive_bad_usage_changes_nothing(tmp_path, db):
    ids = setup_cases(tmp_path, db)
    archive = tmp_path / "archive.jsonl"
    bad_usage(crmflow("archive", "--to", archive, "--db", db))
    bad_usage(crmflow("archive", "--ended-before", later(1), "--older-than", "P1D", "--to",
                      archive, "--db", db))
    bad_usage(crmflow("archive", "--ended-before", later(1), "--db", db))
    bad_usage(crmflow("archive", "--ended-before", "yesterday", "--to", archive, "--db", db))
    bad_usage(crmflow("archive", "--older-than", "-P1D", "--to", archive, "--db", db))
    bad_usage(crmflow("archive", "--older-than", "P1D", "--to", archive, "--limit", "x",
                      "--db", db))
    assert not archive.exists()
    assert case_ids(db) == ids


def test_archive_unwritable_file_removes_nothing(tmp_path, db):
    ids = setup_cases(tmp_path, db)
    line = refused(crmflow("archive", "--ended-before", later(1), "--to",
                           tmp_path / "missing" / "archive.jsonl", "--db", db), "unavailable")
    assert "archive.jsonl" in line
    assert case_ids(db) == ids
