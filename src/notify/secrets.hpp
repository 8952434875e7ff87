// crmflow::notify internal: the values of environment variables an http request read, kept so
// that no message about the exchange ever quotes them.
//
//   Secrets secrets{{"s3cr3t-token"}};
//   secrets.redact("401: bad token s3cr3t-token");  // "401: bad token [secret]"
//
// A request's templates read secrets as `{{ env.NAME }}`. Error messages are built from many
// places that never see the value on purpose but may quote it by accident: an expression error
// naming its argument, a receiver that echoes the request, a receipt. Every message that leaves
// an http channel or handler goes through redact(). Values shorter than kMinBytes are not
// treated as secrets (a flag such as "1" would otherwise blank every digit 1 of a message).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace crmflow::notify {

class Secrets {
 public:
  static constexpr std::size_t kMinBytes = 4;

  Secrets() = default;
  // Keeps the values of at least kMinBytes, longest first (so that a secret containing another
  // is replaced whole).
  explicit Secrets(std::vector<std::string> values);

  // `text` with every occurrence of every value replaced by "[secret]".
  std::string redact(std::string text) const;
  bool empty() const { return values_.empty(); }

 private:
  std::vector<std::string> values_;
};

}  // namespace crmflow::notify
