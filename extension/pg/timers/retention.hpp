// Retention (domain.md §5, §8, §9): what the timer purges, in batches or whole partitions, never
// by a per-row delete on the hot path.
//   terminal items finished more than workitem.item_retention ago (their events stay);
//   idempotency keys past their expiry (workitem.idempotency_retention after their call);
//   monthly event partitions whose every event is older than the event retention horizon.
// It also keeps the monthly event partitions created ahead (maintain_event_partitions).
#pragma once

#include "timers/actions.hpp"

namespace workitem::pg {

// Inside SPI; at most `limit` rows of each kind: terminal items and idempotency keys. No DDL:
// workitem_tick runs this in the caller's transaction.
void run_retention(int limit, TimerCounts& counts);

struct PartitionUpkeep {
    int dropped;
    int created;
};

// Drops the expired event partitions (marking the consumers that had not passed them) and
// creates the missing ones ahead, in UTC months. Partition DDL locks the whole event table, which
// every tenant's operations write to: each part runs only when that lock is free at once, and the
// lock is held until the transaction ends - so only the worker (a transaction of its own) and
// workitem.maintain_event_partitions() call this, never workitem_tick. Inside SPI.
PartitionUpkeep maintain_event_partitions(TimerCounts& counts);

// Whether workitem.<table> has the column: the library serves installs of release 0.1.0 until
// ALTER EXTENSION UPDATE, and writes the columns 0.2.0 added only where they exist.
bool has_workitem_column(const char* table, const char* column);

}  // namespace workitem::pg
