// Retention (domain.md §5, §8, §9): what the timer purges, in batches or whole partitions, never
// by a per-row delete on the hot path.
//   terminal items finished more than workitem.item_retention ago (their events stay);
//   idempotency keys past their expiry (workitem.idempotency_retention after their call);
//   monthly event partitions whose every event is older than the event retention horizon.
// It also keeps the monthly event partitions created ahead.
#pragma once

#include "timer_actions.hpp"

namespace workitem::pg {

// Inside SPI; at most `limit` rows of each kind. Partition DDL only when the event table's lock
// is free at once: retention waits for the next tick rather than queue behind users' writes.
void run_retention(int limit, TimerCounts& counts);

}  // namespace workitem::pg
