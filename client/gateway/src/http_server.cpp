#include "http_server.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>

#include <array>
#include <csignal>
#include <deque>
#include <optional>
#include <thread>
#include <vector>

namespace workitem::gateway {

namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

// One connection: reads requests one after another (HTTP/1.1 keep-alive), hands each to the
// handler and writes its answer. Every step runs on the connection's strand. Stream is
// beast::tcp_stream, or TlsStream over it when the server has a TLS context: the same code
// serves both, the TLS handshake and close_notify aside.
template <class Stream>
class HttpServer::Session : public std::enable_shared_from_this<Session<Stream>> {
    static constexpr bool tls = std::is_same_v<Stream, TlsStream>;

  public:
    Session(HttpServer& server, tcp::socket socket)
        : server_(server), stream_(open(std::move(socket), server.settings_)) {
        beast::error_code ignored;
        const auto endpoint = tcp_layer().socket().remote_endpoint(ignored);
        if (!ignored) remote_ = endpoint.address().to_string();
        ++server_.connections_;
    }
    ~Session() { --server_.connections_; }

    net::any_io_executor executor() { return stream_.get_executor(); }

    void start() {
        net::dispatch(stream_.get_executor(),
                      beast::bind_front_handler(&Session::handshake, this->shared_from_this()));
    }

  private:
    static Stream open(tcp::socket socket, const ServerSettings& settings) {
        if constexpr (tls) {
            return Stream(std::move(socket), *settings.tls);
        } else {
            return Stream(std::move(socket));
        }
    }

    beast::tcp_stream& tcp_layer() { return beast::get_lowest_layer(stream_); }

    // TLS: the handshake first, within the request deadline (a client that never completes
    // one holds no more than a slow request).
    void handshake() {
        if constexpr (tls) {
            tcp_layer().expires_after(server_.settings_.request_timeout);
            stream_.async_handshake(net::ssl::stream_base::server,
                                    [self = this->shared_from_this()](beast::error_code error) {
                                        if (error) return self->close_socket();
                                        self->read();
                                    });
        } else {
            read();
        }
    }

    void read() {
        if (server_.draining()) return close();
        parser_.emplace();
        parser_->header_limit(static_cast<std::uint32_t>(server_.settings_.max_header_bytes));
        parser_->body_limit(server_.settings_.max_body_bytes);
        // Also the idle time allowed between two requests of a kept-alive connection.
        tcp_layer().expires_after(server_.settings_.request_timeout);
        http::async_read(stream_, buffer_, *parser_,
                         beast::bind_front_handler(&Session::on_read, this->shared_from_this()));
    }

    void on_read(beast::error_code error, std::size_t) {
        if (error == http::error::end_of_stream || error == beast::error::timeout ||
            error == net::error::operation_aborted) {
            return close();
        }
        if (error == http::error::body_limit) return refuse(413);
        if (error == http::error::header_limit) return refuse(431);
        if (error) {
            // A request Beast cannot parse gets 400; a connection that broke gets nothing.
            if (error.category() == beast::error_code(http::error::bad_method).category()) {
                return refuse(400);
            }
            return close();
        }
        ++server_.in_flight_;
        if (server_.draining()) {
            // A request on a kept-alive connection after shutdown began: refused (503
            // draining), counted in flight so that its answer is written before the server
            // stops, and the connection closes behind it.
            return write(server_.refusal_(503, remote_), true);
        }
        auto self = this->shared_from_this();
        server_.handler_(parser_->release(), remote_,
                         Respond(
                             [self](Response response) {
                                 auto shared = std::make_shared<Response>(std::move(response));
                                 net::post(self->stream_.get_executor(), [self, shared] {
                                     self->write(std::move(*shared), true);
                                 });
                             },
                             [self](Response head, StreamStarted started) {
                                 auto shared = std::make_shared<Response>(std::move(head));
                                 net::post(self->stream_.get_executor(), [self, shared, started] {
                                     self->start_stream(std::move(*shared), started);
                                 });
                             }));
    }

  public:
    // A streamed answer (Respond::stream): the head, then one chunk per piece in order, and the
    // last chunk at close. The socket is read meanwhile only to notice the client going away.
    // The request counts as in flight until the stream ends.
    void stream_send(std::string text) {
        if (stream_ended_ || stream_closing_) return;
        pieces_.push_back(std::move(text));
        if (!writing_) write_piece();
    }

    void stream_close() {
        if (stream_ended_ || stream_closing_) return;
        stream_closing_ = true;
        if (!writing_) write_piece();
    }

    void stream_on_closed(std::function<void()> callback) {
        if (stream_ended_) return callback();
        on_stream_closed_ = std::move(callback);
    }

    bool stream_ended() const { return stream_ended_.load(); }

