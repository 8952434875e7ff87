#include "notify/http_client.hpp"

#include <fmt/format.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <condition_variable>
#include <exception>
#include <fstream>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>
#include <variant>
#include <vector>

namespace crmflow::notify {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

// The OpenSSL context every https exchange of one client shares. It is configured once in
// create() and only read afterwards (SSL_new takes references under OpenSSL's own locks), which
// is what makes concurrent post() calls safe; `mutable` because Asio wants a non-const reference.
struct HttpClient::Tls {
  mutable net::ssl::context context{net::ssl::context::tls_client};
};

namespace {

constexpr auto kNoThrow = net::as_tuple(net::use_awaitable);
constexpr std::uint32_t kMaxResponseHeader = 64 * 1024;

std::string describe(std::chrono::milliseconds timeout) {
  if (timeout.count() % 1000 == 0) return fmt::format("{}s", timeout.count() / 1000);
  return fmt::format("{}ms", timeout.count());
}

HttpFailure failure(HttpFailure::Kind kind, std::string message) {
  return HttpFailure{kind, std::move(message)};
}

// Failures of the socket operations common to every step, or nullopt for the rest. `during`
// says which step: a timeout while connecting points at the network, one while reading at the
// server.
std::optional<HttpFailure> common_failure(const boost::system::error_code& ec,
                                          std::chrono::milliseconds timeout,
                                          std::string_view during) {
  if (ec == beast::error::timeout || ec == net::error::operation_aborted) {
    return failure(HttpFailure::Kind::timeout,
                   fmt::format("timed out after {} {}", describe(timeout), during));
  }
  if (ec == net::error::connection_refused) {
    return failure(HttpFailure::Kind::refused, "connection refused");
  }
  if (ec == net::error::connection_reset) {
    return failure(HttpFailure::Kind::connection, "connection reset by the server");
  }
  return std::nullopt;
}

// What an exchange came to, and the step it is at: when the deadline stops it from outside, the
// message still says where it was.
struct Outcome {
  std::optional<HttpResult> result;
  std::string_view step = "while connecting";
};

// One request and its answer, run as a coroutine on its own io_context, which owns it (and its
// sockets) for the whole exchange. Every operation is bounded by the stream's expiry (the
// deadline); run_exchange() also stops the context at the deadline, as a second guard.
template <class Stream>
class Exchange {
 public:
  Exchange(const Url& url, std::chrono::milliseconds timeout, Stream stream,
           http::request<http::string_body>& request)
      : url_(url), timeout_(timeout), stream_(std::move(stream)), request_(request) {}

  net::awaitable<void> run(const std::vector<tcp::endpoint>& endpoints,
                           std::chrono::steady_clock::time_point deadline, Outcome& out) {
    beast::get_lowest_layer(stream_).expires_at(deadline);
    const auto [connect_error, endpoint] =
        co_await beast::get_lowest_layer(stream_).async_connect(endpoints, kNoThrow);
    if (connect_error) {
      out.result.emplace(classify(connect_error, out.step));
      co_return;
    }
    if constexpr (!std::is_same_v<Stream, beast::tcp_stream>) {
      out.step = "in the TLS handshake";
      if (auto shaken = co_await handshake(); shaken) {
        out.result.emplace(std::move(*shaken));
        co_return;
      }
    }
    out.step = "while sending the request";
    const auto [write_error, written] = co_await http::async_write(stream_, request_, kNoThrow);
    if (write_error) {
      out.result.emplace(classify(write_error, out.step));
      co_return;
    }
    out.step = "while reading the answer";
    out.result.emplace(co_await read_answer());
  }

