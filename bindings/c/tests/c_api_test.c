/* The C API driven from C (compiled as C11): the phone-repair example end to end on a SQLite
 * store in a temporary folder and on the memory store, a service handler and an SMS channel as
 * C callbacks, and the error convention. Usage: crmflow_c_api_test EXAMPLES_FOLDER. */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crmflow/crmflow.h"

static int failures = 0;

#define CHECK(condition)                                                            \
  do {                                                                              \
    if (!(condition)) {                                                             \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #condition); \
      ++failures;                                                                   \
    }                                                                               \
  } while (0)

/* The call succeeded: no error string. */
#define CHECK_OK(err)                                                              \
  do {                                                                             \
    if ((err) != NULL) {                                                           \
      fprintf(stderr, "%s:%d: unexpected error: %s\n", __FILE__, __LINE__, (err)); \
      ++failures;                                                                  \
      crmflow_free(err);                                                           \
      (err) = NULL;                                                                \
    }                                                                              \
  } while (0)

static int contains(const char* text, const char* part) {
  return text != NULL && strstr(text, part) != NULL;
}

static int starts_with(const char* text, const char* prefix) {
  return text != NULL && strncmp(text, prefix, strlen(prefix)) == 0;
}

/* The integer after the first `"member":` in compact JSON; -1 when absent. */
static int64_t json_int(const char* json, const char* member) {
  char pattern[64];
  snprintf(pattern, sizeof pattern, "\"%s\":", member);
  const char* at = json == NULL ? NULL : strstr(json, pattern);
  return at == NULL ? -1 : (int64_t)strtoll(at + strlen(pattern), NULL, 10);
}

/* 2026-01-03T05:30:00Z: Saturday 09:00 in Tehran, inside the shop's working hours. */
static const int64_t kStartMs = INT64_C(1767418200000);
static const int64_t kHourMs = INT64_C(3600000);

static const char* examples = NULL;

static void example_path(char* out, size_t size, const char* name) {
  snprintf(out, size, "%s/%s", examples, name);
}

/* ---- The SMS channel: keeps what it is given ---------------------------------------------- */

typedef struct sms_box {
  int count;
  char last[4096]; /* the last notification's JSON */
} sms_box;

static void on_sms(void* user_data, const char* notification_json, crmflow_delivery* outcome) {
  sms_box* box = (sms_box*)user_data;
  box->count++;
  snprintf(box->last, sizeof box->last, "%s", notification_json);
  outcome->kind = CRMFLOW_DELIVERED;
  outcome->detail = crmflow_strdup("panel-receipt-1");
}

/* ---- A service handler: looks a customer up, or fails when told to ------------------------ */

typedef struct lookup_state {
  int calls;
  int fail;        /* nonzero: answer a technical failure */
  char last[2048]; /* the last job's JSON */
} lookup_state;

static void on_lookup(void* user_data, const char* job_json, crmflow_handler_result* result) {
  lookup_state* state = (lookup_state*)user_data;
  state->calls++;
  snprintf(state->last, sizeof state->last, "%s", job_json);
  if (state->fail) {
    result->kind = CRMFLOW_HANDLER_FAILURE;
    result->message = crmflow_strdup("the CRM did not answer");
    return;
  }
  result->kind = CRMFLOW_HANDLER_OK;
  result->result_json = crmflow_strdup("{\"name\": \"رضا رضایی\", \"vip\": true}");
}

static const char kLookupProcess[] =
    "process: lookup-demo\n"
    "variables:\n"
    "  phone: {type: string, required: true}\n"
    "steps:\n"
    "  - id: lookup\n"
    "    type: service\n"
    "    handler: crm.lookup\n"
    "    input: {phone: \"= phone\"}\n"
    "    output: {customer_name: \"= result.name\"}\n"
    "    retries: 0\n"
    "  - id: done\n"
    "    type: end\n";

/* ---- The scenario ------------------------------------------------------------------------- */

/* The open task of `step` in the worklist query; 0 when there is none. */
static int64_t task_of(crmflow_engine_t* engine, const char* query, const char* step) {
  char* err = NULL;
  char* tasks = crmflow_engine_tasks(engine, query, &err);
  CHECK_OK(err);
  char wanted[128];
  snprintf(wanted, sizeof wanted, "\"step\":\"%s\"", step);
  int64_t id = contains(tasks, wanted) ? json_int(tasks, "id") : 0;
  crmflow_free(tasks);
  return id;
}

