// What the timer does to items (domain.md §5), one batch at a time: activations at activate_at,
// expiries at expires_at, resumptions at suspended_until, lease expiries at lease_until, and the
// due entries of deadline lists. Every action is an ordinary transition by the actor `system`:
// decided by the core's validators, written through the same UPDATE and event trigger as a
// user's call. Rows are taken with FOR UPDATE SKIP LOCKED, so the timer never waits for a user
// and two ticks never act on one item.
#pragma once

#include "runtime/pg.hpp"

namespace workitem::pg {

// The kinds of item the timer looks for, in the order a tick runs them.
enum class TimerAction : int { expire, activate, resume, lease_expire, deadline, count };

// What a tick reports, one counter per row of workitem_tick's result.
enum class TimerOutcome : int {
    activate,
    resume,
    lease_expire,        // a lease ran out: the item went back to the pool
    lease_expire_error,  // a lease ran out once too often: the item went to error
    expire,
    deadline_escalate,
    deadline_reoffer,
    deadline_allocate_admin,
    deadline_notify,
    deadline_expire,
    purge_items,
    purge_idempotency_keys,
    purge_event_partitions,
    count,
};

const char* outcome_name(TimerOutcome outcome);  // "activate", "deadline.escalate", ...

struct TimerCounts {
    int64 done[static_cast<int>(TimerOutcome::count)];
    int64 failed[static_cast<int>(TimerOutcome::count)];
    const char* last_error[static_cast<int>(TimerOutcome::count)];  // palloc'd or nullptr

    void add(const TimerCounts& other);
};

// The timer's clock: the transaction's start, plus workitem.test_clock_offset.
TimestampTz timer_now();

// Takes up to `limit` due items for `action` and acts on each (inside SPI). Items whose action
// the core refuses, or that fail it (an escalation to a group with no members...), are counted as
// failed, logged and recorded in workitem.timer_failure, and left alone until their retry time.
// Returns how many rows it took (acted on or failed).
int run_timer_batch(TimerAction action, int limit, TimerCounts& counts);

// The item the timer is acting on right now (0 between items): when a PostgreSQL error escapes
// a batch, the worker records the failure against this item.
int64 timer_current_item();
TimerAction timer_current_action();

// Records that the timer's action on `item_id` failed (inside SPI, in a fresh transaction after
// the failed one rolled back). The retry waits workitem.timer_retry_interval, doubling per
// failure, at most a day.
void record_timer_failure(int64 item_id, TimerAction action, const char* sqlstate,
                          const char* message);

}  // namespace workitem::pg