 private:
  // nullopt when the handshake succeeded.
  net::awaitable<std::optional<HttpFailure>> handshake() {
    SSL* ssl = stream_.native_handle();
    if (url_.host_kind == Url::HostKind::name) {
      // SNI carries DNS names only (RFC 6066 §3); SSL_set1_host makes verification check it.
      // SSL_ctrl is what the SSL_set_tlsext_host_name macro expands to, without its C cast.
      char* host = const_cast<char*>(url_.host.c_str());
      if (SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name, host) != 1 ||
          SSL_set1_host(ssl, url_.host.c_str()) != 1) {
        co_return failure(HttpFailure::Kind::connection, "cannot set the TLS host name");
      }
    } else if (X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), url_.host.c_str()) != 1) {
      co_return failure(HttpFailure::Kind::connection, "cannot set the TLS host address");
    }
    const auto [error] = co_await stream_.async_handshake(net::ssl::stream_base::client, kNoThrow);
    if (!error) co_return std::nullopt;
    const long verified = SSL_get_verify_result(ssl);
    if (verified != X509_V_OK) {
      co_return failure(HttpFailure::Kind::tls_verification,
                        fmt::format("TLS certificate verification failed: {}",
                                    X509_verify_cert_error_string(verified)));
    }
    co_return classify(error, "in the TLS handshake");
  }

  net::awaitable<HttpResult> read_answer() {
    beast::flat_buffer buffer;
    for (;;) {
      http::response_parser<http::string_body> parser;
      parser.body_limit(kMaxResponseBody);
      parser.header_limit(kMaxResponseHeader);
      const auto [error, read] = co_await http::async_read(stream_, buffer, parser, kNoThrow);
      if (error) co_return classify(error, "while reading the answer");
      auto& message = parser.get();
      // Interim answers (103 Early Hints ...) precede the real one.
      if (message.result_int() / 100 == 1) continue;
      HttpResponse response;
      response.status = message.result_int();
      response.reason = std::string{message.reason()};
      for (const auto& field : message) {
        response.headers.emplace_back(std::string{field.name_string()}, std::string{field.value()});
      }
      response.body = std::move(message.body());
      co_return response;
    }
  }

  HttpFailure classify(const boost::system::error_code& ec, std::string_view during) const {
    if (auto common = common_failure(ec, timeout_, during)) return *common;
    if (ec == http::error::body_limit) {
      return failure(HttpFailure::Kind::bad_response,
                     fmt::format("answer body over {} bytes", kMaxResponseBody));
    }
    if (ec == http::error::header_limit) {
      return failure(HttpFailure::Kind::bad_response,
                     fmt::format("answer headers over {} bytes", kMaxResponseHeader));
    }
    if (ec == http::error::end_of_stream || ec == net::error::eof ||
        ec == net::ssl::error::stream_truncated || ec == http::error::partial_message) {
      return failure(HttpFailure::Kind::connection,
                     fmt::format("the server closed the connection {}", during));
    }
    if (ec.category() == http::make_error_code(http::error::bad_version).category()) {
      return failure(HttpFailure::Kind::bad_response,
                     fmt::format("not a valid HTTP answer: {}", ec.message()));
    }
    return failure(HttpFailure::Kind::connection, fmt::format("{} {}", ec.message(), during));
  }

  const Url& url_;
  std::chrono::milliseconds timeout_;
  Stream stream_;
  http::request<http::string_body>& request_;
};

template <class Stream, class... StreamArgs>
net::awaitable<void> exchange(const Url& url, std::chrono::milliseconds timeout,
                              http::request<http::string_body>& request,
                              const std::vector<tcp::endpoint>& endpoints,
                              std::chrono::steady_clock::time_point deadline, Outcome& out,
                              StreamArgs&... stream_args) {
  Exchange<Stream> exchange{url, timeout, Stream{co_await net::this_coro::executor, stream_args...},
                            request};
  co_await exchange.run(endpoints, deadline, out);
}

// A name lookup that may outlive the request that started it (see resolve()).
struct Lookup {
  std::mutex mutex;
  std::condition_variable done_changed;
  bool done = false;
  boost::system::error_code error;
  std::vector<tcp::endpoint> endpoints;
};

// The addresses of url.host, or why there are none by the deadline. getaddrinfo cannot be
// cancelled, and Asio's resolver joins its lookup thread when its io_context is destroyed, so a
// lookup stuck in a slow DNS server would overrun the deadline: the lookup runs on a detached
// thread instead, which the caller stops waiting for at the deadline (the thread ends by itself
// when the system resolver gives up).
std::variant<std::vector<tcp::endpoint>, HttpFailure> resolve(
    const Url& url, std::chrono::steady_clock::time_point deadline,
    std::chrono::milliseconds timeout) {
  if (url.host_kind != Url::HostKind::name) {
    return std::vector<tcp::endpoint>{{net::ip::make_address(url.host), url.port}};
  }
  auto lookup = std::make_shared<Lookup>();
  std::thread{[lookup, host = url.host, port = std::to_string(url.port)] {
    net::io_context io{1};
    tcp::resolver resolver{io};
    boost::system::error_code error;
    const auto results = resolver.resolve(host, port, tcp::resolver::numeric_service, error);
    const std::lock_guard lock{lookup->mutex};
    lookup->error = error;
    for (const auto& entry : results) lookup->endpoints.push_back(entry.endpoint());
    lookup->done = true;
    lookup->done_changed.notify_all();
  }}.detach();
  std::unique_lock lock{lookup->mutex};
  if (!lookup->done_changed.wait_until(lock, deadline, [&] { return lookup->done; })) {
    return failure(
        HttpFailure::Kind::timeout,
        fmt::format("timed out after {} looking up host '{}'", describe(timeout), url.host));
  }
  if (lookup->error || lookup->endpoints.empty()) {
    return failure(HttpFailure::Kind::name_resolution,
                   fmt::format("cannot resolve host '{}': {}", url.host,
                               lookup->error ? lookup->error.message() : "no address"));
  }
  return std::move(lookup->endpoints);
}