static void refusals(crmflow_engine_t* engine, int64_t case_id, int64_t task) {
  char* err = NULL;
  char* history_before = crmflow_engine_history(engine, case_id, &err);
  CHECK_OK(err);
  char* task_before = crmflow_engine_task(engine, task, &err);
  CHECK_OK(err);

  /* sara is a technician, not a receptionist. */
  crmflow_error_code code = crmflow_engine_complete(
      engine, task, "{\"by\": \"sara\", \"vars\": {\"device\": \"A52\", \"fault\": \"x\"}}", &err);
  CHECK(code == CRMFLOW_NOT_AUTHORIZED);
  CHECK(starts_with(err, "not_authorized: "));
  CHECK(crmflow_error_code_of(err) == CRMFLOW_NOT_AUTHORIZED);

  /* The form needs `fault`. A failed call's error is freed by the next call taking errptr. */
  code = crmflow_engine_complete(engine, task, "{\"by\": \"ali\", \"vars\": {\"device\": \"A52\"}}",
                                 &err);
  CHECK(code == CRMFLOW_INVALID_INPUT);
  CHECK(starts_with(err, "invalid_input: ") && contains(err, "fault"));

  /* Malformed options, and a misspelt option. */
  code = crmflow_engine_complete(engine, task, "{\"by\": ", &err);
  CHECK(code == CRMFLOW_INVALID_INPUT && contains(err, "invalid JSON"));
  code = crmflow_engine_complete(engine, task, "{\"user\": \"ali\"}", &err);
  CHECK(code == CRMFLOW_INVALID_INPUT && contains(err, "'user'"));

  /* Unknown ids. */
  code = crmflow_engine_complete(engine, 999999, "{\"by\": \"ali\"}", &err);
  CHECK(code == CRMFLOW_NOT_FOUND && crmflow_error_code_of(err) == CRMFLOW_NOT_FOUND);
  CHECK(crmflow_engine_claim(engine, 999999, "ali", &err) == CRMFLOW_NOT_FOUND);
  CHECK(crmflow_engine_get_case(engine, 999999, &err) == NULL);
  CHECK(crmflow_error_code_of(err) == CRMFLOW_NOT_FOUND);
  CHECK(crmflow_engine_history(engine, 999999, &err) == NULL);
  CHECK(crmflow_error_code_of(err) == CRMFLOW_NOT_FOUND);
  CHECK(crmflow_engine_start(engine, "no-such-process", NULL, &err) == 0);
  CHECK(crmflow_error_code_of(err) == CRMFLOW_NOT_FOUND);
  CHECK(crmflow_engine_correlate(engine, "no-such-message", "R-1", NULL, &err) == NULL);
  CHECK(crmflow_error_code_of(err) == CRMFLOW_NOT_FOUND);
  crmflow_free(err);
  err = NULL;

  /* Nothing changed. */
  char* history_after = crmflow_engine_history(engine, case_id, &err);
  CHECK_OK(err);
  char* task_after = crmflow_engine_task(engine, task, &err);
  CHECK_OK(err);
  CHECK(history_before != NULL && history_after != NULL &&
        strcmp(history_before, history_after) == 0);
  CHECK(task_before != NULL && task_after != NULL && strcmp(task_before, task_after) == 0);
  crmflow_free(history_before);
  crmflow_free(history_after);
  crmflow_free(task_before);
  crmflow_free(task_after);
}

