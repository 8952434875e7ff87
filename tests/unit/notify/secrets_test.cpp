#include "notify/secrets.hpp"

#include <catch2/catch.hpp>

#include "notify/url.hpp"

namespace crmflow::notify {
namespace {

TEST_CASE("Secrets masks every occurrence of every value", "[notify][secrets]") {
  const Secrets secrets{{"tok-123", "pa55word"}};
  CHECK(secrets.redact("401: token tok-123 refused; again tok-123 and pa55word") ==
        "401: token [secret] refused; again [secret] and [secret]");
  CHECK(secrets.redact("nothing here") == "nothing here");
  CHECK(secrets.redact("") == "");
}

TEST_CASE("Secrets replaces a value containing another whole", "[notify][secrets]") {
  const Secrets secrets{{"abcd", "xxabcdxx"}};
  CHECK(secrets.redact("key xxabcdxx and abcd") == "key [secret] and [secret]");
}

TEST_CASE("Secrets ignores values too short to be secrets", "[notify][secrets]") {
  const Secrets secrets{{"", "1", "on", "yes"}};
  CHECK(secrets.empty());
  CHECK(secrets.redact("port 1 is on, yes") == "port 1 is on, yes");
}

TEST_CASE("url_for_messages drops the query, the fragment and credentials", "[notify][url]") {
  CHECK(url_for_messages("https://panel.example/send?api_key=K#x") == "https://panel.example/send");
  CHECK(url_for_messages("https://crm:s3cret@panel.example/send") ==
        "https://***@panel.example/send");
  CHECK(url_for_messages("https://crm:s3cret@panel.example") == "https://***@panel.example");
  // An '@' in the path is not in the authority.
  CHECK(url_for_messages("https://panel.example/a@b") == "https://panel.example/a@b");
  CHECK(url_for_messages("ftp://u:p@h/x?k=1") == "ftp://***@h/x");
  CHECK(url_for_messages("not a url?k=1") == "not a url");
}

}  // namespace
}  // namespace crmflow::notify
