"""The package: every public name is exported, typed in the stubs, and prints usefully."""

import ast
import pathlib

import crmflow

PACKAGE = pathlib.Path(crmflow.__file__).parent


def stub_names(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.ImportFrom):
            names.update(alias.asname or alias.name for alias in node.names)
    return names


def test_every_public_name_is_exported_and_typed():
    public = {name for name in dir(crmflow._crmflow) if not name.startswith("_")}
    assert set(crmflow.__all__) == public
    assert public <= stub_names(PACKAGE / "_crmflow.pyi")
    assert set(crmflow.__all__) <= stub_names(PACKAGE / "__init__.pyi")
    assert (PACKAGE / "py.typed").exists()


def test_records_print_their_fields():
    engine = crmflow.Engine(crmflow.MemoryStore())
    deployment = engine.deploy(crmflow.load_process(
        "process: p\nsteps:\n  - {id: w, type: user, candidates: {users: [ali]}}\n", "p.yaml"))
    assert repr(deployment) == "crmflow.Deployment(process_id='p', version=1, changed=True)"
    case_id = engine.start("p", key="K")
    assert repr(engine.get_case(case_id)) == (
        f"crmflow.Case(id={case_id}, process_id='p', key='K', status='active', active=['w'])")
    [task] = engine.tasks(case_id=case_id)
    assert repr(task) == (
        f"crmflow.Task(id={task.id}, case_id={case_id}, step_id='w', status='open', assignee=None)")
    assert repr(engine.history(case_id)[0]) == (
        "crmflow.HistoryEvent(sequence=1, event='case_started', step_id=None)")
    assert repr(crmflow.Retry("busy")) == "crmflow.Retry('busy', retry_after=None)"
    assert "digraph" in crmflow.load_process("process: q\nsteps:\n  - {id: e, type: end}\n",
                                             "q.yaml").draw("dot")


def test_the_engine_keeps_its_parts_alive():
    import datetime
    import gc

    def make():
        directory = crmflow.MemoryDirectory()
        directory.add_user("ali")
        start = datetime.datetime(2026, 1, 3, tzinfo=datetime.timezone.utc)
        channels = crmflow.ChannelRegistry()
        return crmflow.Engine(crmflow.MemoryStore(), clock=crmflow.ManualClock(start),
                              directory=directory, calendars=crmflow.Calendars(),
                              channels=channels)

    engine = make()  # nothing but the engine refers to its store, clock, directory, ...
    gc.collect()
    engine.deploy(crmflow.load_process(
        "process: p\nsteps:\n  - {id: w, type: user, candidates: {users: [ali]}}\n", "p.yaml"))
    case_id = engine.start("p")
    [task] = engine.tasks(user="ali")
    engine.complete(task, by="ali")
    case = engine.get_case(case_id)
    assert case.status == "completed"
    assert case.started_at == datetime.datetime(2026, 1, 3, tzinfo=datetime.timezone.utc)
    del engine
    gc.collect()
    assert case.path == ["w"]  # records are copies, independent of the engine