/* Phone repair from reception to repair, then cancelled; returns the case id (0 on failure). */
static int64_t phone_repair(crmflow_store_t* store) {
  char path[4096];
  char* err = NULL;
  crmflow_clock_t* clock = crmflow_clock_create_manual(kStartMs);
  example_path(path, sizeof path, "settings/users.yaml");
  crmflow_directory_t* directory = crmflow_directory_load_file(path, &err);
  CHECK_OK(err);
  example_path(path, sizeof path, "settings/calendars.yaml");
  crmflow_calendars_t* calendars = crmflow_calendars_load_file(path, &err);
  CHECK_OK(err);
  sms_box sms = {0, {0}};
  crmflow_channels_t* channels = crmflow_channels_create();
  CHECK(crmflow_channels_add(channels, "sms", on_sms, &sms, &err) == CRMFLOW_OK);
  crmflow_engine_t* engine =
      crmflow_engine_create(store, clock, directory, channels, calendars, &err);
  CHECK_OK(err);
  if (engine == NULL) return 0;
  /* The engine keeps these alive: their handles may go now. */
  crmflow_directory_destroy(directory);
  crmflow_channels_destroy(channels);
  crmflow_calendars_destroy(calendars);

  /* Deploy: the example, then a broken definition (every problem, each at its place). */
  example_path(path, sizeof path, "phone-repair.yaml");
  char* deployed = crmflow_engine_deploy_file(engine, path, &err);
  CHECK_OK(err);
  CHECK(contains(deployed, "\"process\":\"phone-repair\"") && contains(deployed, "\"version\":1"));
  crmflow_free(deployed);
  CHECK(crmflow_engine_deploy_yaml(engine,
                                   "process: broken\nsteps:\n  - id: a\n    type: usr\n"
                                   "  - id: b\n    type: user\n    asignee: ali\n",
                                   "broken.yaml", &err) == NULL);
  CHECK(crmflow_error_code_of(err) == CRMFLOW_INVALID_INPUT);
  CHECK(contains(err, "broken.yaml:4:") && contains(err, "broken.yaml:7:") && contains(err, "\n"));
  crmflow_free(err);
  err = NULL;

  /* Start with Persian text; it comes back byte for byte. */
  int64_t case_id =
      crmflow_engine_start(engine, "phone-repair",
                           "{\"key\": \"R-1001\", \"by\": \"ali\", \"vars\": {\"customer\": "
                           "{\"name\": \"رضا\", \"phone\": \"09121234567\"}}}",
                           &err);
  CHECK_OK(err);
  CHECK(case_id > 0);
  CHECK(crmflow_engine_start(engine, "phone-repair", "{\"key\": \"R-1002\"}", &err) == 0);
  CHECK(crmflow_error_code_of(err) == CRMFLOW_INVALID_INPUT && contains(err, "customer"));
  crmflow_free(err);
  err = NULL;
  char* c = crmflow_engine_get_case(engine, case_id, &err);
  CHECK_OK(err);
  CHECK(contains(c, "\"customer\":{\"name\":\"رضا\",\"phone\":\"09121234567\"}"));
  CHECK(contains(c, "\"key\":\"R-1001\"") && contains(c, "\"status\":\"active\""));
  CHECK(contains(c, "\"initiator\":\"ali\"") && contains(c, "\"active\":[\"reception\"]"));
  crmflow_free(c);

  /* Worklists: reception is ali's and neda's, not sara's. */
  int64_t reception = task_of(engine, "{\"user\": \"ali\"}", "reception");
  CHECK(reception > 0);
  char* none = crmflow_engine_tasks(engine, "{\"user\": \"sara\"}", &err);
  CHECK_OK(err);
  CHECK(none != NULL && strcmp(none, "[]") == 0);
  crmflow_free(none);

  refusals(engine, case_id, reception);

  /* Claim, give back, claim, complete. */
  CHECK(crmflow_engine_claim(engine, reception, "ali", &err) == CRMFLOW_OK);
  CHECK(crmflow_engine_claim(engine, reception, "neda", &err) == CRMFLOW_CONFLICT);
  CHECK(crmflow_engine_unclaim(engine, reception, "ali", &err) == CRMFLOW_OK);
  CHECK(crmflow_engine_claim(engine, reception, "ali", &err) == CRMFLOW_OK);
  char* mine = crmflow_engine_tasks(engine, "{\"user\": \"ali\"}", &err);
  CHECK(contains(mine, "\"assignee\":\"ali\""));
  crmflow_free(mine);
  CHECK(crmflow_engine_complete(engine, reception,
                                "{\"by\": \"ali\", \"vars\": {\"device\": \"A52\", "
                                "\"fault\": \"صفحه نمایش شکسته\"}}",
                                &err) == CRMFLOW_OK);
  CHECK_OK(err);

  /* The customer's SMS goes out through the C channel. */
  crmflow_run_due_counts counts = {0, 0};
  CHECK(crmflow_engine_run_due(engine, crmflow_clock_now(clock), &counts, &err) == CRMFLOW_OK);
  CHECK_OK(err);
  CHECK(sms.count == 1 && counts.deliveries == 1);
  CHECK(contains(sms.last, "\"to\":\"09121234567\"") && contains(sms.last, "رضا عزیز") &&
        contains(sms.last, "A52") && contains(sms.last, "\"channel\":\"sms\""));

  /* Diagnosis: claimed, delegated, reassigned by the technicians' manager, completed. */
  int64_t diagnose = task_of(engine, "{\"group\": \"technicians\"}", "diagnose");
  CHECK(diagnose > 0);
  CHECK(crmflow_engine_claim(engine, diagnose, "sara", &err) == CRMFLOW_OK);
  CHECK(crmflow_engine_delegate(engine, diagnose, "sara", "omid", &err) == CRMFLOW_OK);
  CHECK(crmflow_engine_reassign(engine, diagnose, "{\"by\": \"ali\", \"to\": \"sara\"}", &err) ==
        CRMFLOW_NOT_AUTHORIZED);
  CHECK(crmflow_engine_reassign(engine, diagnose, "{\"by\": \"maryam\", \"to\": \"sara\"}", &err) ==
        CRMFLOW_OK);
  CHECK_OK(err);
  char* task = crmflow_engine_task(engine, diagnose, &err);
  CHECK(contains(task, "\"assignee\":\"sara\"") && contains(task, "\"status\":\"open\""));
  crmflow_free(task);
  CHECK(crmflow_clock_advance(clock, kHourMs, &err) == CRMFLOW_OK);
  CHECK(crmflow_engine_complete(engine, diagnose,
                                "{\"by\": \"sara\", \"vars\": {\"diagnosis\": \"باتری خراب\", "
                                "\"cost\": 500000}}",
                                &err) == CRMFLOW_OK);
  CHECK_OK(err);
  CHECK(crmflow_engine_run_due(engine, crmflow_clock_now(clock), NULL, &err) == CRMFLOW_OK);
  CHECK(sms.count == 3); /* diagnosed, then in repair */
  CHECK(contains(sms.last, "در حال تعمیر"));

  char* waiting = crmflow_engine_waiting(engine, case_id, &err);
  CHECK_OK(err);
  CHECK(contains(waiting, "\"step\":\"repair\"") && contains(waiting, "\"kind\":\"task\""));
  crmflow_free(waiting);
  int64_t due = 0;
  CHECK(crmflow_engine_next_due(engine, &due, &err) == 1 && due > crmflow_clock_now(clock));

  char* history = crmflow_engine_history(engine, case_id, &err);
  CHECK_OK(err);
  CHECK(contains(history, "\"event\":\"case_started\"") &&
        contains(history, "\"event\":\"task_claimed\"") &&
        contains(history, "\"event\":\"task_delegated\"") &&
        contains(history, "\"reassigned\":true") &&
        contains(history, "\"event\":\"notification_sent\"") &&
        contains(history, "\"by\":\"sara\"") && contains(history, "\"sequence\":1,"));
  crmflow_free(history);

  /* Messages nobody waits for, signals nobody listens to, the end of the case. */
  char* reached = crmflow_engine_signal(engine, "nobody-listens", NULL, &err);
  CHECK_OK(err);
  CHECK(reached != NULL && strcmp(reached, "[]") == 0);
  crmflow_free(reached);
  CHECK(crmflow_engine_cancel(engine, case_id, "customer withdrew", &err) == CRMFLOW_OK);
  CHECK(crmflow_engine_cancel(engine, case_id, NULL, &err) == CRMFLOW_INVALID_STATE);
  CHECK(starts_with(err, "invalid_state: "));
  crmflow_free(err);
  err = NULL;
  char* cases = crmflow_engine_cases(engine, "{\"status\": \"cancelled\"}", &err);
  CHECK_OK(err);
  CHECK(json_int(cases, "id") == case_id);
  crmflow_free(cases);

  crmflow_engine_destroy(engine);
  crmflow_clock_destroy(clock);
  return case_id;
}

