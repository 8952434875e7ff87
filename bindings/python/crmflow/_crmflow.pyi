"""Type stubs of the compiled extension ``crmflow._crmflow`` (re-exported by ``crmflow``).

Values: ``None``, ``bool``, ``int`` (64-bit), ``float``, ``str``, ``list``, ``dict`` with ``str``
keys, ``datetime.date``, an aware ``datetime.datetime`` (its UTC offset is kept) and
``Duration`` (``datetime.timedelta`` is accepted too). Moments the engine reports (due dates,
history) are aware datetimes in UTC. See docs/python.md.
"""

import datetime
from typing import Callable, Iterable, Mapping, Optional, Sequence, Union

JsonValue = Union[
    None, bool, int, float, str, list["JsonValue"], dict[str, "JsonValue"], datetime.date,
    datetime.datetime, "Duration",
]
InValue = Union[JsonValue, tuple["InValue", ...], datetime.timedelta]
Vars = Optional[Mapping[str, InValue]]
TaskRef = Union[int, "Task"]
CaseRef = Union[int, "Case"]

# --- errors -------------------------------------------------------------------------------------

class Error(Exception):
    """A call crmflow refused; nothing was changed.

    ``code`` is the library's error code; ``message`` names the thing and what is wrong;
    ``diagnostics`` lists the file problems behind an InvalidInput from loading (else empty).
    """
    code: str
    message: str
    diagnostics: list[Diagnostic]
    def __init__(self, message: str = "", diagnostics: Iterable[Diagnostic] = ()) -> None: ...

class NotFound(Error):
    """No such process, version, case, task, step, message receiver or user."""

class NotAuthorized(Error):
    """The user may not act on that task: unknown, not its assignee, not a candidate."""

class InvalidInput(Error):
    """A malformed value, a failed form or variable check, a definition that does not load."""

class InvalidState(Error):
    """The thing exists but does not allow this now (an ended case, a step without incident)."""

class Conflict(Error):
    """Someone else holds it, it changed underneath the call, or a version clash on deploy."""

class Unavailable(Error):
    """A store or channel could not be reached; retrying may succeed."""

class Internal(Error):
    """A bug in crmflow: please report it."""

class BusinessError(Exception):
    """A handler's business outcome (raise or return it): a boundary ``error`` event with this
    code may catch it; without one the case gets an incident. Never retried."""
    code: str
    message: str
    def __init__(self, code: str, message: str = "") -> None: ...

# --- channel outcomes ---------------------------------------------------------------------------

class Delivered:
    """The receiver accepted the notification; ``receipt`` identifies it there."""
    receipt: str
    def __init__(self, receipt: str = "") -> None: ...

class Retry:
    """A transient failure: try again after the backoff (and at least ``retry_after``)."""
    error: str
    retry_after: Optional[datetime.timedelta]
    def __init__(self, error: str, retry_after: Optional[datetime.timedelta] = None) -> None: ...

class Failed:
    """A permanent failure: the notification is given up (status ``failed``)."""
    error: str
    def __init__(self, error: str) -> None: ...

# --- values -------------------------------------------------------------------------------------

class Duration:
    """An ISO 8601 duration: months (a year is 12), days and milliseconds, of one sign."""
    def __init__(self, months: int = 0, days: int = 0, millis: int = 0) -> None: ...
    @staticmethod
    def parse(text: str) -> Duration:
        """Reads ``PT4H``, ``P2D``, ``-P1W``, ...; InvalidInput otherwise."""
    @staticmethod
    def from_timedelta(delta: datetime.timedelta) -> Duration:
        """Whole days and the rest in milliseconds; InvalidInput for sub-millisecond parts."""
    @property
    def months(self) -> int: ...
    @property
    def days(self) -> int: ...
    @property
    def millis(self) -> int: ...
    def to_timedelta(self) -> datetime.timedelta:
        """A day counted as 24 hours; InvalidInput when the duration has months."""
    def __eq__(self, other: object) -> bool: ...
    def __hash__(self) -> int: ...

