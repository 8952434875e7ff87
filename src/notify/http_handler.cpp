// make_http_handler (declared in http_channel.hpp): a service step's job as one POST.
#include <fmt/format.h>

#include <exception>
#include <memory>
#include <utility>

#include "crmflow/json.hpp"
#include "notify/handler_answer.hpp"
#include "notify/http_channel.hpp"
#include "notify/http_request_template.hpp"
#include "notify/job_json.hpp"

namespace crmflow::notify {
namespace {

// A service may echo what it was sent (a token in a header among them): `secrets` are masked in
// every failure.
HandlerResult interpret(const HttpRequestTemplate& request, const HttpResult& result,
                        const Secrets& secrets) {
  if (!result.ok()) {
    return HandlerResult::failure(
        secrets.redact(fmt::format("{}: {}", request.label(), result.failure().message)));
  }
  const HttpResponse& response = result.response();
  if (response.status < 200 || response.status >= 300) {
    std::string message = fmt::format("{}: {}", request.label(), response.status_line());
    if (std::string quoted = excerpt(response.body, kMaxReceiptBytes); !quoted.empty()) {
      fmt::format_to(std::back_inserter(message), ": {}", quoted);
    }
    return HandlerResult::failure(secrets.redact(std::move(message)));
  }
  HandlerResult answer = handler_answer(response.body, request.label());
  if (answer.kind() == HandlerResult::Kind::ok) return answer;
  if (answer.kind() == HandlerResult::Kind::failure) {
    return HandlerResult::failure(secrets.redact(answer.message()));
  }
  return HandlerResult::error(answer.error_code(), secrets.redact(answer.message()));
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
      const Secrets secrets = rendered->secrets;
      return interpret(*request,
                       request->client().post(rendered->headers, std::move(rendered->body),
                                              request->content_type()),
                       secrets);
    } catch (const std::exception& e) {
      return HandlerResult::failure(fmt::format("{}: {}", request->label(), e.what()));
    }
  }};
}

}  // namespace crmflow::notify
