#include "support/test_http_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <stdexcept>

namespace crmflow::test {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {
constexpr auto kNoThrow = net::as_tuple(net::use_awaitable);
}  // namespace

// Coroutines take a plain State*: they live in `io`, which State owns, so State outlives them.
struct TestHttpServer::State {
  std::optional<net::ssl::context> tls;  // before `io`: the streams in it use the context
  net::io_context io{1};
  tcp::acceptor acceptor{io};
  mutable std::mutex mutex;
  std::deque<Reply> script;
  std::vector<RecordedRequest> requests;

  Reply next_reply(RecordedRequest request) {
    std::lock_guard lock{mutex};
    requests.push_back(std::move(request));
    if (script.empty()) return Reply::answer(200, "ok");
    Reply reply = std::move(script.front());
    script.pop_front();
    return reply;
  }
};

namespace {

template <class Stream>
net::awaitable<void> serve(TestHttpServer::State* state, Stream stream) {
  if constexpr (!std::is_same_v<Stream, beast::tcp_stream>) {
    const auto [error] = co_await stream.async_handshake(net::ssl::stream_base::server, kNoThrow);
    if (error) co_return;  // the client refused our certificate
  }
  beast::flat_buffer buffer;
  http::request<http::string_body> request;
  const auto [read_error, read] = co_await http::async_read(stream, buffer, request, kNoThrow);
  if (read_error) co_return;
  RecordedRequest recorded{
      std::string{request.method_string()}, std::string{request.target()}, {}, request.body()};
  for (const auto& field : request) {
    recorded.headers.emplace_back(std::string{field.name_string()}, std::string{field.value()});
  }
  Reply reply = state->next_reply(std::move(recorded));
  if (reply.action == Reply::Action::close) co_return;  // destroying the stream closes it
  if (reply.action == Reply::Action::hang) {
    net::steady_timer forever{co_await net::this_coro::executor, std::chrono::hours{1}};
    co_await forever.async_wait(kNoThrow);
    co_return;
  }
  http::response<http::string_body> response{static_cast<http::status>(reply.status), 11};
  for (const auto& [name, value] : reply.headers) response.set(name, value);
  response.body() = reply.body;
  response.keep_alive(false);
  response.prepare_payload();
  co_await http::async_write(stream, response, kNoThrow);
  if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  } else {
    co_await stream.async_shutdown(kNoThrow);
  }
}

net::awaitable<void> accept_loop(TestHttpServer::State* state) {
  for (;;) {
    auto [error, socket] = co_await state->acceptor.async_accept(kNoThrow);
    if (error) co_return;
    beast::tcp_stream plain{std::move(socket)};
    if (state->tls) {
      net::co_spawn(
          state->io,
          serve(state, beast::ssl_stream<beast::tcp_stream>{std::move(plain), *state->tls}),
          net::detached);
    } else {
      net::co_spawn(state->io, serve(state, std::move(plain)), net::detached);
    }
  }
}

}  // namespace

std::string RecordedRequest::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (beast::iequals(key, name)) return value;
  }
  return {};
}

bool RecordedRequest::has_header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (beast::iequals(key, name)) return true;
  }
  return false;
}

TestHttpServer::TestHttpServer(std::optional<ServerTls> tls)
    : state_(std::make_unique<State>()), tls_(tls.has_value()) {
  if (tls) {
    auto& context = state_->tls.emplace(net::ssl::context::tls_server);
    context.use_certificate_chain(net::buffer(tls->certificate_pem));
    context.use_private_key(net::buffer(tls->key_pem), net::ssl::context::pem);
  }
  const tcp::endpoint endpoint{net::ip::make_address("127.0.0.1"), 0};
  state_->acceptor.open(endpoint.protocol());
  state_->acceptor.bind(endpoint);
  state_->acceptor.listen();
  port_ = state_->acceptor.local_endpoint().port();
  net::co_spawn(state_->io, accept_loop(state_.get()), net::detached);
  thread_ = std::thread{[state = state_.get()] { state->io.run(); }};
}

TestHttpServer::~TestHttpServer() {
  state_->io.stop();
  thread_.join();
}

void TestHttpServer::script(std::vector<Reply> replies) {
  std::lock_guard lock{state_->mutex};
  for (Reply& reply : replies) state_->script.push_back(std::move(reply));
}

std::string TestHttpServer::url(std::string_view path, std::string_view host) const {
  return std::string{tls_ ? "https://" : "http://"} + std::string{host} + ":" +
         std::to_string(port_) + std::string{path};
}

std::vector<RecordedRequest> TestHttpServer::requests() const {
  std::lock_guard lock{state_->mutex};
  return state_->requests;
}

std::uint16_t unused_port() {
  net::io_context io;
  tcp::acceptor acceptor{io, tcp::endpoint{net::ip::make_address("127.0.0.1"), 0}};
  return acceptor.local_endpoint().port();
}

}  // namespace crmflow::test
