#include "runtime/boundary.hpp"

#include "timers/tick.hpp"

#include "policy/caller.hpp"
#include "runtime/settings.hpp"
#include "runtime/spi.hpp"
#include "timers/retention.hpp"

namespace workitem::pg {

namespace {

spi::Statement add_stats{
    "UPDATE workitem.timer_stats s SET done = s.done + u.done, failed = s.failed + u.failed, "
    "  last_tick_at = now(), "
    "  last_done_at = CASE WHEN u.done > 0 THEN now() ELSE s.last_done_at END, "
    "  last_error = coalesce(u.last_error, s.last_error), "
    "  last_error_at = CASE WHEN u.last_error IS NOT NULL THEN now() ELSE s.last_error_at END, "
    "  last_tick_by = $5 "
    "FROM unnest($1::text[], $2::int8[], $3::int8[], $4::text[]) AS u(action, done, failed, "
    "  last_error) "
    "WHERE s.action = u.action AND s.action IN (SELECT l.action FROM workitem.timer_stats l "
    "  WHERE l.action = ANY ($1) FOR UPDATE SKIP LOCKED)",
    5,
    {TEXTARRAYOID, INT8ARRAYOID, INT8ARRAYOID, TEXTARRAYOID, TEXTOID},
    nullptr};

// The same for an install of 0.1.0 not yet updated (no last_tick_by): the library serves it
// until ALTER EXTENSION UPDATE.
spi::Statement add_stats_0_1_0{
    "UPDATE workitem.timer_stats s SET done = s.done + u.done, failed = s.failed + u.failed, "
    "  last_tick_at = now(), "
    "  last_done_at = CASE WHEN u.done > 0 THEN now() ELSE s.last_done_at END, "
    "  last_error = coalesce(u.last_error, s.last_error), "
    "  last_error_at = CASE WHEN u.last_error IS NOT NULL THEN now() ELSE s.last_error_at END "
    "FROM unnest($1::text[], $2::int8[], $3::int8[], $4::text[]) AS u(action, done, failed, "
    "  last_error) "
    "WHERE s.action = u.action AND s.action IN (SELECT l.action FROM workitem.timer_stats l "
    "  WHERE l.action = ANY ($1) FOR UPDATE SKIP LOCKED)",
    4,
    {TEXTARRAYOID, INT8ARRAYOID, INT8ARRAYOID, TEXTARRAYOID},
    nullptr};

constexpr int outcome_count = static_cast<int>(TimerOutcome::count);

}  // namespace

// Who called: the role acting (before the SECURITY DEFINER switch), and the login role when a
// SET ROLE made them differ - "role", or "role (login session_user)".
const char* manual_ticker() {
    const Oid acting = GetOuterUserId();
    const Oid login = GetSessionUserId();
    const char* acting_name = GetUserNameFromId(acting, false);
    if (acting == login) return acting_name;
    return psprintf("%s (login %s)", acting_name, GetUserNameFromId(login, false));
}

int run_timer_action(TimerAction action, int batch_size, int budget, TimerCounts& counts) {
    int taken = 0;
    while (taken < budget) {
        const int limit = std::min(batch_size, budget - taken);
        const int found = run_timer_batch(action, limit, counts);
        taken += found;
        // Until a query finds nothing: an item with several overdue deadlines comes back once
        // per entry (each query takes an item once).
        if (found == 0) break;
    }
    return taken;
}

void record_tick(const TimerCounts& counts, const char* ticked_by) {
    Datum names[outcome_count];
    Datum done[outcome_count];
    Datum failed[outcome_count];
    Datum errors[outcome_count];
    bool error_nulls[outcome_count];
    for (int i = 0; i < outcome_count; ++i) {
        names[i] = CStringGetTextDatum(outcome_name(static_cast<TimerOutcome>(i)));
        done[i] = Int64GetDatum(counts.done[i]);
        failed[i] = Int64GetDatum(counts.failed[i]);
        error_nulls[i] = counts.last_error[i] == nullptr;
        errors[i] = error_nulls[i] ? Datum(0) : CStringGetTextDatum(counts.last_error[i]);
    }
    int dims[1] = {outcome_count};
    int lbs[1] = {1};
    Datum args[5] = {
        PointerGetDatum(construct_array(names, outcome_count, TEXTOID, -1, false, TYPALIGN_INT)),
        PointerGetDatum(
            construct_array(done, outcome_count, INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE)),
        PointerGetDatum(
            construct_array(failed, outcome_count, INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE)),
        PointerGetDatum(construct_md_array(errors, error_nulls, 1, dims, lbs, TEXTOID, -1, false,
                                           TYPALIGN_INT)),
        CStringGetTextDatum(ticked_by)};
    spi::execute(has_workitem_column("timer_stats", "last_tick_by") ? add_stats : add_stats_0_1_0,
                 args, nullptr, 0);
}

TimerCounts tick_once(int max_items) {
    TimerCounts counts{};
    spi::connect();
    int budget = max_items;
    // One transaction holds every row it takes until it commits, so smaller batches would not
    // free any sooner - and each later batch would walk the index entries of the rows this
    // transaction already moved on (still there, dead only to it). One query per action.
    for (int a = 0; a < static_cast<int>(TimerAction::count) && budget > 0; ++a) {
        budget -= run_timer_action(static_cast<TimerAction>(a), budget, budget, counts);
    }
    // No partition upkeep here (maintain_event_partitions): it would hold the event table's
    // exclusive lock, every tenant's writes waiting, until the caller's transaction ends.
    run_retention(max_items, counts);
    // Who ran it (not the function's owner).
    record_tick(counts, manual_ticker());
    spi::finish();
    return counts;
}

PartitionUpkeep maintain_event_partitions_once() {
    TimerCounts counts{};
    spi::connect();
    const PartitionUpkeep upkeep = maintain_event_partitions(counts);
    record_tick(counts, manual_ticker());
    spi::finish();
    return upkeep;
}

}  // namespace workitem::pg