/* A service step run by a C handler: its job, its result, a failure and the operator's retry. */
static void service_handler(crmflow_store_t* store) {
  char* err = NULL;
  crmflow_clock_t* clock = crmflow_clock_create_manual(kStartMs);
  crmflow_engine_t* engine = crmflow_engine_create(store, clock, NULL, NULL, NULL, &err);
  CHECK_OK(err);
  if (engine == NULL) return;
  lookup_state lookup = {0, 0, {0}};
  CHECK(crmflow_engine_add_handler(engine, "crm.lookup", on_lookup, &lookup, &err) == CRMFLOW_OK);
  CHECK(crmflow_engine_add_handler(engine, "", on_lookup, NULL, &err) == CRMFLOW_INVALID_INPUT);
  crmflow_free(err);
  err = NULL;
  crmflow_free(crmflow_engine_deploy_yaml(engine, kLookupProcess, "lookup-demo.yaml", &err));
  CHECK_OK(err);

  int64_t ok_case = crmflow_engine_start(
      engine, "lookup-demo", "{\"key\": \"L-1\", \"vars\": {\"phone\": \"09121234567\"}}", &err);
  CHECK_OK(err);
  CHECK(crmflow_engine_run_due(engine, crmflow_clock_now(clock), NULL, &err) == CRMFLOW_OK);
  CHECK(lookup.calls == 1);
  CHECK(contains(lookup.last, "\"handler\":\"crm.lookup\"") &&
        contains(lookup.last, "\"input\":{\"phone\":\"09121234567\"}") &&
        contains(lookup.last, "\"key\":\"L-1\"") && contains(lookup.last, "\"attempt\":1"));
  char* c = crmflow_engine_get_case(engine, ok_case, &err);
  CHECK(contains(c, "\"customer_name\":\"رضا رضایی\"") && contains(c, "\"status\":\"completed\""));
  crmflow_free(c);

  /* A failure with no retries left becomes an incident; retry runs the handler again. */
  lookup.fail = 1;
  int64_t failing = crmflow_engine_start(
      engine, "lookup-demo", "{\"key\": \"L-2\", \"vars\": {\"phone\": \"0912\"}}", &err);
  CHECK_OK(err);
  CHECK(crmflow_engine_run_due(engine, crmflow_clock_now(clock), NULL, &err) == CRMFLOW_OK);
  c = crmflow_engine_get_case(engine, failing, &err);
  CHECK(contains(c, "\"status\":\"incident\"") && contains(c, "the CRM did not answer"));
  crmflow_free(c);
  lookup.fail = 0;
  CHECK(crmflow_engine_retry(engine, failing, "lookup", NULL, &err) == CRMFLOW_OK);
  CHECK_OK(err);
  CHECK(crmflow_engine_run_due(engine, crmflow_clock_now(clock), NULL, &err) == CRMFLOW_OK);
  c = crmflow_engine_get_case(engine, failing, &err);
  CHECK(contains(c, "\"status\":\"completed\""));
  crmflow_free(c);
  CHECK(crmflow_engine_retry(engine, failing, "lookup", NULL, &err) == CRMFLOW_INVALID_STATE);
  crmflow_free(err);

  crmflow_engine_destroy(engine);
  crmflow_clock_destroy(clock);
}

