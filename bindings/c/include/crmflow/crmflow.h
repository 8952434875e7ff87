/* crmflow: the C API, for C programs and for other languages through their C foreign-function
 * interfaces. docs/c-api.md has a full example.
 *
 *   char* err = NULL;
 *   crmflow_store_t* store = crmflow_store_open("crm.db", &err);
 *   crmflow_engine_t* engine = crmflow_engine_create(store, NULL, NULL, NULL, NULL, &err);
 *   crmflow_free(crmflow_engine_deploy_file(engine, "phone-repair.yaml", &err));
 *   int64_t id = crmflow_engine_start(engine, "phone-repair",
 *                                     "{\"key\": \"R-1001\", \"vars\": {...}}", &err);
 *   if (err != NULL) { fprintf(stderr, "%s\n", err); crmflow_free(err); }
 *   crmflow_engine_destroy(engine);
 *   crmflow_store_destroy(store);
 *
 * ERRORS. Every call that can fail takes `char** errptr` as its last argument (it may be NULL
 * when the caller does not want the message). On entry a non-NULL *errptr is freed and set to
 * NULL; on failure *errptr receives a string "CODE: message" (CODE one of not_found,
 * not_authorized, invalid_input, invalid_state, conflict, unavailable, internal; the same codes
 * as the library and the command line), which the caller frees with crmflow_free. So after a
 * call, *errptr is NULL exactly when it succeeded. crmflow_error_code_of turns the string into
 * a crmflow_error_code. Calls that return a status return that code too (CRMFLOW_OK on
 * success); calls that return a pointer return NULL on failure; calls that return an id return
 * 0 on failure (ids are never 0). No C++ exception ever leaves this API: anything unexpected is
 * reported as `internal`.
 *
 * TEXT AND MEMORY. Strings in and out are UTF-8, NUL-terminated. Every `char*` this API returns
 * was allocated for the caller, who frees it with crmflow_free (and nothing else). Strings
 * passed in are only read during the call. Variables, queries, options and records are JSON
 * texts (RFC 8259): tasks, cases, waits and history events have the shapes of the command
 * line's --json output (spec/cli.md, docs/cli-queries.md). JSON given to the API may carry
 * dates as {"$date": "2026-02-02"} (also $datetime, $duration); JSON coming out writes them as
 * ISO 8601 strings. Moments are milliseconds since 1970-01-01T00:00:00Z (int64_t) in calls and
 * RFC 3339 strings in JSON.
 *
 * LIFETIMES. Handles (crmflow_store_t, ...) are created by a *_create / *_open / *_load call and
 * released by the matching *_destroy (NULL is accepted and ignored). An engine keeps what it was
 * created with alive: the store, clock, directory, channels and calendars may be destroyed in
 * any order, before or after the engine; the objects themselves go when the last user does.
 *
 * THREADS. Functions on different handles may run on different threads. One engine may be used
 * from several threads at once (its stores, clocks, directories, channels and calendars allow
 * it) provided that nothing is being added to it or to them meanwhile: fill directories (add
 * user), channel sets (add) and the engine's handlers before concurrent use. Handler and channel
 * callbacks run on the thread that called crmflow_engine_run_due (or the engine call that
 * fired them) and must allow concurrent calls when several threads call run_due.
 */
#ifndef CRMFLOW_CRMFLOW_H_
#define CRMFLOW_CRMFLOW_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Errors and memory -------------------------------------------------------------------- */

typedef enum crmflow_error_code {
  CRMFLOW_OK = 0,
  CRMFLOW_NOT_FOUND = 1,      /* no such process, case, task, step, or message receiver */
  CRMFLOW_NOT_AUTHORIZED = 2, /* the user may not act on that task */
  CRMFLOW_INVALID_INPUT = 3,  /* malformed JSON or YAML, a failed form or variable check */
  CRMFLOW_INVALID_STATE = 4,  /* exists, but does not allow this now (an ended case) */
  CRMFLOW_CONFLICT = 5,       /* someone else holds it, or it changed underneath the call */
  CRMFLOW_UNAVAILABLE = 6,    /* a store or channel could not be reached; retrying may help */
  CRMFLOW_INTERNAL = 7        /* a bug in crmflow, or memory ran out */
} crmflow_error_code;

