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
        server_.handler_(parser_->release(), remote_, [self](Response response) {
            auto shared = std::make_shared<Response>(std::move(response));
            net::post(self->stream_.get_executor(),
                      [self, shared] { self->write(std::move(*shared), true); });
        });
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
};

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
