// Waves (client/relay/src/waves.hpp): each wave holds at most one event per item, an item's next
// event goes only after the one before was through (acknowledged, or refused for good), and a
// retried event's later events of the same item are not sent.
#include "waves.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

using namespace workitem::relay;

namespace {

RelayEvent event(std::int64_t seq, std::int64_t item) {
    return RelayEvent{.seq = seq,
                      .id = "e" + std::to_string(seq),
                      .tenant_id = "acme",
                      .aggregatetype = "workitem",
                      .item_id = item,
                      .item_version = seq,
                      .type = "workitem.updated",
                      .envelope = "{}"};
}

}  // namespace

TEST(RelayWaves, OneEventPerItemPerWaveInVersionOrder) {
    // Items 1 (three events), 2 (one), 3 (two), interleaved as a batch has them.
    std::vector<RelayEvent> batch{event(1, 1), event(2, 2), event(3, 1),
                                  event(4, 3), event(5, 1), event(6, 3)};
    std::vector<const RelayEvent*> events;
    for (const auto& e : batch) events.push_back(&e);
    std::vector<std::vector<std::string>> waves;
    const auto outcomes = deliver_in_waves(events, [&](const std::vector<const RelayEvent*>& wave) {
        auto& sent = waves.emplace_back();
        std::set<std::int64_t> items;
        for (const auto* e : wave) {
            EXPECT_TRUE(items.insert(e->item_id).second) << "two events of an item in one wave";
            sent.push_back(e->id);
        }
        return std::vector<Delivery>(wave.size(), Delivery::ok());
    });
    ASSERT_EQ(waves.size(), 3U);
    EXPECT_EQ(waves[0], (std::vector<std::string>{"e1", "e2", "e4"}));
    EXPECT_EQ(waves[1], (std::vector<std::string>{"e3", "e6"}));
    EXPECT_EQ(waves[2], (std::vector<std::string>{"e5"}));
    ASSERT_EQ(outcomes.size(), batch.size());
    for (const auto& outcome : outcomes) EXPECT_EQ(outcome.outcome, Delivery::Outcome::delivered);
}

TEST(RelayWaves, ARetryStopsItsItemAndARefusalDoesNot) {
    // Item 1: e1 fails (retry), so e2 is never sent. Item 2: e3 is refused for good (a dead
    // letter), and e4 follows it.
    std::vector<RelayEvent> batch{event(1, 1), event(2, 1), event(3, 2), event(4, 2)};
    std::vector<const RelayEvent*> events;
    for (const auto& e : batch) events.push_back(&e);
    std::vector<std::string> sent;
    const auto outcomes = deliver_in_waves(events, [&](const std::vector<const RelayEvent*>& wave) {
        std::vector<Delivery> results;
        for (const auto* e : wave) {
            sent.push_back(e->id);
            if (e->id == "e1") {
                results.push_back(Delivery::failed(Delivery::Outcome::retry, "timeout", ""));
            } else if (e->id == "e3") {
                results.push_back(Delivery::failed(Delivery::Outcome::permanent, "http_400", ""));
            } else {
                results.push_back(Delivery::ok());
            }
        }
        return results;
    });
    EXPECT_EQ(sent, (std::vector<std::string>{"e1", "e3", "e4"}));
    ASSERT_EQ(outcomes.size(), 4U);
    EXPECT_EQ(outcomes[0].outcome, Delivery::Outcome::retry);
    EXPECT_EQ(outcomes[1].outcome, Delivery::Outcome::retry);  // held back, not sent
    EXPECT_EQ(outcomes[2].outcome, Delivery::Outcome::permanent);
    EXPECT_EQ(outcomes[3].outcome, Delivery::Outcome::delivered);
}
