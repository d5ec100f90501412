// Clients that try to exhaust the real gateway process, over loopback: slow clients
// (slowloris) hold no thread and are closed by the read deadline, and 1,000 concurrent
// keep-alive connections are all answered with the process's thread count unchanged — a
// connection costs a socket and buffers, never a thread (client/gateway/DESIGN.md, "Threads,
// pool and back-pressure").
#include "gateway_process.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include <atomic>
#include <memory>

namespace workitem::gateway {
namespace {

using namespace process_testing;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// 1,000 connections, the few sockets of the test itself, and the gateway's own (it inherits
// the limit).
constexpr rlim_t open_files_needed = 1100;

class GatewayAbuse : public ::testing::Test {
  protected:
    void SetUp() override {
        if (test_dsn() == nullptr) GTEST_SKIP() << "WORKITEM_TEST_DSN is not set: no database";
        if (!raise_open_file_limit(open_files_needed)) {
            GTEST_SKIP() << "the open-file limit cannot reach " << open_files_needed
                         << " (ulimit -Hn): 1,000 connections need it";
        }
    }
};

// A connection sending the head of a request a byte a second, and noticing when the gateway
// closes it.
struct SlowClient {
    explicit SlowClient(net::io_context& io) : socket(io) {}
    tcp::socket socket;
    std::size_t sent{0};
    std::atomic<bool> closed{false};
    std::array<char, 256> ignored{};
};

TEST_F(GatewayAbuse, SlowClientsHoldNoThreadAndAreClosedByTheReadDeadline) {
    GatewayProcess gateway({"--request-timeout-ms", "3000", "--io-threads", "2"});
    const auto boss = token("boss");
    ASSERT_EQ(gateway.get("/api/v1/workitems?limit=1", boss).status, 200);
    const int threads_before = gateway.threads();

    // 200 connections, each sending its head a byte a second: 36 bytes would take 36 s.
    const std::string head = "GET /livez HTTP/1.1\r\nHost: slow\r\n\r\n";
    net::io_context io;
    std::vector<std::unique_ptr<SlowClient>> slow;
    for (int i = 0; i < 200; ++i) {
        auto client = std::make_unique<SlowClient>(io);
        client->socket.connect(gateway.endpoint());
        auto* raw = client.get();
        client->socket.async_read_some(
            net::buffer(raw->ignored),
            [raw](beast::error_code, std::size_t) { raw->closed = true; });
        slow.push_back(std::move(client));
    }
    net::steady_timer tick(io);
    std::function<void()> dribble = [&] {
        for (auto& client : slow) {
            if (client->closed || client->sent >= head.size()) continue;
            beast::error_code error;
            net::write(client->socket, net::buffer(head.data() + client->sent, 1), error);
            if (!error) ++client->sent;
        }
        tick.expires_after(1s);
        tick.async_wait([&](beast::error_code error) {
            if (!error) dribble();
        });
    };
    dribble();
    std::thread driver([&] { io.run(); });
    const auto count_closed = [&] {
        int closed = 0;
        for (const auto& client : slow) closed += client->closed ? 1 : 0;
        return closed;
    };

    std::this_thread::sleep_for(1200ms);
    const int threads_during = gateway.threads();
    // A normal request meanwhile is answered while every slow one still waits.
    const auto reply = gateway.get("/api/v1/workitems?limit=1", boss);
    const int closed_when_answered = count_closed();
    EXPECT_EQ(reply.status, 200) << reply.body;
    EXPECT_EQ(closed_when_answered, 0)
        << "the normal request waited for the slow ones' deadline: they held the threads";
    EXPECT_EQ(threads_during, threads_before);

    // The read deadline (3 s) closes them, long before their heads could be complete.
    const auto give_up = Clock::now() + 15s;
    while (count_closed() < 200 && Clock::now() < give_up) std::this_thread::sleep_for(100ms);
    EXPECT_EQ(count_closed(), 200);
    for (const auto& client : slow) EXPECT_LT(client->sent, head.size());
    io.stop();
    driver.join();
}

// One keep-alive connection making `requests` requests one after another.
class KeptAlive : public std::enable_shared_from_this<KeptAlive> {
  public:
    KeptAlive(net::io_context& io, std::vector<std::string> targets, std::string bearer,
              std::atomic<int>& answered, std::atomic<int>& failed)
        : stream_(io),
          targets_(std::move(targets)),
          bearer_(std::move(bearer)),
          answered_(answered),
          failed_(failed) {}