# --- records ------------------------------------------------------------------------------------

class Diagnostic:
    """A problem found in a file: ``format()`` is ``FILE:LINE:COL: error: MESSAGE``."""
    @property
    def file(self) -> str: ...
    @property
    def line(self) -> int:
        """1-based; 0 when the problem has no place (an unreadable file)."""
    @property
    def column(self) -> int:
        """1-based, counted in characters."""
    @property
    def message(self) -> str: ...
    def format(self) -> str: ...

class Incident:
    """A step parked until Engine.retry()."""
    @property
    def step_id(self) -> str: ...
    @property
    def message(self) -> str: ...
    @property
    def at(self) -> datetime.datetime: ...

class Case:
    """A snapshot of a case: it does not change when the case moves on; ask again."""
    @property
    def id(self) -> int: ...
    @property
    def process_id(self) -> str: ...
    @property
    def version(self) -> int: ...
    @property
    def key(self) -> str: ...
    @property
    def status(self) -> str:
        """``active``, ``completed``, ``terminated``, ``cancelled`` or ``incident``."""
    @property
    def is_final(self) -> bool:
        """Completed, terminated or cancelled: it can never move again."""
    @property
    def progress(self) -> int:
        """0..100."""
    @property
    def initiator(self) -> Optional[str]: ...
    @property
    def started_at(self) -> datetime.datetime: ...
    @property
    def ended_at(self) -> Optional[datetime.datetime]: ...
    @property
    def variables(self) -> dict[str, JsonValue]: ...
    @property
    def active(self) -> list[str]:
        """Where the case stands, each step id once, sorted."""
    @property
    def path(self) -> list[str]:
        """Every step the case has left, in order."""
    @property
    def incidents(self) -> list[Incident]:
        """The open incidents, oldest first."""
    @property
    def parent(self) -> Optional[int]:
        """The case whose ``call`` step started this one."""

class Task:
    """A human task (a ``user`` step)."""
    @property
    def id(self) -> int: ...
    @property
    def case_id(self) -> int: ...
    @property
    def process_id(self) -> str: ...
    @property
    def step_id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def status(self) -> str:
        """``open``, ``completed`` or ``withdrawn``."""
    @property
    def assignee(self) -> Optional[str]:
        """None: unassigned (offered to its candidates)."""
    @property
    def candidate_users(self) -> list[str]: ...
    @property
    def candidate_groups(self) -> list[str]: ...
    @property
    def priority(self) -> int: ...
    @property
    def due(self) -> Optional[datetime.datetime]: ...
    @property
    def created_at(self) -> datetime.datetime: ...
    @property
    def ended_at(self) -> Optional[datetime.datetime]: ...
    @property
    def completed_by(self) -> Optional[str]: ...

class HistoryEvent:
    """One thing that happened to a case."""
    @property
    def case_id(self) -> int: ...
    @property
    def sequence(self) -> int:
        """1, 2, 3, ... within the case."""
    @property
    def at(self) -> datetime.datetime: ...
    @property
    def event(self) -> str:
        """``case_started``, ``task_completed``, ``job_failed``, ... (docs/api.md)."""
    @property
    def step_id(self) -> Optional[str]: ...
    @property
    def task_id(self) -> Optional[int]: ...
    @property
    def by(self) -> Optional[str]: ...
    @property
    def data(self) -> Optional[dict[str, JsonValue]]: ...

