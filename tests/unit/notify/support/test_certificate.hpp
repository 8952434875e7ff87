// Tests of https: a self-signed certificate made at test time (OpenSSL 3, EC P-256), so that no
// key material lives in the repository and nothing expires.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "support/test_http_server.hpp"

namespace crmflow::test {

// A certificate valid from an hour ago for a day, naming `dns_names` and `ip_addresses` in its
// subjectAltName, signed by its own key; CA:TRUE so that it may serve as its own trust anchor.
ServerTls make_self_signed_certificate(const std::vector<std::string>& dns_names,
                                       const std::vector<std::string>& ip_addresses);

// A fresh directory under the system's temporary directory, removed with everything in it when
// this object is destroyed.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // Writes `text` to path()/name and returns that path.
  std::filesystem::path write(const std::string& name, const std::string& text) const;

 private:
  std::filesystem::path path_;
};

}  // namespace crmflow::test
