// crmflow::notify internal: `type: http` in `--channels` and `--handlers` files
// (docs/http-channel.md): one POST per notification, or per service job.
//
//   HttpTarget sms{.name = "sms", .url = "https://panel.example/send",
//                  .headers = {{"Authorization", "Bearer {{ env.SMS_TOKEN }}"}},
//                  .body = R"({"receptor": "{{ to }}", "message": {{ json(text) }}})"};
//   auto channel = make_http_channel(sms);
//   if (!channel) report(channel.error().message);   // a bad URL, template, header or ca_file
//   registry.add("sms", *channel);
//
// Each request carries `Idempotency-Key` (the notification's or the job's key, the same on every
// attempt) and `Content-Type` (the target's content_type). Messages about a delivery name the
// target, the URL without its query, and what happened; they never include header values or the
// rendered body, which carry secrets.
#pragma once

#include <memory>

#include "crmflow/channel.hpp"
#include "crmflow/error.hpp"
#include "crmflow/handler.hpp"
#include "notify/targets.hpp"

namespace crmflow::notify {

// A receipt (the answer's body for a 2xx) and an answer quoted in an error are cut to this many
// bytes: enough for a message id or an API's error text, short enough for a report line.
inline constexpr std::size_t kMaxReceiptBytes = 200;

// A channel that POSTs each notification to target.url. Header and body templates read the
// notification's fields as notification_value() gives them (`to`, `text`, `subject`, `case`,
// `step`, `channel`, `id`, `idempotency_key`, `attempt`, `at`, `segments`) and `env`, the process
// environment at delivery time; without a body template the body is notification_json().
// Outcomes: 2xx → delivered (receipt: the body, cut to kMaxReceiptBytes); 429 → retry after its
// Retry-After (seconds or an HTTP-date) when it has a valid one; 408 and 5xx → retry; any other
// status → failed; timeout, refused connection, failed name lookup, a connection reset or closed
// early, a malformed answer → retry; an untrusted certificate or one for another host → failed
// (a configuration problem: retrying cannot help); a template that fails to render → failed.
// Errors (invalid_input, starting "channel 'NAME': "): see HttpRequestTemplate::compile.
// Thread safety: deliver() may run in several threads at once.
Result<std::shared_ptr<Channel>> make_http_channel(const HttpTarget& target);

// A service handler that POSTs the job: as JSON {"case", "process", "step", "handler", "key",
// "input", "attempt", "idempotency_key"}, or the body template rendered with those names (and
// `env`). A 2xx answer with an empty body → HandlerResult::ok() (no fields); with a JSON object →
// ok(object), unless the object has a string field "error": then HandlerResult::error(that code,
// the "message" string field if any). A non-2xx answer, a 2xx answer that is not a JSON object,
// and every connection or TLS failure → HandlerResult::failure(what happened), which the engine
// retries as the step says.
// Errors (invalid_input, starting "handler 'NAME': "): see HttpRequestTemplate::compile.
// Thread safety: the handler may run in several threads at once.
Result<Handler> make_http_handler(const HttpTarget& target);

}  // namespace crmflow::notify