/* The small calls: error codes, clocks, directories, NULL handles. */
static void basics(void) {
  char* err = NULL;
  CHECK(crmflow_error_code_of(NULL) == CRMFLOW_OK);
  CHECK(crmflow_error_code_of("conflict: held by sara") == CRMFLOW_CONFLICT);
  CHECK(crmflow_error_code_of("no code here") == CRMFLOW_INTERNAL);
  CHECK(strcmp(crmflow_error_code_name(CRMFLOW_NOT_AUTHORIZED), "not_authorized") == 0);

  crmflow_clock_t* manual = crmflow_clock_create_manual(1000);
  CHECK(crmflow_clock_advance(manual, 500, &err) == CRMFLOW_OK &&
        crmflow_clock_now(manual) == 1500);
  CHECK(crmflow_clock_set(manual, 42, &err) == CRMFLOW_OK && crmflow_clock_now(manual) == 42);
  CHECK(crmflow_clock_advance(manual, -1, &err) == CRMFLOW_INVALID_INPUT);
  crmflow_clock_t* system = crmflow_clock_create_system();
  CHECK(crmflow_clock_now(system) > kStartMs - INT64_C(365) * 24 * kHourMs);
  CHECK(crmflow_clock_set(system, 0, &err) == CRMFLOW_INVALID_STATE);
  crmflow_clock_destroy(system);
  crmflow_clock_destroy(manual);

  crmflow_directory_t* directory = crmflow_directory_create();
  CHECK(crmflow_directory_add_user(directory, "ali",
                                   "{\"groups\": [\"reception\"], "
                                   "\"sms\": \"+989120000001\"}",
                                   &err) == CRMFLOW_OK);
  CHECK(crmflow_directory_add_user(directory, "neda", NULL, &err) == CRMFLOW_OK);
  CHECK(crmflow_directory_add_user(directory, "x", "{\"groups\": \"reception\"}", &err) ==
        CRMFLOW_INVALID_INPUT);
  CHECK(contains(err, "user 'x'") && contains(err, "groups"));
  CHECK(crmflow_directory_add_user(directory, "", NULL, &err) == CRMFLOW_INVALID_INPUT);
  crmflow_directory_destroy(directory);
  CHECK(crmflow_directory_load_file("/nonexistent/users.yaml", &err) == NULL);
  CHECK(crmflow_error_code_of(err) == CRMFLOW_INVALID_INPUT && contains(err, "/nonexistent"));
  CHECK(crmflow_calendars_load_file("/nonexistent/calendars.yaml", &err) == NULL);
  CHECK(crmflow_error_code_of(err) == CRMFLOW_INVALID_INPUT);

  CHECK(crmflow_engine_create(NULL, NULL, NULL, NULL, NULL, &err) == NULL);
  CHECK(crmflow_error_code_of(err) == CRMFLOW_INVALID_INPUT);
  CHECK(crmflow_engine_cancel(NULL, 1, NULL, &err) == CRMFLOW_INVALID_INPUT);
  CHECK(crmflow_store_open("", &err) == NULL && err != NULL);
  crmflow_free(err);
  err = NULL;
  /* errptr may be NULL: the code alone tells. */
  CHECK(crmflow_engine_cancel(NULL, 1, NULL, NULL) == CRMFLOW_INVALID_INPUT);
  crmflow_engine_destroy(NULL);
  crmflow_store_destroy(NULL);
  crmflow_free(NULL);
}

