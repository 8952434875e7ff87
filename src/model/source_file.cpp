#include "model/source_file.hpp"

#include "yaml/reader.hpp"

namespace crmflow::model {

std::optional<std::string> read_source_file(const std::string& path,
                                            std::vector<Diagnostic>& diagnostics,
                                            std::size_t max_bytes) {
  Result<std::string> text = yaml::read_text_file(path, max_bytes);
  if (!text) {
    diagnostics.push_back(Diagnostic{path, 0, 0, text.error().message});
    return std::nullopt;
  }
  return *std::move(text);
}

}  // namespace crmflow::model