// Runs the exchange to its end or to the deadline, whichever comes first. Destroying `io` at
// the end destroys an unfinished exchange with its sockets; it has no resolver, whose
// destruction could block.
template <class Stream, class... StreamArgs>
HttpResult run_exchange(const Url& url, std::chrono::milliseconds timeout,
                        http::request<http::string_body>& request, StreamArgs&... stream_args) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto endpoints = resolve(url, deadline, timeout);
  if (const auto* failed = std::get_if<HttpFailure>(&endpoints)) return *failed;
  Outcome outcome;
  std::exception_ptr thrown;
  net::io_context io{1};
  net::co_spawn(
      io,
      exchange<Stream>(url, timeout, request, std::get<std::vector<tcp::endpoint>>(endpoints),
                       deadline, outcome, stream_args...),
      [&thrown](std::exception_ptr e) { thrown = std::move(e); });
  io.run_until(deadline);
  if (thrown) std::rethrow_exception(thrown);
  if (!outcome.result) {
    return failure(HttpFailure::Kind::timeout,
                   fmt::format("timed out after {} {}", describe(timeout), outcome.step));
  }
  return std::move(*outcome.result);
}

}  // namespace

const std::string* HttpResponse::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (beast::iequals(key, name)) return &value;
  }
  return nullptr;
}

std::string HttpResponse::status_line() const {
  std::string_view phrase = reason;
  if (phrase.empty()) phrase = http::obsolete_reason(http::int_to_status(status));
  return phrase.empty() || phrase == "<unknown-status>" ? fmt::format("{}", status)
                                                        : fmt::format("{} {}", status, phrase);
}

Result<HttpClient> HttpClient::create(Url url, HttpClientOptions options) {
  if (options.timeout <= std::chrono::milliseconds::zero()) {
    return invalid_input(fmt::format("timeout for {} must be positive", url.for_messages()));
  }
  if (!url.is_https()) return HttpClient{std::move(url), std::move(options), nullptr};
  try {
    auto tls = std::make_shared<Tls>();
    SSL_CTX* context = tls->context.native_handle();
    tls->context.set_verify_mode(net::ssl::verify_peer);
    if (SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION) != 1) {
      return internal_error("cannot require TLS 1.2 or later from OpenSSL");
    }
    boost::system::error_code ec;
    tls->context.set_default_verify_paths(ec);  // a machine without a trust store still works
    if (!options.ca_file.empty()) {
      const std::string file = options.ca_file.string();
      if (!std::ifstream{options.ca_file}.good()) {
        return invalid_input(fmt::format("ca_file '{}' cannot be read", file));
      }
      tls->context.load_verify_file(file, ec);
      if (ec) {
        return invalid_input(fmt::format(
            "ca_file '{}' holds no usable PEM certificate ({}); give the CA's certificate in PEM "
            "form",
            file, ec.message()));
      }
    }
    return HttpClient{std::move(url), std::move(options), std::move(tls)};
  } catch (const std::exception& e) {
    return internal_error(
        fmt::format("cannot set up TLS for {}: {}", url.for_messages(), e.what()));
  }
}

HttpResult HttpClient::post(const HttpHeaders& headers, std::string body,
                            std::string_view content_type) const {
  try {
    http::request<http::string_body> request{http::verb::post, url_.target, 11};
    request.set(http::field::host, url_.host_header());
    request.set(http::field::user_agent, "crmflow");
    request.set(http::field::connection, "close");
    request.set(http::field::content_type, content_type);
    // set, not insert: a configured User-Agent replaces crmflow's (the rest cannot clash, as
    // HttpRequestTemplate refuses them).
    for (const auto& [name, value] : headers) request.set(name, value);
    request.body() = std::move(body);
    request.prepare_payload();
    if (tls_ == nullptr) {
      return run_exchange<beast::tcp_stream>(url_, options_.timeout, request);
    }
    return run_exchange<beast::ssl_stream<beast::tcp_stream>>(url_, options_.timeout, request,
                                                              tls_->context);
  } catch (const std::exception& e) {
    return failure(HttpFailure::Kind::connection, fmt::format("unexpected error: {}", e.what()));
  }
}

}  // namespace crmflow::notify