  private:
    void start_stream(Response head, const StreamStarted& started) {
        head.keep_alive(false);  // the connection ends with the stream
        head.chunked(true);
        response_ = std::make_shared<Response>(std::move(head));
        head_serializer_.emplace(*response_);
        // No deadline while it streams: the handler's keep-alive comments show the client is
        // there.
        tcp_layer().expires_never();
        writing_ = true;
        http::async_write_header(
            stream_, *head_serializer_,
            [self = this->shared_from_this()](beast::error_code error, std::size_t) {
                self->on_head_written(error);
            });
        auto handle = std::make_shared<StreamHandle<Stream>>(this->shared_from_this());
        server_.track(handle);
        started(handle);
    }

    void write_piece() {
        if (stream_ended_) return;
        if (pieces_.empty()) {
            if (stream_closing_) write_last_piece();
            return;
        }
        writing_ = true;
        net::async_write(stream_, http::make_chunk(net::buffer(pieces_.front())),
                         [self = this->shared_from_this()](beast::error_code error, std::size_t) {
                             self->writing_ = false;
                             // Ended meanwhile (the client went away): the rest is not sent.
                             if (error || self->stream_ended_) return self->end_stream();
                             self->pieces_.pop_front();
                             self->write_piece();
                         });
    }

    void write_last_piece() {
        writing_ = true;
        net::async_write(stream_, http::make_chunk_last(),
                         [self = this->shared_from_this()](beast::error_code, std::size_t) {
                             self->writing_ = false;
                             self->end_stream();
                         });
    }

    void on_head_written(beast::error_code error) {
        writing_ = false;
        if (error) return end_stream();
        watch_client();
        write_piece();
    }

    // Whatever the client sends on a stream is dropped; its end (or an error) ends the stream.
    void watch_client() {
        stream_.async_read_some(net::buffer(discarded_), [self = this->shared_from_this()](
                                                             beast::error_code error, std::size_t) {
            if (self->stream_ended_) return;
            if (error) return self->end_stream();
            self->watch_client();
        });
    }

    void end_stream() {
        if (stream_ended_.exchange(true)) return;
        --server_.in_flight_;
        // pieces_ stays: a write under way may still be reading its front.
        auto callback = std::move(on_stream_closed_);
        on_stream_closed_ = nullptr;
        close();
        if (callback) callback();
    }

    // A request refused before the handler: answered, then the connection is closed, since
    // what is left of the request on the socket cannot be told from the next one.
    void refuse(int status) {
        Response response = server_.refusal_(status, remote_);
        response.keep_alive(false);
        write(std::move(response), false);
    }

    void write(Response response, bool counted) {
        const bool keep_alive = response.keep_alive() && !server_.draining();
        response.keep_alive(keep_alive);
        response.prepare_payload();
        response_ = std::make_shared<Response>(std::move(response));
        tcp_layer().expires_after(server_.settings_.request_timeout);
        http::async_write(stream_, *response_,
                          beast::bind_front_handler(&Session::on_write, this->shared_from_this(),
                                                    keep_alive, counted));
    }

    void on_write(bool keep_alive, bool counted, beast::error_code error, std::size_t) {
        if (counted) --server_.in_flight_;
        response_.reset();
        if (error) return close();
        if (!counted) return linger();
        if (!keep_alive) return close();
        read();
    }

    // After a refusal the client may still be sending (the rest of a body too large, of a head
    // too long): closing with unread data would reset the connection, and the client could lose
    // the answer before reading it. So stop sending, read and drop what comes for a short
    // while, then close (RFC 9112 §9.6).
    void linger() {
        beast::error_code ignored;
        tcp_layer().socket().shutdown(tcp::socket::shutdown_send, ignored);
        tcp_layer().expires_after(std::chrono::seconds(2));
        drop_more();
    }

    void drop_more() {
        // Below TLS: what is dropped need not be decrypted.
        tcp_layer().async_read_some(
            net::buffer(discarded_),
            beast::bind_front_handler(&Session::on_dropped, this->shared_from_this()));
    }

    void on_dropped(beast::error_code error, std::size_t) {
        if (error) return close();  // the client closed, or the time is up
        drop_more();
    }

    void close() {
        if constexpr (tls) {
            // close_notify first, so that the client can tell the end from a cut (at most 2 s;
            // after a broken connection it fails at once).
            if (!closing_) {
                closing_ = true;
                tcp_layer().expires_after(std::chrono::seconds(2));
                return stream_.async_shutdown(
                    [self = this->shared_from_this()](beast::error_code) { self->close_socket(); });
            }
        }
        close_socket();
    }

    void close_socket() {
        beast::error_code ignored;
        tcp_layer().socket().shutdown(tcp::socket::shutdown_send, ignored);
        tcp_layer().close();
    }

