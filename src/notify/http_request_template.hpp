// crmflow::notify internal: what a `type: http` channel or handler sends, compiled once from its
// HttpTarget: the client for its URL, the header and body templates, and the environment
// variables those templates read (`{{ env.SMS_TOKEN }}`).
//
//   auto request = HttpRequestTemplate::compile(target, "channel");
//   auto rendered = request->render(notification_value(n), [&] { return notification_json(n); });
//   HttpResult answer = request->client().post(rendered->headers, rendered->body, ...);
//
// Templates see the fields of the object given to render() as root names, plus `env`: the
// process environment when the request is rendered (a variable that is not set renders empty).
// Thread safety: immutable after compile(); render() may run in several threads at once.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "crmflow/error.hpp"
#include "crmflow/value.hpp"
#include "expr/template.hpp"
#include "notify/http_client.hpp"
#include "notify/secrets.hpp"
#include "notify/targets.hpp"

namespace crmflow::notify {

struct RenderedRequest {
  HttpHeaders headers;  // the configured headers, rendered, in order
  std::string body;
  // The environment values the templates could read: every message about this exchange (an
  // error, a quoted answer, a receipt) goes through secrets.redact().
  Secrets secrets;
};

class HttpRequestTemplate {
 public:
  // Checks and compiles `target`; `role` ("channel" or "handler") starts every error message,
  // with the target's name: "channel 'sms': header 'Authorization': column 12: ...".
  // Errors (invalid_input): a bad URL; a header name that is not an HTTP token, given twice, or
  // one crmflow sets itself (Host, Content-Length, Transfer-Encoding, Connection,
  // Idempotency-Key; Content-Type comes from `content_type`); a template that does not compile;
  // an empty content type or one with a line break; a timeout that is not positive; an unreadable
  // ca_file.
  static Result<HttpRequestTemplate> compile(const HttpTarget& target, std::string_view role);

  // The headers and body for one request. `fields` is an object whose members the templates read
  // as root names; `default_body` gives the body when the target has no body template.
  // Errors (invalid_input, starting with label() and naming the header or `body`, never a
  // rendered value, and with every environment value it read replaced by "[secret]"): an
  // expression that fails to evaluate, or a header value that renders with a line break or NUL.
  Result<RenderedRequest> render(const Value& fields,
                                 const std::function<std::string()>& default_body) const;

  const HttpClient& client() const { return client_; }
  const std::string& content_type() const { return content_type_; }
  // "sms: POST https://panel.example/send": how every message about one exchange begins.
  const std::string& label() const { return label_; }

 private:
  struct Header {
    std::string name;
    expr::Template value;
  };
  // The environment variables the templates read; `all` when an expression reads `env` as a
  // whole or by a computed name.
  struct EnvReads {
    bool all = false;
    std::vector<std::string> names;
  };

  HttpRequestTemplate(HttpClient client, std::string content_type, std::string label,
                      std::vector<Header> headers, std::optional<expr::Template> body, EnvReads env)
      : client_(std::move(client)),
        content_type_(std::move(content_type)),
        label_(std::move(label)),
        headers_(std::move(headers)),
        body_(std::move(body)),
        env_(std::move(env)) {}

  Value environment() const;

  HttpClient client_;
  std::string content_type_;
  std::string label_;
  std::vector<Header> headers_;
  std::optional<expr::Template> body_;
  EnvReads env_;
};

}  // namespace crmflow::notify

namespace crmflow::notify {

// `text` cut to at most `max_bytes` without splitting a UTF-8 sequence, with surrounding white
// space removed and each line break or other control character replaced by a space: an answer's
// body as a receipt or inside a one-line error message.
std::string excerpt(std::string_view text, std::size_t max_bytes);

}  // namespace crmflow::notify
