// The workitem.* settings (GUCs): the one place that defines and reads them.
#pragma once

#include "workitem/core/limits.hpp"

#include "runtime/pg.hpp"

namespace workitem::pg {

void define_settings();

// The tenant of this call: workitem.tenant, or 'default' when unset.
const char* current_tenant();

// How long idempotency keys are kept (workitem.idempotency_retention), in seconds.
double idempotency_retention_seconds();

// workitem.claim_next_fronts: whether claim_next scans from per-backend fronts
// (transition/claim_fronts.hpp).
enum class ClaimFronts { off, automatic, always };
ClaimFronts claim_next_fronts();

// Most ids one batch call may name (workitem.max_batch_size).
int max_batch_size();

// The tenant named by workitem.tenant when set to something other than 'default' (nullptr
// otherwise): what a role bound to its tenant must not ask for.
const char* requested_tenant();

// workitem.on_behalf: the capability a service declared for this transaction ("user", "admin",
// "reader"; static strings), nullptr when unset. WI422 for any other value.
const char* on_behalf();

// workitem.unmapped_roles: what a non-service role without a tenant mapping gets once the
// database has mappings.
enum class UnmappedRoles { refuse, default_tenant };
UnmappedRoles unmapped_roles();

// workitem.trace_context as the events record it: nullptr when unset; WI422 when longer than
// max_trace_context_bytes (never truncated).
inline constexpr int max_trace_context_bytes = 512;
const char* trace_context_for_event();

// Input limits, with workitem.max_payload_bytes applied.
core::Limits current_limits();

// The timer (timers/): which database the background worker serves (empty: every one with the
// extension), how often it wakes, how many items one batch takes, and what it purges when.
const char* timer_database();
int timer_probe_interval_seconds();  // the launcher's wait before it tries a database again
int tick_interval_ms();
int timer_batch_size();
int timer_batch_delay_ms();     // the worker's rest between two full batches
int max_lease_expiries();       // default for assignments without max_lease_expiries
int default_lease_seconds();    // workitem.default_lease_seconds; 0: none
int item_retention_seconds();   // 0: terminal items are kept
int event_retention_seconds();  // 0: events are kept
int event_consumer_max_hold_seconds();
int timer_retry_seconds();        // first wait before a failed timer action is tried again
int test_clock_offset_seconds();  // tests only: the timer's clock runs ahead by this much

}  // namespace workitem::pg
