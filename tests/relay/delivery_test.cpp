// One batch through a sink (docs/relay.md, Delivery guarantees): every event acknowledged before
// deliver() returns true; a retried event holds back its item's later events, not other items';
// a permanent refusal and max_attempts failures go to the dead letters; an open breaker's
// refusals are not charged to the event.
#include "delivery.hpp"
#include "stdout_sink.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <sstream>

#include <unistd.h>

using namespace workitem::relay;
using namespace std::chrono_literals;

namespace {

class ScriptedSink final : public Sink {
  public:
    std::function<Delivery(const RelayEvent&, int call)> script;
    std::vector<std::string> calls;      // event ids, in call order
    std::vector<std::string> delivered;  // acknowledged, in order
    bool together = false;               // pipelined: deliver_all is called, rounds recorded
    std::vector<std::vector<std::string>> rounds;
    Delivery deliver(const RelayEvent& event) override {
        calls.push_back(event.id);
        auto result = script(event, static_cast<int>(calls.size()));
        if (result.outcome == Delivery::Outcome::delivered) delivered.push_back(event.id);
        return result;
    }
    bool pipelined() const override { return together; }
    std::vector<Delivery> deliver_all(const std::vector<const RelayEvent*>& events) override {
        auto& round = rounds.emplace_back();
        for (const auto* event : events) round.push_back(event->id);
        return Sink::deliver_all(events);
    }
};

RelayEvent event(std::int64_t seq, std::int64_t item, std::int64_t version,
                 std::string type = "workitem.updated") {
    return RelayEvent{.seq = seq,
                      .id = "e" + std::to_string(seq),
                      .tenant_id = "acme",
                      .aggregatetype = "workitem",
                      .item_id = item,
                      .item_version = version,
                      .type = std::move(type),
                      .envelope = "{}"};
}

struct Harness {
    SinkConfig config;
    ScriptedSink sink;
    std::unique_ptr<CircuitBreaker> breaker;
    SinkStats stats;
    std::ostringstream log_text;
    Log log{log_text, Level::error};
    std::vector<std::pair<std::string, std::string>> dead;  // event id, reason

    Harness() {
        config.name = "test";
        config.retry = RetrySettings{
            .max_attempts = 3, .initial_backoff = 1ms, .max_backoff = 2ms, .max_retry_after = 5ms};
        config.breaker = BreakerSettings{.consecutive_failures = 1000,
                                         .failure_rate = 1.0,
                                         .window = 1000,
                                         .min_calls = 1000,
                                         .open_for = 20ms};
    }
    bool run(const std::vector<RelayEvent>& events) {
        breaker = std::make_unique<CircuitBreaker>(config.breaker);
        BatchDelivery delivery(
            config, sink, *breaker, stats,
            [this](const RelayEvent& e, const std::string& reason, const std::string&, int) {
                dead.emplace_back(e.id, reason);
            },
            log);
        std::stop_source stop;
        return delivery.deliver(events, stop.get_token());
    }
};

Delivery fail_retry() {
    return Delivery::failed(Delivery::Outcome::retry, "http_503", "down");
}

// A sink that fails each named event (a retry outcome) that many times, then acknowledges it.
std::function<Delivery(const RelayEvent&, int)> fails_first(std::map<std::string, int> failures) {
    return [failures](const RelayEvent& e, int) mutable {
        if (failures[e.id] > 0) {
            --failures[e.id];
            return fail_retry();
        }
        return Delivery::ok();
    };
}

}  // namespace

TEST(RelayDelivery, ARetryHoldsBackItsItemOnly) {
    Harness h;
    // Item 1's first event fails twice; item 2's events go on meanwhile.
    const std::vector<RelayEvent> events{event(1, 1, 1), event(2, 2, 1), event(3, 1, 2),
                                         event(4, 2, 2)};
    h.sink.script = fails_first({{"e1", 2}});
    ASSERT_TRUE(h.run(events));
    ASSERT_EQ(h.sink.delivered.size(), 4u);
    // Per item in order: e1 before e3.
    const auto position = [&](const std::string& id) {
        return std::find(h.sink.delivered.begin(), h.sink.delivered.end(), id) -
               h.sink.delivered.begin();
    };
    EXPECT_LT(position("e1"), position("e3"));
    EXPECT_LT(position("e2"), position("e4"));
    // Item 2 was not held back by item 1: both its events came before e1 was acknowledged.
    EXPECT_LT(position("e4"), position("e1"));
    // e3 was never tried before e1 was acknowledged.
    const auto first_e3 = std::find(h.sink.calls.begin(), h.sink.calls.end(), "e3");
    const auto last_e1 = std::find(h.sink.calls.rbegin(), h.sink.calls.rend(), "e1").base();
    EXPECT_GE(first_e3, last_e1);
    EXPECT_EQ(h.stats.retries.load(), 2u);
    EXPECT_EQ(h.stats.delivered.load(), 4u);
    EXPECT_TRUE(h.dead.empty());
}

TEST(RelayDelivery, PermanentRefusalAndExhaustedAttemptsAreDeadLetters) {
    Harness h;
    const std::vector<RelayEvent> events{event(1, 1, 1), event(2, 1, 2), event(3, 2, 1),
                                         event(4, 3, 1)};
    h.sink.script = [&](const RelayEvent& e, int) {
        if (e.id == "e1")
            return Delivery::failed(Delivery::Outcome::permanent, "http_400", "bad event");
        if (e.id == "e3") return fail_retry();
        return Delivery::ok();
    };
    ASSERT_TRUE(h.run(events));
    ASSERT_EQ(h.dead.size(), 2u);
    EXPECT_EQ(h.dead[0], (std::pair<std::string, std::string>{"e1", "permanent: http_400"}));
    EXPECT_EQ(h.dead[1], (std::pair<std::string, std::string>{"e3", "attempts: http_503"}));
    EXPECT_EQ(std::count(h.sink.calls.begin(), h.sink.calls.end(), "e3"), 3);
    // The item's next event follows its dead letter.
    EXPECT_EQ(h.sink.delivered, (std::vector<std::string>{"e2", "e4"}));
    EXPECT_EQ(h.stats.dead_letters.load(), 2u);
}

