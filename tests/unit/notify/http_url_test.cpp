// URLs of http targets: the parts a connection needs, and the errors for what cannot be sent to.
#include <catch2/catch.hpp>

#include "notify/url.hpp"

using crmflow::ErrorCode;
using crmflow::notify::parse_url;
using crmflow::notify::Url;

TEST_CASE("parse_url splits http and https URLs", "[notify][url]") {
  auto url = parse_url("https://Panel.Example:8443/v1/send?from=3000&key=abc#top");
  REQUIRE(url);
  CHECK(url->is_https());
  CHECK(url->host == "panel.example");
  CHECK(url->host_kind == Url::HostKind::name);
  CHECK(url->port == 8443);
  CHECK(url->target == "/v1/send?from=3000&key=abc");
  CHECK(url->host_header() == "panel.example:8443");
  CHECK(url->for_messages() == "https://panel.example:8443/v1/send");
}

TEST_CASE("parse_url defaults the port by scheme and the path to /", "[notify][url]") {
  auto plain = parse_url("HTTP://hooks.example");
  REQUIRE(plain);
  CHECK_FALSE(plain->is_https());
  CHECK(plain->port == 80);
  CHECK(plain->target == "/");
  CHECK(plain->host_header() == "hooks.example");

  auto secure = parse_url("https://hooks.example?x=1");
  REQUIRE(secure);
  CHECK(secure->port == 443);
  CHECK(secure->target == "/?x=1");
  CHECK(secure->for_messages() == "https://hooks.example/");
}

TEST_CASE("parse_url reads IPv4 and bracketed IPv6 hosts", "[notify][url]") {
  auto v4 = parse_url("http://127.0.0.1:8080/send");
  REQUIRE(v4);
  CHECK(v4->host == "127.0.0.1");
  CHECK(v4->host_kind == Url::HostKind::ipv4);

  auto v6 = parse_url("http://[::1]:9000/hook");
  REQUIRE(v6);
  CHECK(v6->host == "::1");
  CHECK(v6->host_kind == Url::HostKind::ipv6);
  CHECK(v6->port == 9000);
  CHECK(v6->host_header() == "[::1]:9000");
  CHECK(v6->for_messages() == "http://[::1]:9000/hook");

  auto v6_default = parse_url("https://[2001:db8::1]/x");
  REQUIRE(v6_default);
  CHECK(v6_default->port == 443);
  CHECK(v6_default->host_header() == "[2001:db8::1]");
}

TEST_CASE("parse_url refuses what it cannot send to", "[notify][url]") {
  struct Case {
    const char* text;
    const char* message_part;
  };
  const Case cases[] = {
      {"ftp://files.example/x", "scheme 'ftp' is not supported"},
      {"panel.example/send", "not an absolute URL"},
      {"https:///send", "no host name"},
      {"https://:8080/send", "no host name"},
      {"https://user:secret@panel.example/send", "credentials in the URL are not supported"},
      {"https://panel.example:0/", "port '0' is not a number from 1 to 65535"},
      {"https://panel.example:65536/", "port '65536'"},
      {"https://panel.example:80x/", "port '80x'"},
      {"https://panel.example:/", "':' without a port number"},
      {"http://[::1/x", "'[' of an IPv6 host without ']'"},
      {"http://[::g]/x", "'::g' is not an IPv6 address"},
      {"http://[::1]x/", "expected ':port' or a path after the IPv6 host"},
      {"http://300.1.1.1/", "'300.1.1.1' is not an IPv4 address"},
      {"http://pänel.example/", "is not a host name"},
      {"http://panel.example/a b", "spaces and control characters are not allowed"},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    auto url = parse_url(c.text);
    REQUIRE_FALSE(url);
    CHECK(url.error().code == ErrorCode::invalid_input);
    CHECK_THAT(url.error().message, Catch::Contains(c.message_part));
  }
}

TEST_CASE("parse_url errors never show the query", "[notify][url]") {
  auto url = parse_url("gopher://panel.example/send?apikey=SECRET");
  REQUIRE_FALSE(url);
  CHECK_THAT(url.error().message, Catch::StartsWith("URL 'gopher://panel.example/send'"));
  CHECK_THAT(url.error().message, !Catch::Contains("SECRET"));
}
