// The HTTP/1.1 server: Boost.Beast sessions on an Asio io_context run by a few threads (never a
// thread per connection), keep-alive, limits on header and body size, a deadline on reading and
// writing each request, and a graceful shutdown: stop accepting, let the requests in flight
// finish within a grace period, then stop. What a request means is the handler's business.
#pragma once

#include "http_types.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

namespace workitem::gateway {

struct ServerSettings {
    std::string address{"127.0.0.1"};
    unsigned short port{8080};
    int threads{2};
    std::size_t max_header_bytes{8 * 1024};
    std::size_t max_body_bytes{2 * 1024 * 1024};
    std::chrono::milliseconds request_timeout{30000};
    std::shared_ptr<boost::asio::ssl::context> tls{};  // null: plain HTTP
};

// Called on an I/O thread with a complete request; must call respond exactly once, from any
// thread (the answer is written on the connection's own strand).
using Respond = std::function<void(Response)>;
using RequestHandler =
    std::function<void(Request request, const std::string& remote, Respond respond)>;
// Builds the answer to a request the server refuses before the handler sees it (431, 413,
// 400; 503 for a request arriving once the server shuts down), and records it.
using RefusalHandler = std::function<Response(int status, const std::string& remote)>;

class HttpServer {
  public:
    HttpServer(ServerSettings settings, RequestHandler handler, RefusalHandler refusal);
    ~HttpServer();

    // Binds and listens (throws boost::system::system_error when it cannot); returns the port,
    // the one chosen by the system when the settings ask for 0.
    unsigned short listen();
    // Runs the I/O threads until the server stops; returns after all of them ended.
    void run();
    // Stops accepting and stops once no request is in flight or the grace period ran out.
    // Thread-safe; later calls do nothing.
    void shutdown(std::chrono::milliseconds grace);
    // Calls shutdown(grace) on SIGTERM or SIGINT.
    void shutdown_on_signals(std::chrono::milliseconds grace);

    bool draining() const { return draining_.load(); }
    int connections_open() const { return connections_.load(); }

  private:
    template <class Stream>
    class Session;
    void accept();
    void wait_for_drain(std::chrono::steady_clock::time_point deadline);

    ServerSettings settings_;
    RequestHandler handler_;
    RefusalHandler refusal_;
    // Before io_: sessions destroyed with the io_context still count themselves out.
    std::atomic<bool> draining_{false};
    std::atomic<int> in_flight_{0};
    std::atomic<int> connections_{0};
    boost::asio::io_context io_;
    boost::asio::ip::tcp::acceptor acceptor_;
    std::shared_ptr<void> signals_;  // the signal_set, when shutdown_on_signals was called
};

}  // namespace workitem::gateway
