#include "support/test_certificate.hpp"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <stdexcept>

namespace crmflow::test {
namespace {

template <auto free_function>
struct Deleter {
  template <class T>
  void operator()(T* p) const {
    free_function(p);
  }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using CertPtr = std::unique_ptr<X509, Deleter<X509_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO_free_all>>;
using ExtPtr = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION_free>>;

void check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error{std::string{"OpenSSL: "} + what};
}

void add_extension(X509* cert, int nid, const std::string& value) {
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, cert, cert, nullptr, nullptr, 0);
  ExtPtr extension{X509V3_EXT_conf_nid(nullptr, &context, nid, value.c_str())};
  check(extension != nullptr, "X509V3_EXT_conf_nid");
  check(X509_add_ext(cert, extension.get(), -1) == 1, "X509_add_ext");
}

template <class Write>
std::string pem(Write write) {
  BioPtr bio{BIO_new(BIO_s_mem())};
  check(bio != nullptr && write(bio.get()) == 1, "PEM_write");
  std::string text(BIO_ctrl_pending(bio.get()), '\0');
  check(BIO_read(bio.get(), text.data(), static_cast<int>(text.size())) ==
            static_cast<int>(text.size()),
        "BIO_read");
  return text;
}

}  // namespace

ServerTls make_self_signed_certificate(const std::vector<std::string>& dns_names,
                                       const std::vector<std::string>& ip_addresses) {
  KeyPtr key{EVP_EC_gen("P-256")};
  check(key != nullptr, "EVP_EC_gen");
  CertPtr cert{X509_new()};
  check(cert != nullptr, "X509_new");
  check(X509_set_version(cert.get(), 2) == 1, "X509_set_version");  // v3
  check(ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), std::rand() + 1) == 1, "serial");
  check(X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600) != nullptr, "notBefore");
  check(X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600) != nullptr, "notAfter");
  check(X509_set_pubkey(cert.get(), key.get()) == 1, "X509_set_pubkey");
  X509_NAME* name = X509_get_subject_name(cert.get());
  const std::string common_name = "crmflow test";
  check(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(common_name.c_str()), -1,
                                   -1, 0) == 1,
        "CN");
  check(X509_set_issuer_name(cert.get(), name) == 1, "X509_set_issuer_name");
  std::string alt_names;
  for (const std::string& dns : dns_names)
    alt_names += (alt_names.empty() ? "DNS:" : ",DNS:") + dns;
  for (const std::string& ip : ip_addresses) alt_names += (alt_names.empty() ? "IP:" : ",IP:") + ip;
  add_extension(cert.get(), NID_basic_constraints, "critical,CA:TRUE");
  add_extension(cert.get(), NID_subject_key_identifier, "hash");
  add_extension(cert.get(), NID_subject_alt_name, alt_names);
  check(X509_sign(cert.get(), key.get(), EVP_sha256()) > 0, "X509_sign");
  return ServerTls{
      pem([&](BIO* bio) { return PEM_write_bio_X509(bio, cert.get()); }),
      pem([&](BIO* bio) {
        return PEM_write_bio_PrivateKey(bio, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
      }),
  };
}

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "crmflow-http-XXXXXX").string();
  check(mkdtemp(pattern.data()) != nullptr, "mkdtemp");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::filesystem::path TempDir::write(const std::string& name, const std::string& text) const {
  const std::filesystem::path file = path_ / name;
  std::ofstream{file, std::ios::binary} << text;
  return file;
}

}  // namespace crmflow::test
