// The YAML reader's bounds: nesting, aliases (reader_test.cpp has the alias bombs), and the size
// of the files it reads, which a path to a device that never ends must not get past.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>

#include "yaml/reader.hpp"

namespace crmflow::yaml {
namespace {

TEST_CASE("limits name themselves and their values", "[yaml][limits]") {
  Result<Document> deep = parse("a: [[1]]\n", "deep.yaml", Limits{.max_depth = 2});
  REQUIRE_FALSE(deep.ok());
  CHECK(deep.error().message ==
        "deep.yaml:1:5: error: lists and mappings nest deeper than 2 levels (limit "
        "max_yaml_depth = 2)");
  Result<Document> aliases =
      parse("a: &a [1]\nb: *a\n", "aliases.yaml", Limits{.max_alias_nodes = 1});
  REQUIRE_FALSE(aliases.ok());
  CHECK(aliases.error().message ==
        "aliases.yaml:2:4: error: aliases expand to more than 1 nodes (at alias '*a'), past the "
        "limit max_alias_nodes = 1: write the repeated parts out or use fewer aliases");
}

TEST_CASE("read_text_file reads at most one byte past its bound", "[yaml][limits]") {
  // /dev/zero never ends: the bound is what stops the read.
  Result<std::string> endless = read_text_file("/dev/zero", 1000);
  REQUIRE_FALSE(endless.ok());
  CHECK(endless.error().code == ErrorCode::invalid_input);
  CHECK(endless.error().message ==
        "the file holds more than 1000 bytes, more than any file crmflow reads should: check the "
        "path");
  Result<Document> parsed = parse_file("/dev/zero", Limits{.max_file_bytes = 10});
  REQUIRE_FALSE(parsed.ok());
  CHECK_THAT(parsed.error().message, Catch::StartsWith("/dev/zero: the file holds more than 10"));
}

TEST_CASE("read_text_file: a file at its bound, a directory, a missing file", "[yaml][limits]") {
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() / "crmflow-yaml-limits-test.yaml";
  {
    std::ofstream out{path, std::ios::binary};
    out << std::string(200'000, 'x');  // several pieces of the reader's 64 KiB
  }
  Result<std::string> whole = read_text_file(path, 200'000);
  REQUIRE(whole.ok());
  CHECK(whole->size() == 200'000);
  CHECK_FALSE(read_text_file(path, 199'999).ok());
  std::filesystem::remove(path);

  Result<std::string> folder = read_text_file(std::filesystem::temp_directory_path());
  REQUIRE_FALSE(folder.ok());
  CHECK(folder.error().message == "cannot read: is a directory");
  Result<std::string> missing = read_text_file("/nonexistent/crmflow.yaml");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == ErrorCode::not_found);
}

}  // namespace
}  // namespace crmflow::yaml
