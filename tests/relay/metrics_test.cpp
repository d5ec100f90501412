// The /metrics exposition (docs/relay.md, Metrics): every series labelled by sink only, the
// breaker's state as one series per state, lag where the database gave it.
#include "metrics.hpp"

#include <gtest/gtest.h>

using namespace workitem::relay;

TEST(RelayMetrics, RendersEverySinkCounterAndGauge) {
    std::vector<std::unique_ptr<SinkStats>> stats;
    auto& hook = *stats.emplace_back(std::make_unique<SinkStats>());
    hook.sink = "hook";
    hook.delivered = 7;
    hook.retries = 2;
    hook.dead_letters = 1;
    hook.breaker = BreakerState::open;
    hook.failed("http_503");
    hook.failed("http_503");
    auto& audit = *stats.emplace_back(std::make_unique<SinkStats>());
    audit.sink = "audit";
    audit.database_ok = true;
    const auto text = render_metrics(stats, {SinkLag{.events = 12, .seconds = 1.5}, SinkLag{}});
    for (const auto* line : {
             "workitem_relay_delivered_total{sink=\"hook\"} 7\n",
             "workitem_relay_retries_total{sink=\"hook\"} 2\n",
             "workitem_relay_dead_letters_total{sink=\"hook\"} 1\n",
             "workitem_relay_failed_total{sink=\"hook\",reason=\"http_503\"} 2\n",
             "workitem_relay_breaker_state{sink=\"hook\",state=\"open\"} 1\n",
             "workitem_relay_breaker_state{sink=\"hook\",state=\"closed\"} 0\n",
             "workitem_relay_breaker_state{sink=\"audit\",state=\"closed\"} 1\n",
             "workitem_relay_lag_events{sink=\"hook\"} 12\n",
             "workitem_relay_lag_seconds{sink=\"hook\"} 1.5\n",
             "workitem_relay_database_up{sink=\"audit\"} 1\n",
             "# TYPE workitem_relay_delivered_total counter\n",
             "# TYPE workitem_relay_lag_seconds gauge\n",
         }) {
        EXPECT_NE(text.find(line), std::string::npos) << line << "\nin\n" << text;
    }
    // No lag from the database: no series rather than a made-up 0.
    EXPECT_EQ(text.find("workitem_relay_lag_events{sink=\"audit\"}"), std::string::npos);
}
