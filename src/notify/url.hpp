// crmflow::notify internal: the http and https URLs that `type: http` channels and handlers post
// to, split into what a connection needs (host, port) and what a request line needs (target).
//
//   auto url = crmflow::notify::parse_url("https://panel.example:8443/v1/send?from=3000");
//   url->host;           // "panel.example"
//   url->port;           // 8443
//   url->target;         // "/v1/send?from=3000"
//   url->for_messages(); // "https://panel.example:8443/v1/send" (no query: it may carry a key)
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "crmflow/error.hpp"

namespace crmflow::notify {

struct Url {
  enum class Scheme : std::uint8_t { http, https };
  // What kind of name `host` is: it decides how TLS checks the certificate (a DNS name is sent
  // as SNI and matched against DNS names; an address is matched against IP entries).
  enum class HostKind : std::uint8_t { name, ipv4, ipv6 };

  Scheme scheme = Scheme::http;
  std::string host;  // a DNS name in lower case, a dotted IPv4 address, or IPv6 without brackets
  HostKind host_kind = HostKind::name;
  std::uint16_t port = 80;  // the explicit port, or 80 / 443 by scheme
  bool explicit_port = false;
  std::string target;  // path and query as written ("/" when the URL has no path); no fragment

  bool is_https() const { return scheme == Scheme::https; }
  // The Host header value: the host (IPv6 in brackets) plus ":port" when it was written.
  std::string host_header() const;
  // scheme://host[:port]/path, without the query: safe to show in logs and error messages.
  std::string for_messages() const;
};

// A URL as written, as error messages may quote it: without its query and fragment (API keys
// often travel there), and with any credentials before '@' masked ("https://***@host/path").
std::string url_for_messages(std::string_view text);

// Parses an absolute http or https URL. The scheme and host are case-insensitive (kept in lower
// case); the path and query are kept byte for byte; a fragment is dropped (it is never sent).
// Errors (invalid_input, naming the URL without its query): another scheme, no host, user
// credentials in the URL (send them in a header instead), a port outside 1-65535, a bad IPv6 or
// IPv4 literal, characters not allowed in a host name, and spaces or control characters anywhere.
Result<Url> parse_url(std::string_view text);

}  // namespace crmflow::notify
