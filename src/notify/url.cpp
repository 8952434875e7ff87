#include "notify/url.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <algorithm>
#include <charconv>

namespace crmflow::notify {
namespace {

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string lowered(std::string_view text) {
  std::string out{text};
  std::ranges::transform(out, out.begin(), lower);
  return out;
}

// The URL as error messages may show it: up to the query or fragment, which may carry a key.

Error bad_url(std::string_view text, std::string_view why) {
  return invalid_input(fmt::format("URL '{}': {}", url_for_messages(text), why));
}

bool is_host_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
}

bool looks_like_ipv4(std::string_view host) {
  // A name whose last label is all digits can only be meant as an address (RFC 3986 §3.2.2
  // resolves the ambiguity towards IPv4; no top-level domain is numeric).
  const std::string_view last = host.substr(host.rfind('.') + 1);
  return !last.empty() && std::ranges::all_of(last, [](char c) { return c >= '0' && c <= '9'; });
}

// Fills host, host_kind, port and explicit_port from the authority (the part between "//" and the
// path), or says what is wrong with it.
Result<Url> parse_authority(std::string_view text, std::string_view authority, Url url) {
  if (authority.find('@') != std::string_view::npos) {
    return bad_url(text, "credentials in the URL are not supported; send them in a header");
  }
  std::string_view host;
  std::string_view port;
  if (authority.starts_with('[')) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return bad_url(text, "'[' of an IPv6 host without ']'");
    host = authority.substr(1, close - 1);
    const std::string_view rest = authority.substr(close + 1);
    if (!rest.empty() && !rest.starts_with(':')) {
      return bad_url(text, "expected ':port' or a path after the IPv6 host");
    }
    if (!rest.empty()) port = rest.substr(1);
    in6_addr address{};
    if (inet_pton(AF_INET6, std::string{host}.c_str(), &address) != 1) {
      return bad_url(text, fmt::format("'{}' is not an IPv6 address", host));
    }
    url.host_kind = Url::HostKind::ipv6;
  } else {
    const auto colon = authority.rfind(':');
    host = authority.substr(0, colon);
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
    if (host.empty()) return bad_url(text, "no host name");
    if (looks_like_ipv4(host)) {
      in_addr address{};
      if (inet_pton(AF_INET, std::string{host}.c_str(), &address) != 1) {
        return bad_url(text, fmt::format("'{}' is not an IPv4 address", host));
      }
      url.host_kind = Url::HostKind::ipv4;
    }
  }
  url.host = lowered(host);
  if (url.host_kind == Url::HostKind::name && !std::ranges::all_of(url.host, is_host_name_char)) {
    return bad_url(text, fmt::format("'{}' is not a host name (letters, digits, '-' and '.'; "
                                     "write an international name in its xn-- form)",
                                     host));
  }
  if (authority.find(':') != std::string_view::npos && port.empty() &&
      (url.host_kind != Url::HostKind::ipv6 || authority.ends_with(':'))) {
    return bad_url(text, "':' without a port number");
  }
  if (!port.empty()) {
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc{} || end != port.data() + port.size() || value == 0 || value > 65535) {
      return bad_url(text, fmt::format("port '{}' is not a number from 1 to 65535", port));
    }
    url.port = static_cast<std::uint16_t>(value);
    url.explicit_port = true;
  }
  return url;
}

}  // namespace

std::string Url::host_header() const {
  std::string out = host_kind == HostKind::ipv6 ? fmt::format("[{}]", host) : host;
  if (explicit_port) fmt::format_to(std::back_inserter(out), ":{}", port);
  return out;
}

std::string url_for_messages(std::string_view text) {
  text = text.substr(0, text.find_first_of("?#"));
  const auto slashes = text.find("//");
  if (slashes == std::string_view::npos) return std::string{text};
  const auto authority = slashes + 2;
  const auto authority_end = std::min(text.find('/', authority), text.size());
  const auto at = text.substr(authority, authority_end - authority).rfind('@');
  if (at == std::string_view::npos) return std::string{text};
  return fmt::format("{}***{}", text.substr(0, authority), text.substr(authority + at));
}

std::string Url::for_messages() const {
  const std::string_view path = std::string_view{target}.substr(0, target.find('?'));
  return fmt::format("{}://{}{}", is_https() ? "https" : "http", host_header(), path);
}

Result<Url> parse_url(std::string_view text) {
  const bool unprintable = std::ranges::any_of(text, [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte <= 0x20 || byte == 0x7f;
  });
  if (unprintable) {
    return bad_url(text, "spaces and control characters are not allowed; percent-encode them");
  }
  const auto scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos) {
    return bad_url(text, "not an absolute URL; write http://host/path or https://host/path");
  }
  Url url;
  const std::string scheme = lowered(text.substr(0, scheme_end));
  if (scheme == "https") {
    url.scheme = Url::Scheme::https;
    url.port = 443;
  } else if (scheme != "http") {
    return bad_url(text, fmt::format("scheme '{}' is not supported; use http or https", scheme));
  }
  std::string_view rest = text.substr(scheme_end + 3);
  rest = rest.substr(0, rest.find('#'));
  const auto path_start = rest.find_first_of("/?");
  const std::string_view authority = rest.substr(0, path_start);
  if (authority.empty()) return bad_url(text, "no host name");
  if (path_start != std::string_view::npos) url.target = rest.substr(path_start);
  if (url.target.empty() || url.target.front() == '?') url.target.insert(0, "/");
  return parse_authority(text, authority, std::move(url));
}

}  // namespace crmflow::notify
