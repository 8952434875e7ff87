"""Every error class, raised by the call that refuses, carrying its code and message."""

import pytest

import crmflow

HOLD = """
process: hold
steps:
  - id: wait
    type: user
    candidates: {groups: [desk]}
  - id: done
    type: end
"""

CODES = {
    crmflow.NotFound: "not_found",
    crmflow.NotAuthorized: "not_authorized",
    crmflow.InvalidInput: "invalid_input",
    crmflow.InvalidState: "invalid_state",
    crmflow.Conflict: "conflict",
    crmflow.Unavailable: "unavailable",
    crmflow.Internal: "internal",
}


@pytest.fixture
def engine(clock):
    directory = crmflow.MemoryDirectory()
    directory.add_user("ali", ["desk"])
    directory.add_user("neda", ["desk"])
    directory.add_user("omid", ["bench"])
    engine = crmflow.Engine(crmflow.MemoryStore(), clock=clock, directory=directory)
    engine.deploy(crmflow.load_process(HOLD, "hold.yaml"))
    return engine


def test_the_hierarchy():
    for cls, code in CODES.items():
        assert issubclass(cls, crmflow.Error) and issubclass(cls, Exception)
        assert cls.code == code and cls.__module__ == "crmflow"
    error = crmflow.Internal("a bug")
    assert (error.code, error.message, error.diagnostics) == ("internal", "a bug", [])
    assert str(error) == "internal: a bug"
    assert not issubclass(crmflow.BusinessError, crmflow.Error)


def raised(cls, call, *args, **kwargs):
    with pytest.raises(cls) as info:
        call(*args, **kwargs)
    assert type(info.value) is cls
    assert info.value.code == CODES[cls] and info.value.message
    assert str(info.value) == f"{CODES[cls]}: {info.value.message}"
    return info.value


def test_not_found(engine):
    raised(crmflow.NotFound, engine.get_case, 999)
    raised(crmflow.NotFound, engine.task, 999)
    raised(crmflow.NotFound, engine.start, "no-such-process")
    raised(crmflow.NotFound, engine.correlate, "nobody-waits", "K")
    raised(crmflow.NotFound, crmflow.MemoryDirectory().set_managed_groups, "ghost", ["desk"])


def test_not_authorized(engine):
    case_id = engine.start("hold")
    [task] = engine.tasks(case_id=case_id)
    raised(crmflow.NotAuthorized, engine.complete, task.id, by="omid")
    raised(crmflow.NotAuthorized, engine.complete, task.id, by="stranger")
    raised(crmflow.NotAuthorized, engine.reassign, task.id, by="ali", to="neda")
    assert not engine.may_complete(task.id, by="omid") and engine.may_complete(task, by="ali")


def test_invalid_input(engine):
    error = raised(crmflow.InvalidInput, crmflow.load_process,
                   "process: broken\nsteps:\n  - id: a\n    type: nonsense\n", "broken.yaml")
    assert error.diagnostics and all(isinstance(d, crmflow.Diagnostic) for d in error.diagnostics)
    first = error.diagnostics[0]
    assert first.file == "broken.yaml" and first.line == 4 and "nonsense" in first.message
    assert first.format() in error.message
    missing = raised(crmflow.InvalidInput, crmflow.load_process_file, "/nonexistent/p.yaml")
    assert missing.diagnostics[0].line == 0
    raised(crmflow.InvalidInput, engine.start, "hold", vars={"x": object()})
    raised(crmflow.InvalidInput, engine.get_case, "one")
    raised(crmflow.InvalidInput, engine.get_case, -1)
    raised(crmflow.InvalidInput, engine.task, 2**64)
    raised(crmflow.InvalidInput, engine.cases, status="sleeping")
    raised(crmflow.InvalidInput, crmflow.Engine, "not a store")


def test_invalid_state(engine):
    case_id = engine.start("hold")
    engine.cancel(case_id)
    raised(crmflow.InvalidState, engine.cancel, case_id)
    raised(crmflow.InvalidState, engine.retry, case_id, "wait")


def test_conflict(engine):
    case_id = engine.start("hold")
    [task] = engine.tasks(case_id=case_id)
    engine.claim(task, by="ali")
    raised(crmflow.Conflict, engine.claim, task, by="neda")
    changed = crmflow.load_process(HOLD.replace("done", "finished"), "hold.yaml")
    versioned = "version: 1\n"
    engine.deploy(crmflow.load_process(versioned + HOLD.replace("hold", "pinned"), "p.yaml"))
    raised(crmflow.Conflict, engine.deploy,
           crmflow.load_process(versioned + HOLD.replace("hold", "pinned").replace("done", "x"),
                                "p.yaml"))
    assert engine.deploy(changed).version == 2


def test_unavailable(tmp_path):
    not_a_database = tmp_path / "notes.txt"
    not_a_database.write_text("these are not the tables you are looking for\n" * 100)
    raised(crmflow.Unavailable, crmflow.SqliteStore.open, str(not_a_database))
    raised(crmflow.Unavailable, crmflow.open_store, "postgresql://localhost/crm")


def test_internal_is_raised_by_the_library_only_for_bugs():
    # No public call reaches an internal error on purpose; the class is raised like the others.
    with pytest.raises(crmflow.Error) as info:
        raise crmflow.Internal("state codec: unknown token kind")
    assert info.value.code == "internal"


def test_open_store_picks_the_store(tmp_path):
    assert isinstance(crmflow.open_store("memory:"), crmflow.MemoryStore)
    sqlite = crmflow.open_store(str(tmp_path / "a.db"))
    assert isinstance(sqlite, crmflow.SqliteStore) and sqlite.path.endswith("a.db")