TEST(RelayDelivery, APipelinedSinkGetsEveryDueEventAtOnceAndAFailureResendsWhatFollows) {
    Harness h;
    h.sink.together = true;
    const std::vector<RelayEvent> events{event(1, 1, 1), event(2, 2, 1), event(3, 1, 2),
                                         event(4, 2, 2)};
    h.sink.script = fails_first({{"e1", 1}});
    ASSERT_TRUE(h.run(events));
    // The first round sends the whole batch, each item's events together and in order; e1
    // failed, so its item's e3 (acknowledged then) comes again after it in the second round.
    ASSERT_EQ(h.sink.rounds.size(), 2u);
    EXPECT_EQ(h.sink.rounds[0], (std::vector<std::string>{"e1", "e3", "e2", "e4"}));
    EXPECT_EQ(h.sink.rounds[1], (std::vector<std::string>{"e1", "e3"}));
    EXPECT_EQ(h.stats.delivered.load(), 4u);  // each event counted once
    EXPECT_EQ(h.stats.retries.load(), 1u);
    EXPECT_TRUE(h.dead.empty());
}

TEST(RelayDelivery, FilteredEventsAreAcknowledgedWithoutTheSink) {
    Harness h;
    h.config.filter.types = {"workitem.completed"};
    h.sink.script = [](const RelayEvent&, int) { return Delivery::ok(); };
    ASSERT_TRUE(h.run({event(1, 1, 1), event(2, 1, 2, "workitem.completed")}));
    EXPECT_EQ(h.sink.calls, (std::vector<std::string>{"e2"}));
    EXPECT_EQ(h.stats.filtered.load(), 1u);
}

TEST(RelayDelivery, AnOpenBreakerChargesNoAttempts) {
    Harness h;
    h.config.retry.max_attempts = 3;
    h.config.breaker.consecutive_failures = 2;
    // The sink is down for its first 8 calls, then up: with the breaker open after 2 failures,
    // the half-open trials are not charged, so the event is delivered, not dead-lettered.
    h.sink.script = [](const RelayEvent&, int call) {
        return call <= 8 ? fail_retry() : Delivery::ok();
    };
    ASSERT_TRUE(h.run({event(1, 1, 1)}));
    EXPECT_TRUE(h.dead.empty());
    EXPECT_EQ(h.sink.delivered, (std::vector<std::string>{"e1"}));
    EXPECT_EQ(h.breaker->state(), BreakerState::closed);
    EXPECT_GE(h.breaker->trips(), 2u);
}

TEST(RelayDelivery, AStopLeavesTheBatchUnfinished) {
    Harness h;
    h.sink.script = [](const RelayEvent&, int) { return fail_retry(); };
    h.config.retry.max_attempts = 1000;
    h.breaker = std::make_unique<CircuitBreaker>(h.config.breaker);
    BatchDelivery delivery(
        h.config, h.sink, *h.breaker, h.stats,
        [](const RelayEvent&, const std::string&, const std::string&, int) {}, h.log);
    std::stop_source stop;
    std::thread stopper([&] {
        std::this_thread::sleep_for(50ms);
        stop.request_stop();
    });
    const std::vector<RelayEvent> events{event(1, 1, 1)};
    EXPECT_FALSE(delivery.deliver(events, stop.get_token()));
    stopper.join();
}

TEST(RelayDelivery, BackoffHasFullJitterAndHonoursRetryAfter) {
    std::mt19937_64 random(7);
    const RetrySettings retry{.max_attempts = 10,
                              .initial_backoff = 100ms,
                              .max_backoff = 1000ms,
                              .max_retry_after = 5000ms};
    for (int i = 0; i < 200; ++i) {
        EXPECT_LE(backoff(retry, 1, std::nullopt, random), 100ms);
        EXPECT_LE(backoff(retry, 30, std::nullopt, random), 1000ms);
        EXPECT_GE(backoff(retry, 1, 2000ms, random), 2000ms);
        EXPECT_EQ(backoff(retry, 1, 60000ms, random), 5000ms);  // cut to max_retry_after
    }
}

TEST(RelayStdout, WritesOneLinePerEventAndResumesACutLine) {
    int pipe_ends[2];
    ASSERT_EQ(::pipe(pipe_ends), 0);
    StdoutSink sink(pipe_ends[1]);
    auto first = event(1, 1, 1);
    first.envelope = R"({"id": "e1"})";
    EXPECT_EQ(sink.deliver(first).outcome, Delivery::Outcome::delivered);
    ::close(pipe_ends[1]);
    char buffer[64] = {};
    const auto got = ::read(pipe_ends[0], buffer, sizeof buffer - 1);
    ::close(pipe_ends[0]);
    EXPECT_EQ(std::string(buffer, static_cast<std::size_t>(got)), "{\"id\": \"e1\"}\n");
    // A closed output: a failure that is retried, never an exception.
    StdoutSink closed(pipe_ends[1]);
    const auto result = closed.deliver(first);
    EXPECT_EQ(result.outcome, Delivery::Outcome::retry);
    EXPECT_EQ(result.reason, "write");
}
