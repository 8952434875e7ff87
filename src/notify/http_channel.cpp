#include "notify/http_channel.hpp"

#include <fmt/format.h>

#include <exception>
#include <utility>

#include "crmflow/clock.hpp"
#include "notify/http_date.hpp"
#include "notify/http_request_template.hpp"
#include "notify/notification_json.hpp"

namespace crmflow::notify {
namespace {

// "sms: POST https://panel.example/send: 503 Service Unavailable: {"error": "busy"}"
// A receiver may echo what it was sent (a token in a header among them): `secrets` are masked.
std::string describe_answer(const HttpRequestTemplate& request, const HttpResponse& response,
                            const Secrets& secrets) {
  std::string message = fmt::format("{}: {}", request.label(), response.status_line());
  if (std::string quoted = excerpt(response.body, kMaxReceiptBytes); !quoted.empty()) {
    fmt::format_to(std::back_inserter(message), ": {}", quoted);
  }
  return secrets.redact(std::move(message));
}

DeliveryOutcome classify(const HttpRequestTemplate& request, const HttpResult& result,
                         const Secrets& secrets) {
  if (!result.ok()) {
    const HttpFailure& failure = result.failure();
    std::string message =
        secrets.redact(fmt::format("{}: {}", request.label(), failure.message));
    // Only a certificate problem is certain to fail again; every other failure may be a server
    // restarting, a network blip or an overloaded proxy.
    if (failure.kind == HttpFailure::Kind::tls_verification) {
      return DeliveryOutcome::failed(std::move(message));
    }
    return DeliveryOutcome::retry(std::move(message));
  }
  const HttpResponse& response = result.response();
  const unsigned status = response.status;
  if (status >= 200 && status < 300) {
    return DeliveryOutcome::delivered(secrets.redact(excerpt(response.body, kMaxReceiptBytes)));
  }
  if (status == 429) {
    std::optional<std::chrono::milliseconds> after;
    if (const std::string* value = response.header("Retry-After"); value != nullptr) {
      after = parse_retry_after(*value, SystemClock::instance().now());
    }
    return DeliveryOutcome::retry(describe_answer(request, response, secrets), after);
  }
  if (status == 408 || status >= 500) {
    return DeliveryOutcome::retry(describe_answer(request, response, secrets));
  }
  return DeliveryOutcome::failed(describe_answer(request, response, secrets));
}

class HttpChannel final : public Channel {
 public:
  explicit HttpChannel(HttpRequestTemplate request) : request_(std::move(request)) {}

  DeliveryOutcome deliver(const Notification& notification) override {
    try {
      const Value fields = notification_value(notification);
      auto rendered = request_.render(fields, [&] { return notification_json(notification); });
      // The same notification renders the same way every time: a failure here is permanent.
      if (!rendered) return DeliveryOutcome::failed(std::move(rendered).error().message);
      if (!notification.idempotency_key.empty()) {
        rendered->headers.emplace_back("Idempotency-Key", notification.idempotency_key);
      }
      const HttpResult result = request_.client().post(rendered->headers, std::move(rendered->body),
                                                       request_.content_type());
      return classify(request_, result, rendered->secrets);
    } catch (const std::exception& e) {  // allocation failure: the engine would count it as retry
      return DeliveryOutcome::retry(fmt::format("{}: {}", request_.label(), e.what()));
    }
  }

 private:
  const HttpRequestTemplate request_;
};

}  // namespace

Result<std::shared_ptr<Channel>> make_http_channel(const HttpTarget& target) {
  auto request = HttpRequestTemplate::compile(target, "channel");
  if (!request) return std::move(request).error();
  return std::shared_ptr<Channel>{std::make_shared<HttpChannel>(*std::move(request))};
}

}  // namespace crmflow::notify
