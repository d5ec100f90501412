// The token buckets of the rate limit, on a clock the test moves: refill, burst, Retry-After,
// both scopes, and the bounded memory.
#include "rate_limit.hpp"

#include <gtest/gtest.h>

namespace workitem::gateway {
namespace {

using namespace std::chrono_literals;

struct FakeClock {
    RateClock::time_point now{RateClock::time_point{} + 1000s};
    RateLimiter::Now reader() {
        return [this] { return now; };
    }
};

TEST(TokenBucket, SpendsItsBurstThenRefillsAtItsRate) {
    FakeClock clock;
    TokenBucket bucket(2.0, 3.0, clock.now);
    EXPECT_TRUE(bucket.try_take(clock.now));
    EXPECT_TRUE(bucket.try_take(clock.now));
    EXPECT_TRUE(bucket.try_take(clock.now));
    EXPECT_FALSE(bucket.try_take(clock.now));
    EXPECT_DOUBLE_EQ(bucket.wait(clock.now).count(), 0.5);
    clock.now += 250ms;
    EXPECT_FALSE(bucket.try_take(clock.now));
    EXPECT_DOUBLE_EQ(bucket.wait(clock.now).count(), 0.25);
    clock.now += 250ms;
    EXPECT_TRUE(bucket.try_take(clock.now));
    EXPECT_FALSE(bucket.full(clock.now));
    clock.now += 10s;  // never more than the burst
    EXPECT_TRUE(bucket.full(clock.now));
    for (int i = 0; i < 3; ++i) EXPECT_TRUE(bucket.try_take(clock.now));
    EXPECT_FALSE(bucket.try_take(clock.now));
}

TEST(TokenBucket, AClockGoingBackAddsNothing) {
    FakeClock clock;
    TokenBucket bucket(1.0, 1.0, clock.now);
    EXPECT_TRUE(bucket.try_take(clock.now));
    EXPECT_FALSE(bucket.try_take(clock.now - 5s));
    EXPECT_FALSE(bucket.try_take(clock.now));
}

TEST(RateLimiter, RefusesACredentialOverItsRateWithTheWaitRoundedUp) {
    FakeClock clock;
    RateLimiter limiter(
        {.credential_rate = 0.5, .credential_burst = 2, .tenant_rate = 100, .tenant_burst = 100},
        clock.reader());
    EXPECT_FALSE(limiter.admit("jwt:acme/ann", "acme"));
    EXPECT_FALSE(limiter.admit("jwt:acme/ann", "acme"));
    const auto refusal = limiter.admit("jwt:acme/ann", "acme");
    ASSERT_TRUE(refusal);
    EXPECT_EQ(refusal->scope, "credential");
    EXPECT_EQ(refusal->retry_after_seconds, 2);  // one token at 0.5 a second
    // Another credential of the same tenant has its own bucket.
    EXPECT_FALSE(limiter.admit("jwt:acme/bob", "acme"));
    clock.now += 1500ms;
    EXPECT_EQ(limiter.admit("jwt:acme/ann", "acme")->retry_after_seconds, 1);  // 0.5 s: 1
    clock.now += 500ms;
    EXPECT_FALSE(limiter.admit("jwt:acme/ann", "acme"));
    EXPECT_EQ(limiter.refused("credential"), 2u);
    EXPECT_EQ(limiter.refused("tenant"), 0u);
}

TEST(RateLimiter, RefusesATenantOverItsRateWhateverTheCredential) {
    FakeClock clock;
    RateLimiter limiter(
        {.credential_rate = 100, .credential_burst = 100, .tenant_rate = 1, .tenant_burst = 3},
        clock.reader());
    EXPECT_FALSE(limiter.admit("a", "acme"));
    EXPECT_FALSE(limiter.admit("b", "acme"));
    EXPECT_FALSE(limiter.admit("c", "acme"));
    const auto refusal = limiter.admit("d", "acme");
    ASSERT_TRUE(refusal);
    EXPECT_EQ(refusal->scope, "tenant");
    EXPECT_EQ(refusal->retry_after_seconds, 1);
    EXPECT_FALSE(limiter.admit("a", "globex"));  // another tenant is not held back
    EXPECT_EQ(limiter.refused("tenant"), 1u);
}

TEST(RateLimiter, ARefusedRequestSpendsNoToken) {
    FakeClock clock;
    RateLimiter limiter(
        {.credential_rate = 1, .credential_burst = 1, .tenant_rate = 1, .tenant_burst = 2},
        clock.reader());
    EXPECT_FALSE(limiter.admit("a", "acme"));
    // a's bucket is empty: refused, and the tenant's second token stays for b.
    EXPECT_TRUE(limiter.admit("a", "acme"));
    EXPECT_FALSE(limiter.admit("b", "acme"));
}

TEST(RateLimiter, ARateOfZeroLimitsNothing) {
    FakeClock clock;
    RateLimiter limiter(
        {.credential_rate = 0, .credential_burst = 0, .tenant_rate = 0, .tenant_burst = 0},
        clock.reader());
    for (int i = 0; i < 1000; ++i) EXPECT_FALSE(limiter.admit("a", "acme"));
    EXPECT_EQ(limiter.buckets(), 0u);
}

TEST(RateLimiter, ForgetsIdleBucketsAndKeepsAtMostItsCapacity) {
    FakeClock clock;
    RateLimiter limiter({.credential_rate = 10,
                         .credential_burst = 10,
                         .tenant_rate = 1000,
                         .tenant_burst = 1000,
                         .max_buckets = 50},
                        clock.reader());
    // Each spends a token: no bucket is full again yet, the capacity alone bounds them.
    for (int i = 0; i < 200; ++i) EXPECT_FALSE(limiter.admit("key-" + std::to_string(i), "acme"));
    EXPECT_EQ(limiter.buckets(), 51u);  // 50 credentials (the capacity), one tenant
    // After a second every bucket is full again: each call forgets idle ones.
    clock.now += 1s;
    for (int i = 0; i < 30; ++i) limiter.admit("busy", "acme");
    EXPECT_EQ(limiter.buckets(), 2u);  // busy's bucket and acme's
}

}  // namespace
}  // namespace workitem::gateway
