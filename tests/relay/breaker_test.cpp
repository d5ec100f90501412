// The circuit breaker (docs/relay.md, Circuit breaker): consecutive failures and failure rate
// open it; open it refuses; half-open one trial decides.
#include "breaker.hpp"

#include <gtest/gtest.h>

using namespace workitem::relay;
using namespace std::chrono_literals;
using Clock = CircuitBreaker::Clock;

TEST(RelayBreaker, OpensAfterConsecutiveFailuresAndRecoversThroughOneTrial) {
    CircuitBreaker breaker(BreakerSettings{.consecutive_failures = 3,
                                           .failure_rate = 1.0,
                                           .window = 100,
                                           .min_calls = 100,
                                           .open_for = 1000ms});
    const auto t0 = Clock::now();
    breaker.record(false, t0);
    breaker.record(false, t0);
    breaker.record(true, t0);  // the run is broken
    breaker.record(false, t0);
    breaker.record(false, t0);
    EXPECT_EQ(breaker.state(), BreakerState::closed);
    breaker.record(false, t0);
    EXPECT_EQ(breaker.state(), BreakerState::open);
    EXPECT_FALSE(breaker.allow(t0 + 999ms));
    EXPECT_TRUE(breaker.allow(t0 + 1000ms));
    EXPECT_EQ(breaker.state(), BreakerState::half_open);
    breaker.record(false, t0 + 1000ms);  // the trial failed: open again, for open_for
    EXPECT_EQ(breaker.state(), BreakerState::open);
    EXPECT_FALSE(breaker.allow(t0 + 1999ms));
    EXPECT_TRUE(breaker.allow(t0 + 2000ms));
    breaker.record(true, t0 + 2000ms);
    EXPECT_EQ(breaker.state(), BreakerState::closed);
    EXPECT_EQ(breaker.trips(), 2u);
}

TEST(RelayBreaker, OpensOnFailureRateOnceEnoughCalls) {
    CircuitBreaker breaker(BreakerSettings{.consecutive_failures = 100,
                                           .failure_rate = 0.5,
                                           .window = 10,
                                           .min_calls = 6,
                                           .open_for = 10ms});
    const auto now = Clock::now();
    for (int i = 0; i < 2; ++i) {
        breaker.record(false, now);
        breaker.record(true, now);
    }
    EXPECT_EQ(breaker.state(), BreakerState::closed);  // 2 of 4: too few calls yet
    breaker.record(false, now);
    EXPECT_EQ(breaker.state(), BreakerState::closed);  // 3 of 5
    breaker.record(true, now);
    EXPECT_EQ(breaker.state(), BreakerState::open);  // 3 of 6
}
