// The HTTP/1.1 server: Boost.Beast sessions on an Asio io_context run by a few threads (never a
// thread per connection), keep-alive, limits on header and body size, a deadline on reading and
// writing each request, and a graceful shutdown: stop accepting, let the requests in flight
// finish within a grace period, then stop. A handler may also answer with a stream (server-sent
// events): a head, then pieces, until either side ends it. What a request means is the
// handler's business.
#pragma once

#include "http_types.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

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

// An answer sent in pieces after its head (chunked): server-sent events. Every member may be
// called from any thread; the writing happens on the connection's strand, in order.
class ResponseStream {
  public:
    virtual ~ResponseStream() = default;
    // Queues `text` as the next piece; ignored once the stream ended.
    virtual void send(std::string text) = 0;
    // Ends the answer (what was queued is sent first) and closes the connection.
    virtual void close() = 0;
    // Called once, on an I/O thread, when the stream ends for any reason: close(), the client
    // going away, a failed write, the server's shutdown. Set it once, right after the start.
    virtual void on_closed(std::function<void()> callback) = 0;
    virtual bool ended() const = 0;
};

using StreamStarted = std::function<void(std::shared_ptr<ResponseStream>)>;

// How a handler answers a request: once, with a whole response (respond(response)), or with a
// stream (respond.stream(head, started): the head is written, then `started` gets the stream on
// the connection's strand). Exactly one of the two, once, from any thread.
class Respond {
  public:
    using Whole = std::function<void(Response)>;
    using Streamed = std::function<void(Response, StreamStarted)>;

    Respond(Whole whole, Streamed streamed = {})
        : whole_(std::move(whole)), streamed_(std::move(streamed)) {}

    void operator()(Response response) const { whole_(std::move(response)); }
    // A head of another status than 200 is sent as a whole answer instead (started is not
    // called): a stream that cannot start is refused like any request.
    void stream(Response head, StreamStarted started) const;

  private:
    Whole whole_;
    Streamed streamed_;
};

// Called on an I/O thread with a complete request; must call respond exactly once, from any
// thread (the answer is written on the connection's own strand).
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
    // Called when shutdown starts, before waiting for the requests in flight: what holds a
    // request (a long poll) answers it now. Set before run().
    void on_shutdown(std::function<void()> callback) { on_shutdown_ = std::move(callback); }

    // The io_context's executor, for timers of the handlers (long polls, streams).
    boost::asio::any_io_executor executor() { return io_.get_executor(); }

    bool draining() const { return draining_.load(); }
    int connections_open() const { return connections_.load(); }

  private:
    template <class Stream>
    class Session;
    template <class Stream>
    class StreamHandle;
    void accept();
    void track(const std::shared_ptr<ResponseStream>& stream);
    void close_streams();
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
    std::function<void()> on_shutdown_;
    std::mutex streams_mutex_;
    std::vector<std::weak_ptr<ResponseStream>> streams_;  // to close at shutdown
};

}  // namespace workitem::gateway