/* The code of an error string this API produced ("not_found: ..." gives CRMFLOW_NOT_FOUND);
 * CRMFLOW_OK for NULL; CRMFLOW_INTERNAL for a string that does not start with a known code. */
crmflow_error_code crmflow_error_code_of(const char* error);

/* "not_found", "invalid_input", ... for a code; "ok" for CRMFLOW_OK. A static string. */
const char* crmflow_error_code_name(crmflow_error_code code);

/* Frees a string this API returned (results, errors). NULL is ignored. */
void crmflow_free(void* p);

/* A copy of `text` that the API may free: what callbacks put in their out-structs. NULL when
 * `text` is NULL or memory runs out. */
char* crmflow_strdup(const char* text);

/* ---- Stores ------------------------------------------------------------------------------- */

typedef struct crmflow_store_t crmflow_store_t;

/* A store in memory, gone when the last handle to it is destroyed. NULL only when memory runs
 * out. */
crmflow_store_t* crmflow_store_create_memory(void);
/* The SQLite store in the file at `path` (created when missing). Errors: unavailable (cannot
 * open, not a crmflow store, a newer schema, locked), invalid_input (empty path). */
crmflow_store_t* crmflow_store_open_sqlite(const char* path, char** errptr);
/* A store from a location as the command line's --db takes it: a SQLite file path, `memory:`,
 * or a `postgresql://` URI (unavailable until that store exists). */
crmflow_store_t* crmflow_store_open(const char* location, char** errptr);
void crmflow_store_destroy(crmflow_store_t* store);

/* ---- Clocks ------------------------------------------------------------------------------- */

typedef struct crmflow_clock_t crmflow_clock_t;

/* The wall clock of this machine, to the millisecond. */
crmflow_clock_t* crmflow_clock_create_system(void);
/* A clock that moves only through crmflow_clock_set and crmflow_clock_advance; starts at
 * `start_ms` (milliseconds since the epoch). */
crmflow_clock_t* crmflow_clock_create_manual(int64_t start_ms);
/* Milliseconds since the epoch; 0 for a NULL clock. */
int64_t crmflow_clock_now(const crmflow_clock_t* clock);
/* Moves a manual clock to `at_ms`. Errors: invalid_state for a system clock. */
crmflow_error_code crmflow_clock_set(crmflow_clock_t* clock, int64_t at_ms, char** errptr);
/* Moves a manual clock forward. Errors: invalid_input for by_ms < 0; invalid_state for a
 * system clock. */
crmflow_error_code crmflow_clock_advance(crmflow_clock_t* clock, int64_t by_ms, char** errptr);
void crmflow_clock_destroy(crmflow_clock_t* clock);

/* ---- Directory of users ------------------------------------------------------------------- */

typedef struct crmflow_directory_t crmflow_directory_t;

/* An empty directory (every user is unknown until added). */
crmflow_directory_t* crmflow_directory_create(void);
/* The directory of a users file (the command line's --users; examples/settings/users.yaml): a
 * map `NAME: {groups: [...], manages: [...], CHANNEL: ADDRESS, ...}`, bare or under `users:`.
 * Errors: invalid_input naming the file and each problem (unreadable, not YAML, a bad entry). */
crmflow_directory_t* crmflow_directory_load_file(const char* path, char** errptr);
/* Adds (or replaces) one user. `user_json` is the user's entry of a users file as JSON, e.g.
 * {"groups": ["reception"], "manages": ["technicians"], "sms": "+989120000001"}, or NULL for a
 * user in no group with no address. Errors: invalid_input (empty name, a bad entry). */
crmflow_error_code crmflow_directory_add_user(crmflow_directory_t* directory, const char* user,
                                              const char* user_json, char** errptr);
void crmflow_directory_destroy(crmflow_directory_t* directory);

/* ---- Business calendars ------------------------------------------------------------------- */

