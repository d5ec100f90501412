// Long polls (?wait=) and the worklist stream over HTTP, against the real database: a wait is
// answered when another client offers work or writes an event, ends empty at its deadline, is
// bounded, and holds no pooled connection; the stream sends a snapshot, then upserts (read on a
// wake-up) and removes (read on its poll), keep-alive comments, and ends at the token's expiry
// and at shutdown.
#include "http_fixture.hpp"

#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <libpq-fe.h>

#include <chrono>
#include <future>

namespace workitem::gateway {
namespace {

using namespace http_testing;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// An event-stream client: sends the request, then keeps what arrives (the head and the raw
// chunks; each event is one chunk, so its text is whole).
class StreamClient {
  public:
    StreamClient(unsigned short port, const std::string& target, const std::string& bearer,
                 const std::string& extra_header = {}) {
        socket_.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
        const std::string request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
                                    "Authorization: Bearer " + bearer + "\r\n" + extra_header +
                                    "Accept: text/event-stream\r\n\r\n";
        net::write(socket_, net::buffer(request));
    }

    // Reads until `text` arrived at or after `from`; its position, or npos after `timeout`.
    std::size_t wait_for(const std::string& text, std::chrono::milliseconds timeout,
                         std::size_t from = 0) {
        const auto deadline = Clock::now() + timeout;
        for (;;) {
            const auto found = received_.find(text, from);
            if (found != std::string::npos) return found;
            if (closed_ || !read_some(deadline)) return std::string::npos;
        }
    }

    // Reads until the server closes the connection; whether it did within `timeout`.
    bool wait_closed(std::chrono::milliseconds timeout) {
        const auto deadline = Clock::now() + timeout;
        while (!closed_) {
            if (!read_some(deadline) && !closed_) return false;
        }
        return true;
    }

    const std::string& received() const { return received_; }

  private:
    bool read_some(Clock::time_point deadline) {
        std::array<char, 4096> buffer{};
        std::optional<beast::error_code> outcome;
        std::size_t count = 0;
        socket_.async_read_some(net::buffer(buffer),
                                [&](beast::error_code error, std::size_t bytes) {
                                    outcome = error;
                                    count = bytes;
                                });
        io_.restart();
        io_.run_until(deadline);
        if (!outcome) {
            socket_.cancel();
            io_.restart();
            io_.run();
            return false;
        }
        received_.append(buffer.data(), count);
        if (*outcome) closed_ = true;
        return !*outcome;
    }

    net::io_context io_;
    tcp::socket socket_{io_};
    std::string received_;
    bool closed_{false};
};

// One pooled connection (a parked wait must not hold it), a stream that reads only on a
// wake-up (its poll is far away) and sends keep-alives often, three waiters at most, tokens
// without leeway.
class WaitHttp : public GatewayOverHttp {
  protected:
    static void SetUpTestSuite() { start_gateway(configure); }

    static void configure(GatewayConfig& config) {
        config.db_pool_size = 1;
        config.max_waiters = 3;
        config.max_wait_ms = 20000;
        config.sse_poll_interval_ms = 60000;
        config.sse_keep_alive_ms = 300;
        config.jwt_leeway_seconds = 0;
    }

    static Send claim_next(const std::string& queue, const std::string& wait,
                           const std::string& bearer) {
        return Send{.method = "POST",
                    .target = "/api/v1/workitems/claim-next?wait=" + wait,
                    .body = json{{"queue", queue}}.dump(),
                    .bearer = bearer};
    }

    static std::future<Answer> in_background(Send what) {
        return std::async(std::launch::async, [what] { return send(what); });
    }

    // The value of a gauge in /metrics.
    static double gauge(const std::string& name) {
        const auto metrics = send({.target = "/metrics", .bearer = token("ops", "reader")}).body;
        const auto at = metrics.find("\n" + name + " ");
        return at == std::string::npos ? -1 : std::stod(metrics.substr(at + name.size() + 2));
    }

