#include "arguments.hpp"

#include <catch2/catch.hpp>
#include <string_view>
#include <vector>

namespace crmflow::cli {
namespace {

const std::vector<CommandSpec> kCommands = {
    {"validate", "crmflow validate FILE...", 1, kUnbounded, {}},
    {"start", "crmflow start PROCESS [--key K] [--var NAME=VALUE]...", 1, 1,
     {{"key", true, false}, {"var", true, true}, {"overdue", false, false}}},
};

Result<Arguments> parse(std::vector<std::string_view> argv) {
  return Arguments::parse(argv, kCommands);
}

TEST_CASE("global options may stand before or after the command word", "[cli]") {
  auto before = parse({"--db", "x.db", "--json", "validate", "a.yaml", "b.yaml"});
  REQUIRE(before.ok());
  CHECK(before->command() == "validate");
  CHECK(before->positional() == std::vector<std::string>{"a.yaml", "b.yaml"});
  CHECK(before->get("db") == "x.db");
  CHECK(before->has("json"));

  auto after = parse({"validate", "a.yaml", "--db=y.db", "--json"});
  REQUIRE(after.ok());
  CHECK(after->get("db") == "y.db");
  CHECK(after->has("json"));
}

TEST_CASE("repeatable options keep every value in order", "[cli]") {
  auto args = parse({"start", "phone-repair", "--var", "a=1", "--var=b=2", "--key", "R-1"});
  REQUIRE(args.ok());
  CHECK(args->all("var") == std::vector<std::string>{"a=1", "b=2"});
  CHECK(args->get("key") == "R-1");
  CHECK_FALSE(args->get("by").has_value());
}

TEST_CASE("bad usage is refused with a message that names the problem", "[cli]") {
  auto unknown_command = parse({"frobnicate"});
  REQUIRE_FALSE(unknown_command.ok());
  CHECK(unknown_command.error().message == "unknown command 'frobnicate'");

  auto unknown_option = parse({"validate", "a.yaml", "--colour"});
  REQUIRE_FALSE(unknown_option.ok());
  CHECK_THAT(unknown_option.error().message, Catch::Contains("unknown option '--colour'") &&
                                                 Catch::Contains("crmflow validate FILE..."));

  // A command's own option is not known before the command word.
  CHECK_FALSE(parse({"--key", "K", "start", "p"}).ok());

  auto missing_value = parse({"start", "p", "--key"});
  REQUIRE_FALSE(missing_value.ok());
  CHECK(missing_value.error().message == "option '--key' needs a value");

  auto flag_with_value = parse({"start", "p", "--overdue=yes"});
  REQUIRE_FALSE(flag_with_value.ok());
  CHECK(flag_with_value.error().message == "option '--overdue' takes no value");

  auto twice = parse({"start", "p", "--key", "a", "--key", "b"});
  REQUIRE_FALSE(twice.ok());
  CHECK(twice.error().message == "option '--key' given twice");

  auto too_many = parse({"start", "p", "q"});
  REQUIRE_FALSE(too_many.ok());
  CHECK_THAT(too_many.error().message, Catch::StartsWith("wrong number of arguments"));
  CHECK_FALSE(parse({"validate"}).ok());
}

TEST_CASE("no command word is not an error: the caller prints help", "[cli]") {
  auto args = parse({"--help"});
  REQUIRE(args.ok());
  CHECK(args->command().empty());
  CHECK(args->has("help"));
}

}  // namespace
}  // namespace crmflow::cli
