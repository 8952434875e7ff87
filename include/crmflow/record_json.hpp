// crmflow: the JSON form of the records the engine reports, in the shapes of the command line's
// `--json` output (spec/cli.md; docs/cli-queries.md), for every host that speaks JSON: the
// runner, the C API, a web service in front of the engine.
//
//   crmflow::Value::List list;
//   for (const crmflow::Task& t : tasks) list.push_back(crmflow::task_to_json(t, clock.now()));
//   std::string body = crmflow::to_json(crmflow::Value::Object{{"tasks", std::move(list)}});
//
// Times are RFC 3339 strings in UTC; absent texts, ids and moments are null.
#pragma once

#include "crmflow/case.hpp"
#include "crmflow/history.hpp"
#include "crmflow/notification.hpp"
#include "crmflow/task.hpp"
#include "crmflow/time.hpp"
#include "crmflow/value.hpp"
#include "crmflow/waiting.hpp"

namespace crmflow {

// {"id","case","process","step","name","assignee","candidates":{"users","groups"},"priority",
//  "due","created","overdue"}; overdue: the task has a due moment at or before `now`.
Value task_to_json(const Task& task, Instant now);
// Every field of a task record, for archives: task_to_json without "overdue", with "status",
// "ended" and "completed_by".
Value task_record_to_json(const Task& task);
// {"id","process","version","key","status","progress","started_at","ended_at","active"}.
Value case_to_json(const Case& c);
// case_to_json with "initiator", "parent", "variables", "path" and "incidents"
// ([{"step","message","at"}]).
Value case_detail_to_json(const Case& c);
// {"step","kind","since","boundary"} (and "interrupting" for a boundary event), with the
// fields of the kind: task {"task","name","assignee","candidates","due"}, timer {"due"}, message
// {"name","key"}, signal {"name"}, service {"handler","attempt","due"}, call {"case","process"},
// instances and join {"completed","total"}, incident {"message"}.
Value waiting_to_json(const Waiting& waiting);
// {"id","step","channel","to","subject","text","at","idempotency_key","segments","status",
//  "attempts","next_attempt","sent_at","last_error"}.
Value notification_to_json(const Notification& notification);
// {"at","event","step","task","by","data"}.
Value event_to_json(const HistoryEvent& event);

}  // namespace crmflow
