#include "notify/secrets.hpp"

#include <algorithm>
#include <string_view>
#include <utility>

namespace crmflow::notify {

Secrets::Secrets(std::vector<std::string> values) {
  std::erase_if(values, [](const std::string& value) { return value.size() < kMinBytes; });
  std::ranges::sort(values, [](const std::string& a, const std::string& b) {
    return a.size() != b.size() ? a.size() > b.size() : a < b;
  });
  values.erase(std::unique(values.begin(), values.end()), values.end());
  values_ = std::move(values);
}

std::string Secrets::redact(std::string text) const {
  static constexpr std::string_view kMask = "[secret]";
  for (const std::string& value : values_) {
    for (auto at = text.find(value); at != std::string::npos; at = text.find(value, at)) {
      text.replace(at, value.size(), kMask);
      at += kMask.size();
    }
  }
  return text;
}

}  // namespace crmflow::notify
