// Pipelining for a sink that keeps no order of its own across failures (NATS, the webhook): the
// events of a batch go out in waves. A wave holds the next event of every item whose earlier
// events are through, so the items' events travel together while an item never has two events
// in flight: its next one is sent only once the one before was acknowledged (or refused for
// good, which makes it a dead letter). A peer then stores an item's events in version order even
// when one of them fails and is sent again later, which sending everything at once would not
// give (a later event would be stored before the retried one, and its own repeat dropped as a
// duplicate by a deduplicating peer such as JetStream).
#pragma once

#include "sink.hpp"

#include <functional>
#include <vector>

namespace workitem::relay {

// Sends one wave (at most one event per item) and says what became of each: one outcome per
// event, same order. Must not throw.
using SendWave = std::function<std::vector<Delivery>(const std::vector<const RelayEvent*>&)>;

// Delivers the events (each item's in version order) wave after wave, as Sink::deliver_all
// does: one outcome per event, same order. Once an event of an item fails with a retry outcome,
// the item's later events are not sent and get the same outcome (the delivery loop reads an
// item's outcomes only up to its first failure).
std::vector<Delivery> deliver_in_waves(const std::vector<const RelayEvent*>& events,
                                       const SendWave& send_wave);

}  // namespace workitem::relay
