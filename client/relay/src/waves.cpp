#include "waves.hpp"

#include <cstdint>
#include <optional>
#include <unordered_map>

namespace workitem::relay {

std::vector<Delivery> deliver_in_waves(const std::vector<const RelayEvent*>& events,
                                       const SendWave& send_wave) {
    // Each item's events (their positions in `events`), items in the order of their first event.
    std::vector<std::vector<std::size_t>> items;
    std::unordered_map<std::int64_t, std::size_t> item_at;
    for (std::size_t i = 0; i < events.size(); ++i) {
        auto [at, added] = item_at.try_emplace(events[i]->item_id, items.size());
        if (added) items.emplace_back();
        items[at->second].push_back(i);
    }
    std::vector<std::optional<Delivery>> outcomes(events.size());
    std::vector<std::size_t> next(items.size(), 0);  // per item: its first event not yet through
    std::vector<std::size_t> active(items.size());   // the items with events left to send
    for (std::size_t k = 0; k < items.size(); ++k) active[k] = k;
    while (!active.empty()) {
        std::vector<const RelayEvent*> wave;
        wave.reserve(active.size());
        for (const auto item : active) wave.push_back(events[items[item][next[item]]]);
        auto results = send_wave(wave);
        results.resize(wave.size(), Delivery::failed(Delivery::Outcome::retry, "transport",
                                                     "the sink gave no outcome"));
        std::vector<std::size_t> still_active;
        for (std::size_t k = 0; k < active.size(); ++k) {
            const auto item = active[k];
            const auto& positions = items[item];
            outcomes[positions[next[item]]] = results[k];
            if (results[k].outcome == Delivery::Outcome::retry) {
                // Held back: not sent, and not read by the delivery loop either.
                for (auto later = next[item] + 1; later < positions.size(); ++later) {
                    outcomes[positions[later]] = results[k];
                }
                continue;
            }
            if (++next[item] < positions.size()) still_active.push_back(item);
        }
        active = std::move(still_active);
    }
    std::vector<Delivery> delivered;
    delivered.reserve(events.size());
    for (auto& outcome : outcomes) delivered.push_back(std::move(*outcome));
    return delivered;
}

}  // namespace workitem::relay
