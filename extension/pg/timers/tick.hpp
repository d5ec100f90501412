// One tick of the timer: every timer action on the items that are due, then retention, then the
// tick's counts into workitem.timer_stats (the workitem.timer_status view). workitem_tick() runs
// it in the caller's transaction; the background worker (timers/bgworker.cpp) runs the same steps,
// each batch in a transaction of its own.
#pragma once

#include "timers/actions.hpp"
#include "timers/retention.hpp"

namespace workitem::pg {

// Runs batches of `action` until one finds nothing due or `budget` rows were taken (inside SPI).
// Returns the rows taken.
int run_timer_action(TimerAction action, int batch_size, int budget, TimerCounts& counts);

// Adds a tick's counts to workitem.timer_stats (inside SPI). Rows another tick holds locked are
// skipped rather than waited for: monitoring never makes a tick wait.
// ticked_by: manual_ticker() for a call, or "workitem timer".
void record_tick(const TimerCounts& counts, const char* ticked_by);

// workitem_tick(max_items): every timer action on up to `max_items` due items, then retention, in
// the caller's transaction; its counts recorded. Returns them.
TimerCounts tick_once(int max_items);

// workitem.maintain_event_partitions(): the worker's partition upkeep, once, recorded.
PartitionUpkeep maintain_event_partitions_once();

// Who called workitem_tick: the acting role, with the login role when they differ.
const char* manual_ticker();

}  // namespace workitem::pg
