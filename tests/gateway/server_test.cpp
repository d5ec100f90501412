// The HTTP server alone, with a handler of the test's own: keep-alive, the size limits, and
// the graceful shutdown (requests in flight finish, within the grace period; no new
// connection is accepted).
#include "http_server.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

namespace workitem::gateway {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

Response text_answer(const Request& request, int status, std::string body) {
    Response response{static_cast<http::status>(status), request.version()};
    response.keep_alive(request.keep_alive());
    response.body() = std::move(body);
    return response;
}

// A server whose handler answers "/slow" after a while, on a thread of its own (as the
// database threads do), and anything else at once with the request's target.
class TestServer {
  public:
    explicit TestServer(std::chrono::milliseconds slow_for = 300ms) : slow_for_(slow_for) {
        ServerSettings settings;
        settings.port = 0;
        settings.threads = 2;
        settings.max_header_bytes = 1024;
        settings.max_body_bytes = 1024;
        settings.request_timeout = 5s;
        server_ = std::make_unique<HttpServer>(
            settings,
            [this](Request request, const std::string&, Respond respond) {
                const std::string target(request.target().data(), request.target().size());
                if (target != "/slow") return respond(text_answer(request, 200, target));
                started_slow_ = true;
                std::lock_guard lock(mutex_);
                workers_.emplace_back([this, request = std::move(request), respond] {
                    std::this_thread::sleep_for(slow_for_);
                    respond(text_answer(request, 200, "slow"));
                });
            },
            [](int status, const std::string&) {
                Response response{static_cast<http::status>(status), 11};
                response.body() = "refused";
                return response;
            });
        port_ = server_->listen();
        runner_ = std::thread([this] {
            server_->run();
            stopped_at_ = Clock::now();
        });
    }

    ~TestServer() {
        server_->shutdown(0ms);
        if (runner_.joinable()) runner_.join();
        std::lock_guard lock(mutex_);
        for (auto& worker : workers_) worker.join();
    }

    HttpServer& server() { return *server_; }
    unsigned short port() const { return port_; }
    bool started_slow() const { return started_slow_; }
    // Waits for run() to return; the time it returned.
    Clock::time_point wait_stopped() {
        runner_.join();
        return stopped_at_;
    }

  private:
    std::chrono::milliseconds slow_for_;
    std::unique_ptr<HttpServer> server_;
    unsigned short port_{};
    std::thread runner_;
    std::atomic<bool> started_slow_{false};
    Clock::time_point stopped_at_;
    std::mutex mutex_;
    std::vector<std::thread> workers_;
};

struct Client {
    net::io_context io;
    tcp::socket socket{io};

    explicit Client(unsigned short port) {
        socket.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
    }

    void send(const std::string& target) {
        http::request<http::empty_body> request{http::verb::get, target, 11};
        request.set(http::field::host, "127.0.0.1");
        http::write(socket, request);
    }

    http::response<http::string_body> receive() {
        beast::flat_buffer buffer;
        http::response<http::string_body> response;
        http::read(socket, buffer, response);
        return response;
    }
};

TEST(GatewayServer, KeepsConnectionsAlive) {
    TestServer test;
    Client client(test.port());
    for (const char* target : {"/a", "/b", "/c"}) {
        client.send(target);
        const auto response = client.receive();
        EXPECT_EQ(response.result_int(), 200u);
        EXPECT_EQ(response.body(), target);
        EXPECT_TRUE(response.keep_alive());
    }
    EXPECT_EQ(test.server().connections_open(), 1);
}

TEST(GatewayServer, RefusesABodyOverTheLimitBeforeReadingIt) {
    TestServer test;
    Client client(test.port());
    const std::string head =
        "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        "Content-Length: 100000\r\n\r\n";
    net::write(client.socket, net::buffer(head));
    const auto response = client.receive();
    EXPECT_EQ(response.result_int(), 413u);
    EXPECT_FALSE(response.keep_alive());
}

TEST(GatewayServer, RefusesHeadersOverTheLimit) {
    TestServer test;
    Client client(test.port());
    const std::string head =
        "GET /a HTTP/1.1\r\nHost: x\r\nX-Padding: " + std::string(3000, 'p') + "\r\n\r\n";
    net::write(client.socket, net::buffer(head));
    const auto response = client.receive();
    EXPECT_EQ(response.result_int(), 431u);
}

TEST(GatewayServer, RefusesWhatIsNotHttp) {
    TestServer test;
    Client client(test.port());
    net::write(client.socket, net::buffer(std::string("HELLO THERE\r\n\r\n")));
    EXPECT_EQ(client.receive().result_int(), 400u);
}

TEST(GatewayServer, ShutdownLetsTheRequestInFlightFinish) {
    TestServer test(300ms);
    Client client(test.port());
    client.send("/slow");
    while (!test.started_slow()) std::this_thread::sleep_for(5ms);
    const auto shutdown_at = Clock::now();
    test.server().shutdown(5s);
    const auto response = client.receive();
    EXPECT_EQ(response.result_int(), 200u);
    EXPECT_EQ(response.body(), "slow");
    EXPECT_FALSE(response.keep_alive());  // the connection closes behind it
    const auto stopped_at = test.wait_stopped();
    EXPECT_LT(stopped_at - shutdown_at, 3s);
    // No new connection is accepted any more.
    EXPECT_THROW(Client{test.port()}, boost::system::system_error);
}

TEST(GatewayServer, ShutdownRefusesRequestsArrivingOnKeptAliveConnections) {
    TestServer test(500ms);
    Client idle(test.port());
    idle.send("/a");
    EXPECT_EQ(idle.receive().result_int(), 200u);
    Client busy(test.port());
    busy.send("/slow");
    while (!test.started_slow()) std::this_thread::sleep_for(5ms);
    test.server().shutdown(5s);
    // The server waits for /slow; a new request on the idle connection is refused meanwhile.
    idle.send("/b");
    const auto refused = idle.receive();
    EXPECT_EQ(refused.result_int(), 503u);
    EXPECT_EQ(refused.body(), "refused");
    EXPECT_FALSE(refused.keep_alive());
    EXPECT_EQ(busy.receive().body(), "slow");
}

TEST(GatewayServer, ShutdownStopsWaitingAfterTheGracePeriod) {
    TestServer test(3s);
    Client client(test.port());
    client.send("/slow");
    while (!test.started_slow()) std::this_thread::sleep_for(5ms);
    const auto shutdown_at = Clock::now();
    test.server().shutdown(200ms);
    const auto stopped_at = test.wait_stopped();
    EXPECT_GE(stopped_at - shutdown_at, 150ms);
    EXPECT_LT(stopped_at - shutdown_at, 2s);
}

TEST(GatewayServer, ShutdownClosesIdleConnectionsAtOnce) {
    TestServer test;
    Client idle(test.port());
    idle.send("/a");
    EXPECT_EQ(idle.receive().result_int(), 200u);
    const auto shutdown_at = Clock::now();
    test.server().shutdown(5s);
    EXPECT_LT(test.wait_stopped() - shutdown_at, 1s);
}

}  // namespace
}  // namespace workitem::gateway