static void on_memory(void) {
  crmflow_store_t* store = crmflow_store_create_memory();
  CHECK(store != NULL);
  CHECK(phone_repair(store) > 0);
  service_handler(store);
  crmflow_store_destroy(store);
}

static void on_sqlite(void) {
  char folder[] = "/tmp/crmflow-c-api-XXXXXX";
  if (mkdtemp(folder) == NULL) {
    perror("mkdtemp");
    ++failures;
    return;
  }
  char db[sizeof folder + 16];
  snprintf(db, sizeof db, "%s/crm.db", folder);
  char* err = NULL;
  crmflow_store_t* store = crmflow_store_open_sqlite(db, &err);
  CHECK_OK(err);
  int64_t case_id = 0;
  if (store != NULL) {
    case_id = phone_repair(store);
    service_handler(store);
    crmflow_store_destroy(store);
  }

  /* The case is in the file: a new store and engine over it see it as it was left. */
  store = crmflow_store_open(db, &err);
  CHECK_OK(err);
  crmflow_engine_t* engine = crmflow_engine_create(store, NULL, NULL, NULL, NULL, &err);
  CHECK_OK(err);
  crmflow_store_destroy(store); /* the engine keeps it open */
  char* c = crmflow_engine_get_case(engine, case_id, &err);
  CHECK_OK(err);
  CHECK(contains(c, "\"status\":\"cancelled\"") && contains(c, "\"name\":\"رضا\""));
  crmflow_free(c);
  crmflow_engine_destroy(engine);

  const char* suffixes[] = {"", "-wal", "-shm", "-journal"};
  for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; ++i) {
    char file[sizeof db + 16];
    snprintf(file, sizeof file, "%s%s", db, suffixes[i]);
    unlink(file);
  }
  CHECK(rmdir(folder) == 0);
}

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s EXAMPLES_FOLDER\n", argv[0]);
    return 2;
  }
  examples = argv[1];
  basics();
  on_memory();
  on_sqlite();
  if (failures != 0) {
    fprintf(stderr, "%d check(s) failed\n", failures);
    return 1;
  }
  printf("c_api: all checks passed\n");
  return 0;
}