typedef struct crmflow_calendars_t crmflow_calendars_t;

/* The calendars of a calendars file (examples/settings/calendars.yaml). Errors: invalid_input
 * listing each problem as FILE:LINE:COL, one per line. */
crmflow_calendars_t* crmflow_calendars_load_file(const char* path, char** errptr);
void crmflow_calendars_destroy(crmflow_calendars_t* calendars);

/* ---- Channels: where notifications are delivered ------------------------------------------ */

typedef struct crmflow_channels_t crmflow_channels_t;

typedef enum crmflow_delivery_kind {
  CRMFLOW_DELIVERED = 0, /* the receiver accepted it; `detail`: its receipt (optional) */
  CRMFLOW_RETRY = 1,     /* a transient failure: try again later; `detail`: the error */
  CRMFLOW_FAILED = 2     /* a permanent failure: never retried; `detail`: the error */
} crmflow_delivery_kind;

/* What a channel callback answers. The API sets kind = CRMFLOW_DELIVERED, detail = NULL and
 * retry_after_ms = -1 before the call. `detail`, when set, must come from crmflow_strdup (or
 * malloc); the API frees it. */
typedef struct crmflow_delivery {
  crmflow_delivery_kind kind;
  char* detail;
  /* CRMFLOW_RETRY: wait at least this long (an HTTP Retry-After); < 0: the engine's backoff. */
  int64_t retry_after_ms;
} crmflow_delivery;

/* Delivers one notification, given as JSON: {"id", "case", "step", "channel", "to", "subject",
 * "text", "at", "idempotency_key", "segments", "attempts" (made before this one)}. The text
 * is only valid during the call. A notification may be delivered more than once (a retry, a crash
 * between sending and recording): pass idempotency_key on to the receiver. */
typedef void (*crmflow_channel_fn)(void* user_data, const char* notification_json,
                                   crmflow_delivery* outcome);

/* An empty set of channels. */
crmflow_channels_t* crmflow_channels_create(void);
/* The channels of a channels file (the command line's --channels: http, command and file
 * channels). Errors: invalid_input listing each problem as FILE:LINE:COL, one per line. */
crmflow_channels_t* crmflow_channels_load_file(const char* path, char** errptr);
/* Adds (or replaces) the channel `name` ("sms", "email", ...) with a callback. `user_data` is
 * passed to every call; it stays the caller's and must outlive every engine using the set.
 * Errors: invalid_input for an empty name or a NULL callback. */
crmflow_error_code crmflow_channels_add(crmflow_channels_t* channels, const char* name,
                                        crmflow_channel_fn callback, void* user_data,
                                        char** errptr);
void crmflow_channels_destroy(crmflow_channels_t* channels);

/* ---- The engine --------------------------------------------------------------------------- */

typedef struct crmflow_engine_t crmflow_engine_t;

/* An engine over `store`. The others may be NULL: the system clock; a directory where every
 * user is unknown; no channels (notifications stay pending in the store); no calendars. With
 * calendars, deployed definitions may only name calendars among them. Errors: invalid_input
 * for a NULL store. */
crmflow_engine_t* crmflow_engine_create(crmflow_store_t* store, crmflow_clock_t* clock,
                                        crmflow_directory_t* directory,
                                        crmflow_channels_t* channels,
                                        crmflow_calendars_t* calendars, char** errptr);
void crmflow_engine_destroy(crmflow_engine_t* engine);

/* Deploys a process definition from YAML text (`file_name` names it in diagnostics) or from a
 * file. Returns {"process": ID, "version": N, "changed": BOOL} (changed false: the latest
 * version already had this content). Errors: invalid_input listing every problem of the file,
 * one per line, each "FILE:LINE:COL: error: MESSAGE"; conflict (a declared version deployed
 * with other content); the store's. */
char* crmflow_engine_deploy_yaml(crmflow_engine_t* engine, const char* yaml_text,
                                 const char* file_name, char** errptr);
char* crmflow_engine_deploy_file(crmflow_engine_t* engine, const char* path, char** errptr);