    void start(const tcp::endpoint& endpoint) {
        stream_.expires_after(60s);
        stream_.async_connect(endpoint, [self = shared_from_this()](beast::error_code error) {
            if (error) return self->fail();
            self->next();
        });
    }

  private:
    void next() {
        if (done_ == targets_.size()) return;  // the connection stays open until the test ends
        request_ = {http::verb::get, targets_[done_], 11};
        request_.set(http::field::host, "127.0.0.1");
        request_.set(http::field::authorization, "Bearer " + bearer_);
        http::async_write(stream_, request_,
                          [self = shared_from_this()](beast::error_code error, std::size_t) {
                              if (error) return self->fail();
                              self->response_ = {};
                              http::async_read(self->stream_, self->buffer_, self->response_,
                                               [self](beast::error_code read_error, std::size_t) {
                                                   self->on_response(read_error);
                                               });
                          });
    }

    void on_response(beast::error_code error) {
        if (error || response_.result_int() != 200 || !response_.keep_alive()) return fail();
        ++answered_;
        ++done_;
        next();
    }

    void fail() { ++failed_; }

    beast::tcp_stream stream_;
    std::vector<std::string> targets_;
    std::string bearer_;
    std::atomic<int>& answered_;
    std::atomic<int>& failed_;
    std::size_t done_{0};
    beast::flat_buffer buffer_;
    http::request<http::empty_body> request_;
    http::response<http::string_body> response_;
};

TEST_F(GatewayAbuse, AThousandKeepAliveConnectionsAreAllAnsweredWithTheThreadCountFlat) {
    // No rate limit here (one token makes every request), and time enough to queue for the
    // database: the point is that every request is answered.
    GatewayProcess gateway({"--io-threads", "2", "--db-acquire-timeout-ms", "60000",
                            "--rate-limit-per-second", "0", "--tenant-rate-limit-per-second", "0"});
    const auto boss = token("boss");
    ASSERT_EQ(gateway.get("/api/v1/workitems?limit=1", boss).status, 200);
    const int threads_before = gateway.threads();

    constexpr int connections = 1000;
    const std::vector<std::string> targets{"/livez", "/api/v1/workitems?limit=1", "/livez",
                                           "/api/v1/workitems/count"};
    std::atomic<int> answered{0};
    std::atomic<int> failed{0};
    net::io_context io;
    std::vector<std::shared_ptr<KeptAlive>> clients;
    for (int i = 0; i < connections; ++i) {
        clients.push_back(std::make_shared<KeptAlive>(io, targets, boss, answered, failed));
        clients.back()->start(gateway.endpoint());
    }
    std::thread driver([&] { io.run(); });

    const int expected = connections * static_cast<int>(targets.size());
    int threads_most = threads_before;
    const auto give_up = Clock::now() + 60s;
    while (answered + failed < expected && Clock::now() < give_up) {
        threads_most = std::max(threads_most, gateway.threads());
        std::this_thread::sleep_for(20ms);
    }
    // All connections are still open here: the count is taken with them.
    threads_most = std::max(threads_most, gateway.threads());
    const auto metrics = gateway.get("/metrics", boss);
    EXPECT_EQ(failed.load(), 0);
    EXPECT_EQ(answered.load(), expected);
    EXPECT_EQ(threads_most, threads_before);
    EXPECT_NE(
        metrics.body.find("workitem_http_connections_open " + std::to_string(connections + 1)),
        std::string::npos)
        << "the connections were not all open at once";
    io.stop();
    driver.join();
}

}  // namespace
}  // namespace workitem::gateway