class Notification:
    """A notification in the outbox, with where its delivery stands."""
    @property
    def id(self) -> int: ...
    @property
    def case_id(self) -> int: ...
    @property
    def step_id(self) -> str: ...
    @property
    def channel(self) -> str: ...
    @property
    def to(self) -> str: ...
    @property
    def subject(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def idempotency_key(self) -> str:
        """The same across every attempt: pass it on to the receiver."""
    @property
    def at(self) -> datetime.datetime: ...
    @property
    def segments(self) -> int:
        """SMS segments the text takes; 0 for other channels."""
    @property
    def status(self) -> str:
        """``pending``, ``sent`` or ``failed``."""
    @property
    def attempts(self) -> int: ...
    @property
    def next_attempt(self) -> Optional[datetime.datetime]: ...
    @property
    def leased_until(self) -> Optional[datetime.datetime]: ...
    @property
    def sent_at(self) -> Optional[datetime.datetime]: ...
    @property
    def last_error(self) -> str: ...

class Waiting:
    """What an active case waits for at one step; ``kind`` says which fields are filled."""
    @property
    def step_id(self) -> str: ...
    @property
    def kind(self) -> str:
        """``task``, ``timer``, ``message``, ``signal``, ``service``, ``call``, ``instances``,
        ``join`` or ``incident``."""
    @property
    def since(self) -> datetime.datetime: ...
    @property
    def task(self) -> Optional[int]: ...
    @property
    def assignee(self) -> Optional[str]: ...
    @property
    def candidate_users(self) -> list[str]: ...
    @property
    def candidate_groups(self) -> list[str]: ...
    @property
    def due(self) -> Optional[datetime.datetime]: ...
    @property
    def name(self) -> str: ...
    @property
    def key(self) -> Optional[str]: ...
    @property
    def attempt(self) -> int: ...
    @property
    def child(self) -> Optional[int]: ...
    @property
    def completed(self) -> int: ...
    @property
    def total(self) -> int: ...
    @property
    def message(self) -> str: ...
    @property
    def boundary(self) -> bool: ...
    @property
    def interrupting(self) -> bool: ...

class Deployment:
    """What Engine.deploy() did: ``changed`` is False when that content was deployed already."""
    @property
    def process_id(self) -> str: ...
    @property
    def version(self) -> int: ...
    @property
    def changed(self) -> bool: ...

class JobContext:
    """What a service handler is told about its job."""
    @property
    def case_id(self) -> int: ...
    @property
    def process_id(self) -> str: ...
    @property
    def step_id(self) -> str: ...
    @property
    def handler(self) -> str: ...
    @property
    def case_key(self) -> str: ...
    @property
    def input(self) -> dict[str, JsonValue]:
        """The step's ``input`` evaluated, or all the case's variables."""
    @property
    def attempt(self) -> int:
        """1 for the first try, 2 for the first retry, ..."""
    @property
    def now(self) -> datetime.datetime: ...
    @property
    def idempotency_key(self) -> str: ...

class ScenarioOutcome:
    @property
    def name(self) -> str: ...
    @property
    def passed(self) -> bool: ...
    @property
    def failure(self) -> str:
        """Why it failed (the action, its line, expected against actual); empty if it passed."""
    def line(self) -> str:
        """``PASS name`` or ``FAIL name: failure``."""

class ScenarioFileOutcome:
    @property
    def file(self) -> str: ...
    @property
    def diagnostics(self) -> list[Diagnostic]:
        """Problems of the file; when there is any, no scenario ran."""
    @property
    def scenarios(self) -> list[ScenarioOutcome]: ...
    @property
    def passed(self) -> int: ...
    @property
    def failed(self) -> int: ...
    @property
    def exit_code(self) -> int:
        """0 all passed, 1 some failed, 2 the file (or a process in it) is invalid."""

# --- parts of an engine -------------------------------------------------------------------------

class Store:
    """Where cases live. Thread-safe."""
    def outbox(self, case_id: CaseRef) -> list[Notification]:
        """The case's notifications, in the order they were queued."""

class MemoryStore(Store):
    """Kept in memory; everything is lost with the object."""
    def __init__(self) -> None: ...

class SqliteStore(Store):
    """A SQLite file (WAL); several processes may open one file."""
    @staticmethod
    def open(path: str) -> SqliteStore:
        """Opens (creating when missing) and migrates; Unavailable for a file that is not a
        crmflow store."""
    @property
    def path(self) -> str: ...

def open_store(location: str) -> Store:
    """A SQLite file path, or ``memory:``; ``postgresql://`` is Unavailable for now."""

class Clock:
    def now(self) -> datetime.datetime:
        """The current moment, an aware datetime in UTC."""

class SystemClock(Clock):
    def __init__(self) -> None: ...

class ManualClock(Clock):
    """A clock that moves only when told to; safe to move from any thread."""
    def __init__(self, start: datetime.datetime) -> None: ...
    def set(self, at: datetime.datetime) -> None: ...
    def advance(self, by: datetime.timedelta) -> None:
        """InvalidInput for a negative ``by``."""

class Directory:
    def has_user(self, user: str) -> bool: ...
    def groups_of(self, user: str) -> list[str]: ...
    def members_of(self, group: str) -> list[str]: ...
    def address(self, user: str, channel: str) -> Optional[str]: ...
    def managed_groups(self, user: str) -> list[str]: ...

class MemoryDirectory(Directory):
    """Users held in memory. Fill it before the engine runs on other threads."""
    def __init__(self) -> None: ...
    def add_user(self, user: str, groups: Sequence[str] = ...,
                 addresses: Mapping[str, str] = ...) -> None:
        """Adds or replaces a user; ``addresses`` maps a channel (``sms``) to the address."""
    def set_managed_groups(self, user: str, groups: Sequence[str]) -> None:
        """Makes the user the manager of these groups; NotFound for an unknown user."""

class Calendars:
    """Business calendars (docs/time.md). Immutable."""
    def __init__(self) -> None: ...
    @staticmethod
    def load_file(path: str) -> Calendars:
        """InvalidInput with ``.diagnostics`` when the file has problems."""
    @staticmethod
    def load(text: str, file_name: str = "<string>") -> Calendars: ...
    def names(self) -> list[str]: ...
    def __contains__(self, name: str) -> bool: ...

class Process:
    """A loaded, checked, immutable process definition."""
    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def declared_version(self) -> Optional[int]: ...
    @property
    def content_hash(self) -> str: ...
    @property
    def source_file(self) -> str: ...
    def step_ids(self) -> list[str]: ...
    def draw(self, format: str = "dot") -> str:
        """Graphviz ``dot`` or ``mermaid`` text."""

def load_process(text: str, file_name: str = "<string>",
                 calendars: Optional[Calendars] = None) -> Process:
    """Loads YAML text; InvalidInput (every diagnostic in the message and ``.diagnostics``).
    With ``calendars``, a ``calendar:`` naming another calendar is an error."""

def load_process_file(path: str, calendars: Optional[Calendars] = None) -> Process:
    """As load_process, for a file."""

class Channel:
    """A sender written in Python. Subclass it (call ``super().__init__()`` in your
    ``__init__``) and define ``deliver``. It is called from the thread that runs
    Engine.run_due(), with the GIL held; an exception counts as a Retry."""
    def __init__(self) -> None: ...
    def deliver(self, notification: Notification) -> Union[Delivered, Retry, Failed]: ...

class ChannelRegistry:
    """Channels by the name processes use (``channel: sms``)."""
    def __init__(self) -> None: ...
    @staticmethod
    def load_file(path: str) -> ChannelRegistry:
        """The http, command and file channels of a channels file (docs/channels.md)."""
    def add(self, name: str, channel: Channel) -> None:
        """Adds or replaces; not while an engine delivers on another thread."""
    def names(self) -> list[str]: ...
    def __contains__(self, name: str) -> bool: ...

class DeliveryPolicy:
    """How failing deliveries are retried: ``max_attempts`` in all, a backoff from
    ``first_backoff`` doubling up to ``max_backoff`` (with jitter), a worker's ``lease``."""
    def __init__(self, max_attempts: int = 8,
                 first_backoff: Optional[datetime.timedelta] = None,
                 max_backoff: Optional[datetime.timedelta] = None,
                 lease: Optional[datetime.timedelta] = None) -> None: ...
    @property
    def max_attempts(self) -> int: ...
    @property
    def first_backoff(self) -> datetime.timedelta: ...
    @property
    def max_backoff(self) -> datetime.timedelta: ...
    @property
    def lease(self) -> datetime.timedelta: ...

Handler = Callable[[JobContext], Union[None, Mapping[str, InValue], BusinessError]]

class Engine:
    """Deploys process definitions and runs their cases (docs/python.md).

    Each call that changes a case commits it in one transaction, or changes nothing and raises.
    The engine keeps its store, clock, directory, calendars, channels and handlers alive.
    """
    def __init__(self, store: Store, clock: Optional[Clock] = None,
                 directory: Optional[Directory] = None, calendars: Optional[Calendars] = None,
                 channels: Union[None, ChannelRegistry, Mapping[str, Channel]] = None,
                 delivery: Optional[DeliveryPolicy] = None) -> None:
        """``clock`` None: the system clock. ``directory`` None: every user is unknown.
        ``channels`` None: notifications stay pending in the store."""
    def add_handler(self, name: str, handler: Handler) -> None:
        """Registers a service handler (before run_due runs on other threads). It returns a
        dict (ok), None (ok, no fields), or raises/returns a BusinessError; any other exception
        is a technical failure, retried with backoff, then an incident."""
    def deploy(self, process: Process) -> Deployment: ...
    def start(self, process_id: str, *, key: str = "", by: str = "", vars: Vars = None,
              version: Optional[int] = None) -> int:
        """Starts a case and runs it until it waits; returns its id."""
    def get_case(self, case_id: CaseRef) -> Case: ...
    def cases(self, *, process_id: str = "", status: Optional[str] = None, key: str = "",
              limit: int = 0, offset: int = 0) -> list[Case]: ...
    def task(self, task_id: TaskRef) -> Task: ...
    def tasks(self, *, user: str = "", group: str = "", manager: str = "",
              case_id: Optional[CaseRef] = None, step_id: str = "", overdue_only: bool = False,
              limit: int = 0, offset: int = 0) -> list[Task]:
        """Open tasks: priority (highest first), then due (earliest first), then id."""
    def history(self, case_id: CaseRef) -> list[HistoryEvent]: ...
    def waiting(self, case_id: CaseRef) -> list[Waiting]: ...
    def complete(self, task: TaskRef, *, by: str, vars: Vars = None,
                 admin_override: bool = False) -> None: ...
    def may_complete(self, task: TaskRef, *, by: str) -> bool: ...
    def claim(self, task: TaskRef, *, by: str) -> None: ...
    def unclaim(self, task: TaskRef, *, by: str) -> None: ...
    def delegate(self, task: TaskRef, *, by: str, to: str) -> None: ...
    def reassign(self, task: TaskRef, *, by: str, to: str = "",
                 admin_override: bool = False) -> None:
        """On a manager's authority; ``to`` empty: back to the candidates."""
    def correlate(self, name: str, key: str = "", *, vars: Vars = None) -> list[int]:
        """Delivers a message; returns the ids of the cases reached (NotFound: none)."""
    def signal(self, name: str, *, vars: Vars = None) -> list[int]: ...
    def cancel(self, case_id: CaseRef, reason: str = "") -> None: ...
    def retry(self, case_id: CaseRef, step_id: str, *, vars: Vars = None) -> None: ...
    def run_due(self, now: Optional[datetime.datetime] = None, *, max_items: int = 0) -> int:
        """Fires the jobs due at ``now`` (default: the engine's clock), then delivers the
        notifications due; returns how many jobs and deliveries it did."""
    def next_due(self) -> Optional[datetime.datetime]: ...

def run_scenario_file(path: str, *, store: str = "as_file") -> ScenarioFileOutcome:
    """Runs a scenario file; ``store`` is ``as_file``, ``memory`` or ``sqlite``."""

def run_scenario_text(text: str, file_name: str, *, store: str = "as_file") -> ScenarioFileOutcome:
    """As run_scenario_file for a text; relative paths start at ``file_name``'s folder."""