    // Runs `sql` as the tests' login with this process's listener name as $1; the first value.
    static std::string about_listener(const std::string& sql) {
        std::unique_ptr<PGconn, decltype(&PQfinish)> connection(
            PQconnectdb(std::getenv("WORKITEM_TEST_DSN")), &PQfinish);
        const std::string name = "workitem-gateway-listener-" + std::to_string(::getpid());
        const char* parameters[] = {name.c_str()};
        std::unique_ptr<PGresult, decltype(&PQclear)> result(
            PQexecParams(connection.get(), sql.c_str(), 1, nullptr, parameters, nullptr, nullptr,
                         0),
            &PQclear);
        if (PQresultStatus(result.get()) != PGRES_TUPLES_OK)
            return PQerrorMessage(connection.get());
        return PQgetvalue(result.get(), 0, 0);
    }

    // Waits until this process's listener is connected (at most 10 s).
    static bool listener_connected() {
        for (int i = 0; i < 200; ++i) {
            if (about_listener("SELECT count(*) FROM pg_catalog.pg_stat_activity "
                               "WHERE application_name = $1") == "1") {
                return true;
            }
            std::this_thread::sleep_for(50ms);
        }
        return false;
    }

    // Waits until a gauge shows `value` (the parked request is registered and waiting).
    static bool gauge_reaches(const std::string& name, double value) {
        for (int i = 0; i < 100; ++i) {
            if (gauge(name) == value) return true;
            std::this_thread::sleep_for(20ms);
        }
        return false;
    }