/* ---- Service handlers --------------------------------------------------------------------- */

typedef enum crmflow_handler_kind {
  CRMFLOW_HANDLER_OK = 0,     /* success; `result_json`: an object of result fields, or NULL */
  CRMFLOW_HANDLER_ERROR = 1,  /* a business error `error_code` (a boundary `error` event may
                                 catch it; never retried), with an optional `message` */
  CRMFLOW_HANDLER_FAILURE = 2 /* a technical failure `message`: retried, then an incident */
} crmflow_handler_kind;

/* What a handler callback answers. The API zeroes it (kind CRMFLOW_HANDLER_OK, every string
 * NULL) before the call. Strings, when set, must come from crmflow_strdup (or malloc); the API
 * frees them. A result_json that is not a JSON object counts as a failure naming the problem. */
typedef struct crmflow_handler_result {
  crmflow_handler_kind kind;
  char* result_json;
  char* error_code;
  char* message;
} crmflow_handler_result;

/* Runs one service job, given as JSON: {"case", "process", "step", "handler", "key", "input",
 * "attempt", "now", "idempotency_key"}. The text is only valid during the call. A job may run
 * more than once (a crash, a lost lease): key side effects on idempotency_key. */
typedef void (*crmflow_handler_fn)(void* user_data, const char* job_json,
                                   crmflow_handler_result* result);

/* Registers (or replaces) the handler `name` that `service` steps call. `user_data` is passed to
 * every call; it stays the caller's and must outlive the engine. Register handlers before the
 * engine is used from several threads. Errors: invalid_input for an empty name or a NULL
 * callback. */
crmflow_error_code crmflow_engine_add_handler(crmflow_engine_t* engine, const char* name,
                                              crmflow_handler_fn callback, void* user_data,
                                              char** errptr);

/* ---- Cases and tasks ---------------------------------------------------------------------- */

/* Starts a case and runs it until it waits; returns its id (0 on failure). `options_json`
 * (NULL: none) is {"key": TEXT, "by": USER, "vars": {...}, "version": N}, each optional.
 * Errors: not_found (no such process or version); invalid_input (a variable check naming the
 * variable, malformed options). */
int64_t crmflow_engine_start(crmflow_engine_t* engine, const char* process_id,
                             const char* options_json, char** errptr);

/* Completes a task. `options_json` is {"by": USER, "vars": {...}, "admin_override": BOOL}.
 * Errors: not_found; invalid_state (not open, case ended); not_authorized (`by` unknown, not
 * the assignee, not a candidate); invalid_input (the form check, naming the field). A refused
 * call changes nothing. */
crmflow_error_code crmflow_engine_complete(crmflow_engine_t* engine, int64_t task_id,
                                           const char* options_json, char** errptr);
/* Assigns an open task to `by`, a candidate. Errors: as complete; conflict when someone else
 * holds it. */
crmflow_error_code crmflow_engine_claim(crmflow_engine_t* engine, int64_t task_id, const char* by,
                                        char** errptr);
/* Returns a task to its candidates (only its assignee may). Errors: as complete; invalid_state
 * when it is not assigned. */
crmflow_error_code crmflow_engine_unclaim(crmflow_engine_t* engine, int64_t task_id, const char* by,
                                          char** errptr);
/* Hands a task to `to`: only its assignee, or a candidate of an unassigned task, may. */
crmflow_error_code crmflow_engine_delegate(crmflow_engine_t* engine, int64_t task_id,
                                           const char* by, const char* to, char** errptr);
/* Gives a task to another user (or back to its candidates when "to" is empty or absent) on a
 * manager's authority. `options_json` is {"by": MANAGER, "to": USER, "admin_override": BOOL}.
 * Errors: as complete; not_authorized when `by` manages none of the task's groups. */
crmflow_error_code crmflow_engine_reassign(crmflow_engine_t* engine, int64_t task_id,
                                           const char* options_json, char** errptr);

