// Test support for the command and file channel tests: a fresh folder under the system's temp
// folder, removed with everything in it when the test ends, and small /bin/sh scripts in it
// that stand in for the host's programs.
#pragma once

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>

namespace crmflow::test {

class TempFolder {
 public:
  TempFolder() {
    std::string pattern = (std::filesystem::temp_directory_path() / "crmflow-notify-XXXXXX");
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  TempFolder(const TempFolder&) = delete;
  TempFolder& operator=(const TempFolder&) = delete;
  ~TempFolder() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(std::string_view name) const { return path_ / name; }

  // Writes `body` after a `#!/bin/sh` line to an executable file `name`; returns its path.
  std::string script(std::string_view name, std::string_view body) const {
    const std::filesystem::path file = path_ / name;
    write(file, "#!/bin/sh\n" + std::string{body} + "\n");
    ::chmod(file.c_str(), 0755);
    return file.string();
  }

  static void write(const std::filesystem::path& file, std::string_view text) {
    std::ofstream out{file, std::ios::binary | std::ios::trunc};
    out << text;
  }

  static std::string read(const std::filesystem::path& file) {
    std::ifstream in{file, std::ios::binary};
    return {std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
  }

 private:
  std::filesystem::path path_;
};

}  // namespace crmflow::test