    // Waits until a counter passes `value` (at most 2 s).
    static bool counter_passes(const std::string& name, double value) {
        for (int i = 0; i < 100; ++i) {
            if (gauge(name) > value) return true;
            std::this_thread::sleep_for(20ms);
        }
        return false;
    }
};

TEST_F(WaitHttp, ALongPollIsAnsweredWhenWorkIsOffered) {
    const auto queue = unique("queue");
    const auto started = Clock::now();
    auto waiting = in_background(claim_next(queue, "20s", token("ann", "user")));
    ASSERT_TRUE(gauge_reaches("workitem_http_long_polls_waiting", 1));
    const double wakeups = gauge("workitem_wakeups_total");
    ASSERT_GE(wakeups, 0);
    const auto item = create_item(queue);
    // The offer's commit notified the listener: counted in workitem_wakeups_total.
    EXPECT_TRUE(counter_passes("workitem_wakeups_total", wakeups));
    const auto answer = waiting.get();
    ASSERT_EQ(answer.status, 200) << answer.body;
    const auto items = answer.document()["items"];
    ASSERT_EQ(items.size(), 1u) << answer.body;
    EXPECT_EQ(items[0]["id"], item["id"]);
    EXPECT_EQ(items[0]["state"], "allocated");
    EXPECT_EQ(items[0]["owner"], "ann");
    EXPECT_LT(Clock::now() - started, 10s);  // long before the 20 s wait ended
    EXPECT_TRUE(gauge_reaches("workitem_http_long_polls_waiting", 0));
}

TEST_F(WaitHttp, ALongPollEndsEmptyAtItsDeadline) {
    const auto started = Clock::now();
    const auto answer = send(claim_next(unique("queue"), "1200ms", token("ann", "user")));
    const auto waited = Clock::now() - started;
    ASSERT_EQ(answer.status, 200) << answer.body;
    EXPECT_TRUE(answer.document()["items"].empty());
    EXPECT_GE(waited, 1200ms);
    EXPECT_LT(waited, 5s);
}

TEST_F(WaitHttp, AParkedLongPollHoldsNoConnection) {
    const auto queue = unique("queue");
    const auto ann = token("ann", "user");
    auto waiting = in_background(claim_next(queue, "10s", ann));
    ASSERT_TRUE(gauge_reaches("workitem_http_long_polls_waiting", 1));
    // The pool has one connection: the worklist is read while the long poll waits.
    const auto started = Clock::now();
    const auto worklist = send({.target = "/api/v1/worklist?queue=" + queue, .bearer = ann});
    EXPECT_EQ(worklist.status, 200) << worklist.body;
    EXPECT_LT(Clock::now() - started, 2s);
    create_item(queue);
    EXPECT_EQ(waiting.get().document()["items"].size(), 1u);
}

TEST_F(WaitHttp, AcknowledgeCommitsAtOnceThenWaitsForTheNextItem) {
    const auto queue = unique("queue");
    const auto ann = token("ann", "user");
    const auto held = create_item(queue);
    ASSERT_EQ(send({.method = "POST", .target = path_of(held) + "/claim", .bearer = ann}).status,
              200);
    auto waiting = in_background(
        {.method = "POST",
         .target = "/api/v1/workitems/acknowledge-and-claim-next?wait=10s",
         .body = json{{"outcomes", {{{"id", held["id"]}, {"output", {{"approved", true}}}}}},
                      {"queue", queue}}
                     .dump(),
         .bearer = ann});
    ASSERT_TRUE(gauge_reaches("workitem_http_long_polls_waiting", 1));
    // The outcome is committed while the request waits.
    EXPECT_EQ(send({.target = path_of(held), .bearer = ann}).document()["state"], "completed");
    const auto next = create_item(queue);
    const auto answer = waiting.get();
    ASSERT_EQ(answer.status, 200) << answer.body;
    const auto document = answer.document();
    ASSERT_EQ(document["outcomes"].size(), 1u) << answer.body;
    EXPECT_EQ(document["outcomes"][0]["kind"], "complete");
    EXPECT_TRUE(document["outcomes"][0]["status"].is_null()) << answer.body;  // no refusal
    ASSERT_EQ(document["claimed"].size(), 1u) << answer.body;
    EXPECT_EQ(document["claimed"][0]["id"], next["id"]);
}

TEST_F(WaitHttp, ARetriedLongPollReturnsTheSameItems) {
    const auto queue = unique("queue");
    auto request = claim_next(queue, "10s", token("ann", "user"));
    request.headers["Idempotency-Key"] = unique("take");
    auto waiting = in_background(request);
    ASSERT_TRUE(gauge_reaches("workitem_http_long_polls_waiting", 1));
    const auto item = create_item(queue);
    const auto first = waiting.get();
    ASSERT_EQ(first.document()["items"].size(), 1u) << first.body;
    create_item(queue);  // offered too: a new claim would take it
    // Look 1 replays its empty answer, look 2 (the key #2) the claim.
    const auto again = send(request);
    ASSERT_EQ(again.status, 200) << again.body;
    ASSERT_EQ(again.document()["items"].size(), 1u) << again.body;
    EXPECT_EQ(again.document()["items"][0]["id"], item["id"]);
}

TEST_F(WaitHttp, WaitersAreBounded) {
    const auto ann = token("ann", "user");
    std::vector<std::future<Answer>> waiting;
    for (int i = 0; i < 3; ++i)
        waiting.push_back(in_background(claim_next(unique("q"), "3s", ann)));
    ASSERT_TRUE(gauge_reaches("workitem_http_long_polls_waiting", 3));
    const auto refused = send(claim_next(unique("q"), "3s", ann));
    expect_problem(refused, 503);
    EXPECT_EQ(refused.header("Retry-After"), "1");
    // Without a wait the request does not wait, so it is served.
    EXPECT_EQ(send(claim_next(unique("q"), "0", ann)).status, 200);
    for (auto& answer : waiting) EXPECT_EQ(answer.get().status, 200);
}

TEST_F(WaitHttp, NextBatchWaitsForAnEventOfItsTenant) {
    // A tenant of its own, so that no other test's events end the wait.
    const auto tenant = unique("tenant");
    const auto boss = token("boss", "admin", tenant);
    const auto consumer = "/api/v1/event-consumers/" + unique("consumer");
    ASSERT_EQ(send({.method = "PUT", .target = consumer, .bearer = boss}).status, 201);
    const auto next = consumer + "/next-batch?wait=";
    const auto empty = send({.method = "POST", .target = next + "1s", .bearer = boss});
    EXPECT_EQ(empty.status, 204) << empty.body;

    const auto started = Clock::now();
    auto waiting = in_background({.method = "POST", .target = next + "20s", .bearer = boss});
    ASSERT_TRUE(gauge_reaches("workitem_http_long_polls_waiting", 1));
    const auto created =
        send({.method = "POST",
              .target = "/api/v1/workitems",
              .body = json{{"workflow_id", unique("wf")},
                           {"task_name", "Review"},
                           {"assignment", {{"potential_owners", {{"users", {"ann"}}}}}}}
                          .dump(),
              .bearer = boss});
    ASSERT_EQ(created.status, 201) << created.body;
    const auto batch = waiting.get();
    ASSERT_EQ(batch.status, 200) << batch.body;
    ASSERT_FALSE(batch.document()["events"].empty());
    EXPECT_EQ(batch.document()["events"][0]["aggregateid"], created.document()["id"]);
    EXPECT_LT(Clock::now() - started, 10s);
}

TEST_F(WaitHttp, TheStreamSendsASnapshotThenWhatAWakeUpReads) {
    const auto queue = unique("queue");
    const auto first = create_item(queue);
    StreamClient stream(port_, "/api/v1/worklist/stream?queue=" + queue, token("ann", "user"));
    const auto head = stream.wait_for("\r\n\r\n", 5s);
    ASSERT_NE(head, std::string::npos) << stream.received();
    EXPECT_NE(stream.received().find("HTTP/1.1 200"), std::string::npos);
    EXPECT_NE(lowercase(stream.received()).find("content-type: text/event-stream"),
              std::string::npos);
    EXPECT_NE(stream.wait_for("retry: 2000", 5s), std::string::npos);
    const auto snapshot = stream.wait_for("event: snapshot\nid: 1\ndata: ", 5s);
    ASSERT_NE(snapshot, std::string::npos) << stream.received();
    EXPECT_NE(stream.wait_for("\"id\":" + first["id"].dump(), 5s, snapshot), std::string::npos);
    EXPECT_EQ(gauge("workitem_sse_streams_open"), 1);

    // The poll is a minute away: only the wake-up of the offer can bring this one.
    const auto second = create_item(queue);
    const auto upsert = stream.wait_for("event: upsert\nid: 2\ndata: ", 10s, snapshot);
    ASSERT_NE(upsert, std::string::npos) << stream.received();
    EXPECT_NE(stream.wait_for("\"id\":" + second["id"].dump(), 5s, upsert), std::string::npos);
    EXPECT_NE(stream.wait_for(": keep-alive\n\n", 5s, upsert), std::string::npos);
}

TEST_F(WaitHttp, TheStreamAcceptsLastEventIdWithASnapshot) {
    const auto ann = token("ann", "user");
    StreamClient stream(port_, "/api/v1/worklist/stream?queue=" + unique("queue"), ann,
                        "Last-Event-ID: 41\r\n");
    EXPECT_NE(stream.wait_for("event: snapshot\nid: 1\ndata: {\"items\":[]}", 5s),
              std::string::npos)
        << stream.received();
    expect_problem(send({.target = "/api/v1/worklist/stream",
                         .bearer = ann,
                         .headers = {{"Last-Event-ID", std::string(65, '7')}}}),
                   400);
    expect_problem(send({.target = "/api/v1/worklist/stream?wait=1s", .bearer = ann}), 400);
    expect_problem(send({.target = "/api/v1/worklist/stream"}), 401);
}

TEST_F(WaitHttp, TheStreamEndsWhenTheTokenExpires) {
    auto claims = testing::claims("ann", "acme", "user", issuer, audience);
    claims["exp"] = std::chrono::duration_cast<std::chrono::seconds>(
                        std::chrono::system_clock::now().time_since_epoch() + 2s)
                        .count();
    StreamClient stream(port_, "/api/v1/worklist/stream", testing::mint_hs256(secret, claims));
    ASSERT_NE(stream.wait_for("event: snapshot", 5s), std::string::npos) << stream.received();
    EXPECT_TRUE(stream.wait_closed(6s));
    // The last chunk ended the answer before the connection closed.
    EXPECT_NE(stream.received().find("\r\n0\r\n\r\n"), std::string::npos);
}

TEST_F(WaitHttp, ShutdownAnswersLongPollsAndEndsStreams) {
    const auto ann = token("ann", "user");
    StreamClient stream(port_, "/api/v1/worklist/stream", ann);
    ASSERT_NE(stream.wait_for("event: snapshot", 5s), std::string::npos);
    auto waiting = in_background(claim_next(unique("queue"), "20s", ann));
    ASSERT_TRUE(gauge_reaches("workitem_http_long_polls_waiting", 1));
    const auto started = Clock::now();
    server_->shutdown(std::chrono::seconds(10));
    const auto answer = waiting.get();
    EXPECT_EQ(answer.status, 200) << answer.body;
    EXPECT_TRUE(answer.document()["items"].empty());
    EXPECT_TRUE(stream.wait_closed(5s));
    thread_->join();
    EXPECT_LT(Clock::now() - started, 5s);  // the drain did not wait for the grace period
    // A fresh gateway for the tests that follow in this process.
    delete thread_;
    thread_ = nullptr;
    gateway_->join();
    delete server_;
    delete gateway_;
    delete log_;
    server_ = nullptr;
    start_gateway(configure);
}

TEST_F(WaitHttp, TheListenerComesBackAfterItsConnectionIsLost) {
    ASSERT_TRUE(listener_connected());
    // Its session ends, as at a failover (a login may end its own sessions).
    ASSERT_EQ(about_listener("SELECT count(pg_catalog.pg_terminate_backend(pid)) "
                             "FROM pg_catalog.pg_stat_activity WHERE application_name = $1"),
              "1");
    // Meanwhile a long poll is still answered: it looks once a second.
    const auto ann = token("ann", "user");
    const auto queue = unique("queue");
    auto waiting = in_background(claim_next(queue, "10s", ann));
    ASSERT_TRUE(gauge_reaches("workitem_http_long_polls_waiting", 1));
    const auto item = create_item(queue);
    const auto answer = waiting.get();
    ASSERT_EQ(answer.document()["items"].size(), 1u) << answer.body;
    EXPECT_EQ(answer.document()["items"][0]["id"], item["id"]);

    // It connects again, and wake-ups work again: this stream's poll is a minute away.
    ASSERT_TRUE(listener_connected());
    const auto other = unique("queue");
    StreamClient stream(port_, "/api/v1/worklist/stream?queue=" + other, ann);
    const auto snapshot = stream.wait_for("event: snapshot", 5s);
    ASSERT_NE(snapshot, std::string::npos) << stream.received();
    const auto offered = create_item(other);
    const auto upsert = stream.wait_for("event: upsert", 10s, snapshot);
    ASSERT_NE(upsert, std::string::npos) << stream.received();
    EXPECT_NE(stream.wait_for("\"id\":" + offered["id"].dump(), 5s, upsert), std::string::npos);
}

// A stream that polls often: what no wake-up announces (a claim by someone else) is seen at
// the next poll.
class PollingStreamHttp : public GatewayOverHttp {
  protected:
    static void SetUpTestSuite() {
        start_gateway([](GatewayConfig& config) { config.sse_poll_interval_ms = 300; });
    }
};

TEST_F(PollingStreamHttp, TheStreamRemovesAnItemSomeoneElseClaimed) {
    const auto queue = unique("queue");
    const auto item = create({{"workflow_id", unique("wf")},
                              {"task_name", "Review"},
                              {"queue", queue},
                              {"assignment", {{"potential_owners", {{"users", {"ann", "bob"}}}}}}});
    StreamClient stream(port_, "/api/v1/worklist/stream?queue=" + queue, token("ann", "user"));
    const auto snapshot = stream.wait_for("event: snapshot", 5s);
    ASSERT_NE(snapshot, std::string::npos) << stream.received();
    ASSERT_NE(stream.wait_for("\"id\":" + item["id"].dump(), 5s, snapshot), std::string::npos);
    const auto claimed = send(
        {.method = "POST", .target = path_of(item) + "/claim", .bearer = token("bob", "user")});
    ASSERT_EQ(claimed.status, 200) << claimed.body;
    EXPECT_NE(stream.wait_for("event: remove\nid: 2\ndata: {\"id\":" + item["id"].dump() + "}", 5s,
                              snapshot),
              std::string::npos)
        << stream.received();
}

}  // namespace
}  // namespace workitem::gateway
