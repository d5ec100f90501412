// The database executor's admission: a request that waits longer than the acquisition timeout
// for a database thread is told so at that timeout (the gateway answers 503 with Retry-After)
// instead of queueing without end. No database is needed: nothing here connects.
#include "pool.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

namespace workitem::gateway {
namespace {

using namespace std::chrono_literals;

PoolSettings one_slow_connection() {
    PoolSettings settings;
    settings.dsn = "host=127.0.0.1 port=1";  // never used
    settings.size = 1;
    settings.acquire_timeout = 50ms;
    return settings;
}

TEST(GatewayPool, AdmitsInTimeAndRefusesWhatWaitedTooLong) {
    DatabasePool pool(one_slow_connection());
    std::promise<Admission> first;
    std::promise<Admission> second;
    std::atomic<bool> first_running{false};
    pool.submit([&](Admission admission) {
        first_running = true;
        std::this_thread::sleep_for(200ms);  // holds the only database thread
        first.set_value(admission);
    });
    while (!first_running) std::this_thread::sleep_for(1ms);
    EXPECT_EQ(pool.gauges().in_use, 1);
    pool.submit([&](Admission admission) { second.set_value(admission); });
    EXPECT_EQ(pool.gauges().waiting, 1);
    EXPECT_EQ(first.get_future().get(), Admission::in_time);
    EXPECT_EQ(second.get_future().get(), Admission::too_late);
    pool.join();
    EXPECT_EQ(pool.gauges().in_use, 0);
    EXPECT_EQ(pool.gauges().waiting, 0);
    EXPECT_EQ(pool.gauges().size, 1);
}

TEST(GatewayPool, RefusesAtTheTimeoutWhileEveryThreadIsHeld) {
    DatabasePool pool(one_slow_connection());
    std::promise<void> release;
    std::atomic<bool> first_running{false};
    pool.submit([&](Admission) {
        first_running = true;
        release.get_future().wait();  // the only database thread, held until told
    });
    while (!first_running) std::this_thread::sleep_for(1ms);
    std::promise<Admission> second;
    const auto submitted = std::chrono::steady_clock::now();
    pool.submit([&](Admission admission) { second.set_value(admission); });
    auto answer = second.get_future();
    // Answered by the timer, not when the thread comes free (it never does before this).
    ASSERT_EQ(answer.wait_for(5s), std::future_status::ready);
    EXPECT_EQ(answer.get(), Admission::too_late);
    EXPECT_GE(std::chrono::steady_clock::now() - submitted, 50ms);
    release.set_value();
    pool.join();
    EXPECT_EQ(pool.gauges().waiting, 0);
    EXPECT_EQ(pool.gauges().in_use, 0);
}

TEST(GatewayPool, AnUnreachableDatabaseIsNotReady) {
    auto settings = one_slow_connection();
    settings.acquire_timeout = 500ms;
    DatabasePool pool(settings);
    std::promise<bool> ready;
    pool.submit([&](Admission) { ready.set_value(pool.database_answers()); });
    EXPECT_FALSE(ready.get_future().get());
}

}  // namespace
}  // namespace workitem::gateway
