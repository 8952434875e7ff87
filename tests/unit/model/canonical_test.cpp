// The canonical form: equal for the same content however it is written, different for different
// content; and the SHA-256 under it, pinned by the FIPS 180 test vectors.
#include "model/canonical.hpp"

#include <catch2/catch.hpp>
#include <string>

#include "crmflow/process.hpp"
#include "model/canonical_sha256.hpp"
#include "model/definition.hpp"

namespace {

std::shared_ptr<const crmflow::Process> load(const std::string& text) {
  auto outcome = crmflow::load_process(text, "c.yaml");
  REQUIRE(outcome.ok());
  return outcome.process;
}

}  // namespace

TEST_CASE("sha256 matches the FIPS 180 test vectors", "[canonical]") {
  using crmflow::model::sha256_hex;
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  // 55, 56 and 64 bytes: the padding boundaries.
  CHECK(sha256_hex(std::string(55, 'a')) ==
        "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
  CHECK(sha256_hex(std::string(56, 'a')) ==
        "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
  CHECK(sha256_hex(std::string(64, 'a')) ==
        "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
  CHECK(sha256_hex(std::string(1'000'000, 'a')) ==
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("canonical JSON: sorted keys, compact, typed numbers", "[canonical]") {
  using crmflow::Value;
  const Value doc = Value::Object{
      {"z", Value::List{1, 2.0, 2.5, true, nullptr}},
      {"a", "quote \" back\\slash\nnew line, فارسی"},
  };
  CHECK(crmflow::model::canonical_json(doc) ==
        "{\"a\":\"quote \\\" back\\\\slash\\u000anew line, فارسی\",\"z\":[1,2.0,2.5,true,null]}");
  const auto form = crmflow::model::canonical_form(doc);
  CHECK(form.hash.rfind("sha256:", 0) == 0);
  CHECK(form.hash.size() == 7 + 64);
}

TEST_CASE("comments, formatting and key order do not change the hash", "[canonical]") {
  const auto a = load(R"Y(process: p
name: Repair
steps:
  - {id: a, type: user, priority: 10}
  - {id: b, type: end}
)Y");
  const auto b = load(R"Y(# The repair process.
name: "Repair"      # quoted now
process: 'p'
steps:
  - id: a           # the first step
    priority: 10
    type: user
  -
    type: end
    id: b
)Y");
  CHECK(a->content_hash() == b->content_hash());
  CHECK(a->definition().canonical == b->definition().canonical);
  CHECK(a->definition().canonical ==
        R"({"name":"Repair","process":"p","steps":[{"id":"a","priority":10,"type":"user"},)"
        R"({"id":"b","type":"end"}]})");
}

TEST_CASE("any change of content changes the hash", "[canonical]") {
  const auto base = load("process: p\nsteps: [{id: a, type: user, priority: 10}]\n");
  const auto other_value = load("process: p\nsteps: [{id: a, type: user, priority: 11}]\n");
  const auto quoted_number = load("process: p\nsteps: [{id: a, type: user, name: \"10\"}]\n");
  const auto plain_number = load("process: p\nsteps: [{id: a, type: user, name: 10}]\n");
  CHECK(base->content_hash() != other_value->content_hash());
  // "10" (text) and 10 (a number) are different content.
  CHECK(quoted_number->content_hash() != plain_number->content_hash());
}