/* Open tasks as a JSON array, each {"id", "case", "process", "step", "name", "assignee",
 * "candidates": {"users", "groups"}, "priority", "due", "created", "overdue"}. `query_json`
 * (NULL: every open task) is {"user", "group", "manager", "case", "step", "overdue_only",
 * "limit", "offset"}, each optional (see crmflow::TaskQuery). */
char* crmflow_engine_tasks(crmflow_engine_t* engine, const char* query_json, char** errptr);
/* One task (open or not) as above, with "status" and "completed_by". Errors: not_found. */
char* crmflow_engine_task(crmflow_engine_t* engine, int64_t task_id, char** errptr);

/* A case as JSON: {"id", "process", "version", "key", "status", "progress", "started_at",
 * "ended_at", "active", "initiator", "parent", "variables", "path", "incidents"} (what
 * `crmflow show --json` gives, without the waits and notifications). Errors: not_found. */
char* crmflow_engine_get_case(crmflow_engine_t* engine, int64_t case_id, char** errptr);
/* Cases as a JSON array of {"id", "process", "version", "key", "status", "progress",
 * "started_at", "ended_at", "active"}. `query_json` (NULL: all) is {"process", "status", "key",
 * "limit", "offset"}. */
char* crmflow_engine_cases(crmflow_engine_t* engine, const char* query_json, char** errptr);
/* The case's history as a JSON array, in order, each {"sequence", "at", "event", "step",
 * "task", "by", "data"}. Errors: not_found. */
char* crmflow_engine_history(crmflow_engine_t* engine, int64_t case_id, char** errptr);
/* What the case waits for, a JSON array of {"step", "kind", "since", "boundary", ...the fields
 * of the kind} as `crmflow show --json` gives them. Errors: not_found. */
char* crmflow_engine_waiting(crmflow_engine_t* engine, int64_t case_id, char** errptr);

/* ---- Messages, signals, operators --------------------------------------------------------- */

/* Delivers message `name` with `key` (may be empty) to the cases waiting for it, or starts the
 * processes it triggers. `vars_json`: an object or NULL. Returns the ids of the cases reached
 * as a JSON array. Errors: not_found (nobody waits and no trigger). */
char* crmflow_engine_correlate(crmflow_engine_t* engine, const char* name, const char* key,
                               const char* vars_json, char** errptr);
/* Delivers a signal to every case waiting for it; the JSON array of ids may be empty. */
char* crmflow_engine_signal(crmflow_engine_t* engine, const char* name, const char* vars_json,
                            char** errptr);
/* Ends a case (`reason` may be NULL). Errors: not_found; invalid_state when it has ended. */
crmflow_error_code crmflow_engine_cancel(crmflow_engine_t* engine, int64_t case_id,
                                         const char* reason, char** errptr);
/* Resolves the open incident at `step_id` after merging `vars_json` (an object or NULL), and
 * runs the step again. Errors: not_found; invalid_state (no open incident at that step). */
crmflow_error_code crmflow_engine_retry(crmflow_engine_t* engine, int64_t case_id,
                                        const char* step_id, const char* vars_json, char** errptr);

/* ---- Time --------------------------------------------------------------------------------- */

/* What one crmflow_engine_run_due call did. */
typedef struct crmflow_run_due_counts {
  size_t jobs;       /* jobs fired (timers, service jobs, alarms) or set aside */
  size_t deliveries; /* delivery attempts through channels */
} crmflow_run_due_counts;

/* Fires every job due at or before `now_ms`, then delivers the notifications due through the
 * engine's channels. Handler and channel callbacks run inside this call. `counts` may be NULL.
 * Errors: the store's unavailable (what was done before stays done). */
crmflow_error_code crmflow_engine_run_due(crmflow_engine_t* engine, int64_t now_ms,
                                          crmflow_run_due_counts* counts, char** errptr);
/* The earliest moment run_due has something to do, in *due_ms. Returns 1 when there is one, 0
 * when nothing is scheduled, -1 on failure (*due_ms untouched unless 1). */
int crmflow_engine_next_due(crmflow_engine_t* engine, int64_t* due_ms, char** errptr);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* CRMFLOW_CRMFLOW_H_ */
