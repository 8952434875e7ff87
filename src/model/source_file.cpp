#include "model/source_file.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>
#include <utility>

namespace crmflow::model {

std::optional<std::string> read_source_file(const std::string& path,
                                            std::vector<Diagnostic>& diagnostics) {
  // A directory opens as a stream on Linux and reads as nothing: say what it is instead of
  // diagnosing an empty file.
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    diagnostics.push_back(Diagnostic{path, 0, 0, "cannot read: is a directory"});
    return std::nullopt;
  }
  std::ifstream in{path, std::ios::binary};
  if (!in) {
    diagnostics.push_back(
        Diagnostic{path, 0, 0, "cannot open the file: check the path and its permissions"});
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    diagnostics.push_back(Diagnostic{path, 0, 0, "cannot read the file"});
    return std::nullopt;
  }
  return std::move(text).str();
}

}  // namespace crmflow::model
