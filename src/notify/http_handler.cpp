// make_http_handler (declared in http_channel.hpp): a service step's job as one POST.
#include <fmt/format.h>

#include <exception>
#include <memory>
#include <utility>

#include "crmflow/json.hpp"
#include "notify/http_channel.hpp"
#include "notify/http_request_template.hpp"

namespace crmflow::notify {
namespace {

// The job as the default body shows it and as templates read it.
Value job_value(const JobContext& job) {
  Value::Object object;
  object.emplace("case", Value{static_cast<std::int64_t>(job.case_id)});
  object.emplace("process", Value{job.process_id});
  object.emplace("step", Value{job.step_id});
  object.emplace("handler", Value{job.handler});
  object.emplace("key", Value{job.case_key});
  object.emplace("input", job.input);
  object.emplace("attempt", Value{static_cast<std::int64_t>(job.attempt)});
  object.emplace("idempotency_key", Value{job.idempotency_key});
  return Value{std::move(object)};
}

bool is_blank(std::string_view text) {
  return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

HandlerResult interpret(const HttpRequestTemplate& request, const HttpResult& result) {
  if (!result.ok()) {
    return HandlerResult::failure(fmt::format("{}: {}", request.label(), result.failure().message));
  }
  const HttpResponse& response = result.response();
  if (response.status < 200 || response.status >= 300) {
    std::string message = fmt::format("{}: {}", request.label(), response.status_line());
    if (std::string quoted = excerpt(response.body, kMaxReceiptBytes); !quoted.empty()) {
      fmt::format_to(std::back_inserter(message), ": {}", quoted);
    }
    return HandlerResult::failure(std::move(message));
  }
  if (is_blank(response.body)) return HandlerResult::ok();
  auto answer = parse_json(response.body);
  if (!answer) {
    return HandlerResult::failure(
        fmt::format("{}: the answer is not JSON ({}); answer a JSON "
                    "object, or nothing",
                    request.label(), answer.error().message));
  }
  if (!answer->is_object()) {
    return HandlerResult::failure(fmt::format("{}: the answer is a JSON {}, not an object",
                                              request.label(), answer->kind_name()));
  }
  if (const Value* code = answer->find("error"); code != nullptr && code->is_string()) {
    const Value* message = answer->find("message");
    return HandlerResult::error(code->as_string(), message != nullptr && message->is_string()
                                                       ? message->as_string()
                                                       : std::string{});
  }
  return HandlerResult::ok(*std::move(answer));
}

}  // namespace

Result<Handler> make_http_handler(const HttpTarget& target) {
  auto compiled = HttpRequestTemplate::compile(target, "handler");
  if (!compiled) return std::move(compiled).error();
  auto request = std::make_shared<const HttpRequestTemplate>(*std::move(compiled));
  return Handler{[request](const JobContext& job) -> HandlerResult {
    try {
      const Value fields = job_value(job);
      auto rendered = request->render(fields, [&] { return to_json(fields); });
      if (!rendered) return HandlerResult::failure(std::move(rendered).error().message);
      if (!job.idempotency_key.empty()) {
        rendered->headers.emplace_back("Idempotency-Key", job.idempotency_key);
      }
      return interpret(*request,
                       request->client().post(rendered->headers, std::move(rendered->body),
                                              request->content_type()));
    } catch (const std::exception& e) {
      return HandlerResult::failure(fmt::format("{}: {}", request->label(), e.what()));
    }
  }};
}

}  // namespace crmflow::notify