    HttpServer& server_;
    Stream stream_;
    bool closing_{false};
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    std::shared_ptr<Response> response_;
    std::string remote_;
    std::array<char, 4096> discarded_{};
    // The streamed answer's state, touched on the strand only (stream_ended_ is also read by
    // ResponseStream::ended from any thread).
    std::optional<http::response_serializer<http::string_body>> head_serializer_;
    std::deque<std::string> pieces_;
    bool writing_{false};
    bool stream_closing_{false};
    std::atomic<bool> stream_ended_{false};
    std::function<void()> on_stream_closed_;
};

// The handler's side of a streamed answer: each call goes to the session's strand.
template <class Stream>
class HttpServer::StreamHandle : public ResponseStream {
  public:
    explicit StreamHandle(std::shared_ptr<Session<Stream>> session)
        : session_(std::move(session)) {}

    void send(std::string text) override {
        net::dispatch(executor(), [session = session_, text = std::move(text)]() mutable {
            session->stream_send(std::move(text));
        });
    }
    void close() override {
        net::dispatch(executor(), [session = session_] { session->stream_close(); });
    }
    void on_closed(std::function<void()> callback) override {
        net::dispatch(executor(), [session = session_, callback = std::move(callback)]() mutable {
            session->stream_on_closed(std::move(callback));
        });
    }
    bool ended() const override { return session_->stream_ended(); }

  private:
    net::any_io_executor executor() const { return session_->executor(); }
    std::shared_ptr<Session<Stream>> session_;
};

void Respond::stream(Response head, StreamStarted started) const {
    if (!streamed_ || head.result() != http::status::ok) return whole_(std::move(head));
    streamed_(std::move(head), std::move(started));
}

void HttpServer::track(const std::shared_ptr<ResponseStream>& stream) {
    std::lock_guard lock(streams_mutex_);
    std::erase_if(streams_, [](const auto& open) { return open.expired(); });
    streams_.push_back(stream);
}

void HttpServer::close_streams() {
    std::vector<std::weak_ptr<ResponseStream>> streams;
    {
        std::lock_guard lock(streams_mutex_);
        streams.swap(streams_);
    }
    for (const auto& weak : streams) {
        if (auto stream = weak.lock()) stream->close();
    }
}

HttpServer::HttpServer(ServerSettings settings, RequestHandler handler, RefusalHandler refusal)
    : settings_(std::move(settings)),
      handler_(std::move(handler)),
      refusal_(std::move(refusal)),
      io_(settings_.threads),
      acceptor_(net::make_strand(io_)) {}

HttpServer::~HttpServer() = default;

unsigned short HttpServer::listen() {
    const tcp::endpoint endpoint(net::ip::make_address(settings_.address), settings_.port);
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(net::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(net::socket_base::max_listen_connections);
    accept();
    return acceptor_.local_endpoint().port();
}

void HttpServer::accept() {
    acceptor_.async_accept(
        net::make_strand(io_), [this](beast::error_code error, tcp::socket socket) {
            if (error == net::error::operation_aborted || !acceptor_.is_open()) return;
            if (!error) {
                // An answer is written whole, at once: nothing is gained by Nagle's wait for
                // more, and with delayed ACKs it could hold the next answer's first segment.
                beast::error_code ignored;
                socket.set_option(tcp::no_delay(true), ignored);
            }
            if (error) {
            } else if (settings_.tls) {
                std::make_shared<Session<TlsStream>>(*this, std::move(socket))->start();
            } else {
                std::make_shared<Session<beast::tcp_stream>>(*this, std::move(socket))->start();
            }
            accept();
        });
}

void HttpServer::run() {
    std::vector<std::thread> others;
    for (int i = 1; i < settings_.threads; ++i) others.emplace_back([this] { io_.run(); });
    io_.run();
    for (auto& thread : others) thread.join();
}

void HttpServer::shutdown(std::chrono::milliseconds grace) {
    if (draining_.exchange(true)) return;
    // Long polls answer what they have and streams end, rather than hold the drain.
    if (on_shutdown_) on_shutdown_();
    close_streams();
    const auto deadline = std::chrono::steady_clock::now() + grace;
    net::post(acceptor_.get_executor(), [this, deadline] {
        beast::error_code ignored;
        acceptor_.close(ignored);
        wait_for_drain(deadline);
    });
}

void HttpServer::wait_for_drain(std::chrono::steady_clock::time_point deadline) {
    if (in_flight_.load() == 0 || std::chrono::steady_clock::now() >= deadline) {
        // Idle kept-alive connections are closed with the io_context; nothing is lost on them.
        io_.stop();
        return;
    }
    auto timer = std::make_shared<net::steady_timer>(io_, std::chrono::milliseconds(20));
    timer->async_wait([this, timer, deadline](beast::error_code) { wait_for_drain(deadline); });
}

void HttpServer::shutdown_on_signals(std::chrono::milliseconds grace) {
    auto signals = std::make_shared<net::signal_set>(io_, SIGINT, SIGTERM);
    signals->async_wait([this, grace](beast::error_code error, int) {
        if (!error) shutdown(grace);
    });
    signals_ = signals;
}

}  // namespace workitem::gateway
