#include "notify/http_request_template.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdlib>

#include "crmflow/clock.hpp"
#include "expr/scope.hpp"

extern char** environ;  // NOLINT: POSIX has the program declare it itself

namespace crmflow::notify {
namespace {

// Headers the client or the channel sets itself; a configured one would clash or be ambiguous.
constexpr std::array<std::string_view, 5> kReservedHeaders = {
    "Host", "Content-Length", "Transfer-Encoding", "Connection", "Idempotency-Key"};

bool iequals(std::string_view a, std::string_view b) {
  return std::ranges::equal(a, b, [](char x, char y) {
    const auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c; };
    return lower(x) == lower(y);
  });
}

// RFC 9110 §5.6.2 tchar.
bool is_token_char(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view{"!#$%&'*+-.^_`|~"}.find(c) != std::string_view::npos;
}

bool has_line_break(std::string_view text) {
  return text.find_first_of(std::string_view{"\r\n\0", 3}) != std::string_view::npos;
}

Status check_header_name(std::string_view name, const std::vector<std::string>& earlier) {
  if (name.empty() || !std::ranges::all_of(name, is_token_char)) {
    return invalid_input(fmt::format(
        "header name '{}' is not an HTTP token (letters, digits and !#$%&'*+-.^_`|~)", name));
  }
  if (iequals(name, "Content-Type")) {
    return invalid_input("header 'Content-Type': set it with the `content_type` field");
  }
  for (const std::string_view reserved : kReservedHeaders) {
    if (iequals(name, reserved)) {
      return invalid_input(
          fmt::format("header '{}' is set by crmflow; remove it from `headers`", name));
    }
  }
  for (const std::string& other : earlier) {
    if (iequals(name, other)) {
      return invalid_input(
          fmt::format("header '{}' is given twice; join the values with ', ' in one entry", name));
    }
  }
  return {};
}

std::string parse_error_text(const expr::ParseError& error) {
  return fmt::format("column {}: {}", error.column, error.message);
}

// Adds the names `template_text` reads under `env` to `env`.
void collect_env_reads(const expr::Template& compiled, std::vector<std::string>& names, bool& all) {
  for (const expr::ReadPath& read : compiled.reads()) {
    if (read.root != "env") continue;
    const std::string_view path = read.path;
    if (!path.starts_with("env.")) {
      all = true;  // `env` itself, or `env[name]`
      continue;
    }
    std::string_view name = path.substr(4);
    name = name.substr(0, name.find_first_of(".["));
    if (std::ranges::find(names, name) == names.end()) names.emplace_back(name);
  }
}

}  // namespace

Result<HttpRequestTemplate> HttpRequestTemplate::compile(const HttpTarget& target,
                                                         std::string_view role) {
  const std::string prefix = fmt::format("{} '{}'", role, target.name);
  const auto fail = [&prefix](std::string_view what) {
    return invalid_input(fmt::format("{}: {}", prefix, what));
  };
  auto url = parse_url(target.url);
  if (!url) return fail(url.error().message);
  if (target.content_type.empty() || has_line_break(target.content_type)) {
    return fail("content_type must be a non-empty media type on one line");
  }
  std::vector<Header> headers;
  std::vector<std::string> names;
  EnvReads env;
  for (const auto& [name, value] : target.headers) {
    if (Status checked = check_header_name(name, names); !checked) {
      return fail(checked.error().message);
    }
    auto compiled = expr::Template::compile(value);
    if (!compiled) {
      return fail(fmt::format("header '{}': {}", name, parse_error_text(compiled.error())));
    }
    collect_env_reads(*compiled, env.names, env.all);
    names.push_back(name);
    headers.push_back(Header{name, *std::move(compiled)});
  }
  std::optional<expr::Template> body;
  if (target.body) {
    auto compiled = expr::Template::compile(*target.body);
    if (!compiled) return fail(fmt::format("body: {}", parse_error_text(compiled.error())));
    collect_env_reads(*compiled, env.names, env.all);
    body.emplace(*std::move(compiled));
  }
  const std::string shown_url = url->for_messages();
  auto client = HttpClient::create(*std::move(url), {target.timeout, target.ca_file});
  if (!client) return fail(client.error().message);
  std::string label = fmt::format("{}: POST {}", target.name, shown_url);
  return HttpRequestTemplate{*std::move(client), target.content_type, std::move(label),
                             std::move(headers), std::move(body),     std::move(env)};
}

Value HttpRequestTemplate::environment() const {
  Value::Object variables;
  if (env_.all) {
    for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
      const std::string_view text{*entry};
      const auto equals = text.find('=');
      if (equals == std::string_view::npos) continue;
      variables.emplace(std::string{text.substr(0, equals)}, Value{text.substr(equals + 1)});
    }
  } else {
    for (const std::string& name : env_.names) {
      // getenv is safe to call from several threads as long as nothing sets variables meanwhile,
      // which a host must not do while deliveries run.
      if (const char* value = std::getenv(name.c_str()); value != nullptr) {  // NOLINT
        variables.emplace(name, Value{value});
      }
    }
  }
  return Value{std::move(variables)};
}

Result<RenderedRequest> HttpRequestTemplate::render(
    const Value& fields, const std::function<std::string()>& default_body) const {
  const Value env = environment();
  std::vector<std::string> env_values;
  for (const auto& [name, value] : env.as_object()) env_values.push_back(value.as_string());
  RenderedRequest out{.headers = {}, .body = {}, .secrets = Secrets{std::move(env_values)}};
  const expr::NamedScope env_scope{"env", env};
  const expr::ValueScope field_scope{fields};
  const expr::ChainedScope scope{field_scope, env_scope};
  const expr::Context context{.now = SystemClock::instance().now()};
  out.headers.reserve(headers_.size());
  for (const Header& header : headers_) {
    auto value = header.value.render(scope, context);
    if (!value) {
      return invalid_input(out.secrets.redact(
          fmt::format("{}: header '{}': {}", label_, header.name, value.error().message)));
    }
    if (has_line_break(value->text)) {
      return invalid_input(fmt::format(
          "{}: header '{}' renders with a line break or NUL byte, which HTTP does not allow; "
          "check its template and the values it reads",
          label_, header.name));
    }
    out.headers.emplace_back(header.name, std::move(value->text));
  }
  if (!body_) {
    out.body = default_body();
    return out;
  }
  auto body = body_->render(scope, context);
  if (!body) {
    return invalid_input(
        out.secrets.redact(fmt::format("{}: body: {}", label_, body.error().message)));
  }
  out.body = std::move(body->text);
  return out;
}

}  // namespace crmflow::notify

namespace crmflow::notify {

std::string excerpt(std::string_view text, std::size_t max_bytes) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  text = text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
  if (text.size() > max_bytes) {
    std::size_t end = max_bytes;
    // Back up over continuation bytes (10xxxxxx) to the start of the sequence that was cut.
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    text = text.substr(0, end);
  }
  std::string out{text};
  std::ranges::replace_if(
      out, [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }, ' ');
  return out;
}

}  // namespace crmflow::notify
