// Every file under tests/definitions/ and every process in examples/, loaded in-process with the
// convention of tests/definitions/README.md: valid files load with no diagnostic; each invalid
// file gives exactly the diagnostics its `# expect: LINE:COL: TEXT` lines name.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "crmflow/process.hpp"

namespace {

namespace fs = std::filesystem;

struct Expectation {
  std::uint32_t line;
  std::uint32_t column;
  std::string text;
};

std::vector<Expectation> read_expectations(const fs::path& file) {
  std::ifstream in{file};
  std::vector<Expectation> out;
  static const std::regex kLine{R"(# expect: (\d+):(\d+): ?(.*))"};
  std::string line;
  std::smatch m;
  while (std::getline(in, line) && std::regex_match(line, m, kLine)) {
    std::string text = m[3].str();
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out.push_back({static_cast<std::uint32_t>(std::stoul(m[1].str())),
                   static_cast<std::uint32_t>(std::stoul(m[2].str())), text});
  }
  return out;
}

std::vector<fs::path> yaml_files(const fs::path& dir) {
  std::vector<fs::path> out;
  if (!fs::exists(dir)) return out;
  for (const auto& entry : fs::directory_iterator{dir}) {
    if (entry.path().extension() == ".yaml") out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string formatted(const crmflow::LoadOutcome& outcome) {
  std::string out;
  for (const auto& d : outcome.diagnostics) out += d.format() + "\n";
  return out;
}

}  // namespace

TEST_CASE("invalid definitions give exactly their expected diagnostics", "[loader][files]") {
  const auto files = yaml_files(fs::path{CRMFLOW_TEST_DATA} / "definitions" / "invalid");
  REQUIRE(files.size() >= 40);
  for (const fs::path& file : files) {
    const auto expected = read_expectations(file);
    const auto outcome = crmflow::load_process_file(file.string());
    INFO(file.filename().string() << "\n" << formatted(outcome));
    CHECK_FALSE(expected.empty());
    CHECK_FALSE(outcome.ok());
    std::vector<crmflow::Diagnostic> left = outcome.diagnostics;
    for (const Expectation& e : expected) {
      auto hit = std::find_if(left.begin(), left.end(), [&](const crmflow::Diagnostic& d) {
        return d.line == e.line && d.column == e.column &&
               d.message.find(e.text) != std::string::npos;
      });
      INFO("expected " << e.line << ":" << e.column << ": " << e.text);
      CHECK(hit != left.end());
      if (hit != left.end()) left.erase(hit);
    }
    CHECK(left.empty());
  }
}

TEST_CASE("valid definitions and the examples load without a diagnostic", "[loader][files]") {
  std::vector<fs::path> files = yaml_files(fs::path{CRMFLOW_TEST_DATA} / "definitions" / "valid");
  for (const fs::path& example : yaml_files(fs::path{CRMFLOW_SOURCE_DIR} / "examples")) {
    // Only process definitions: calendars and directories live beside them.
    std::ifstream in{example};
    std::string text{std::istreambuf_iterator<char>{in}, {}};
    if (std::regex_search(text, std::regex{"(^|\n)process:"})) files.push_back(example);
  }
  REQUIRE_FALSE(files.empty());
  for (const fs::path& file : files) {
    const auto outcome = crmflow::load_process_file(file.string());
    INFO(file.string() << "\n" << formatted(outcome));
    CHECK(outcome.ok());
  }
}
