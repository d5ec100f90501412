#include "workitem/core/state.hpp"  // WORKITEM_ACTIVE_STATES_SQL, before any PostgreSQL header

#include "events/change_context.hpp"

#include "timers/retention.hpp"

#include "runtime/settings.hpp"
#include "runtime/spi.hpp"

extern "C" {
#include "catalog/namespace.h"
#include "storage/lmgr.h"
}

namespace workitem::pg {

namespace {

spi::Statement purge_items{
    "WITH doomed AS (SELECT i.id FROM workitem.item i "
    "  WHERE i.state IN ('completed', 'failed', 'error', 'cancelled', 'skipped', 'expired') "
    "    AND i.completed_at < $1 ORDER BY i.completed_at LIMIT $2 FOR UPDATE SKIP LOCKED) "
    "DELETE FROM workitem.item i USING doomed WHERE i.id = doomed.id",
    2,
    {TIMESTAMPTZOID, INT8OID},
    nullptr};

// Failures of items that are gone or finished: nothing is left to retry.
spi::Statement forget_settled_failures{
    "DELETE FROM workitem.timer_failure f WHERE NOT EXISTS (SELECT FROM workitem.item i "
    "  WHERE i.id = f.item_id AND i.state IN " WORKITEM_ACTIVE_STATES_SQL ")",
    0,
    {},
    nullptr};

// By row (ctid, stable while locked): the same statement serves release 0.1.0's key table (keys
// per tenant) and 0.2.0's (keys per caller) until the database is updated.
spi::Statement purge_keys{
    "WITH doomed AS (SELECT k.ctid AS row_id FROM workitem.idempotency_key k "
    "  WHERE k.expires_at < $1 ORDER BY k.expires_at LIMIT $2 FOR UPDATE SKIP LOCKED) "
    "DELETE FROM workitem.idempotency_key k USING doomed WHERE k.ctid = doomed.row_id",
    2,
    {TIMESTAMPTZOID, INT8OID},
    nullptr};

// Monthly partitions (never the default one) whose upper bound is at or before the horizon
// (the retention period held back by the consumers, $1), or before $2 whatever the consumers
// hold (workitem.event_consumer_max_hold past the retention period): no consumer, whatever its
// tenant, keeps every tenant's events forever. With each partition, its upper bound.
spi::Statement expired_partitions{
    "SELECT p.oid, p.upper_bound FROM (SELECT c.oid, "
    "  (regexp_match(pg_catalog.pg_get_expr(c.relpartbound, c.oid), "
    "       'TO \\(''([^'']+)''\\)'))[1]::timestamptz AS upper_bound "
    "  FROM pg_catalog.pg_inherits h JOIN pg_catalog.pg_class c ON c.oid = h.inhrelid "
    "  WHERE h.inhparent = 'workitem.event'::regclass "
    "    AND pg_catalog.pg_get_expr(c.relpartbound, c.oid) <> 'DEFAULT') AS p "
    "WHERE p.upper_bound <= greatest(workitem.event_retention_horizon($1), $2) "
    "ORDER BY 1",
    2,
    {TIMESTAMPTZOID, TIMESTAMPTZOID},
    nullptr};

// Consumers that had not passed the events just dropped: the gap is recorded, and they move on
// to what is left (their position's time no longer holds retention back).
spi::Statement mark_skipping_consumers{
    "UPDATE workitem.event_consumer SET skipped_before = greatest(skipped_before, $1), "
    "  skipped_at = clock_timestamp(), position_at = greatest(position_at, $1), "
    "  window_at = greatest(window_at, $1) "
    "WHERE position_at < $1",
    1,
    {TIMESTAMPTZOID},
    nullptr};

spi::Statement drop_partition{"SELECT workitem.drop_event_partition($1)", 1, {OIDOID}, nullptr};

// The partitions are UTC months, whatever the session's TimeZone (create_event_partitions).
spi::Statement partitions_missing{
    "SELECT EXISTS (SELECT FROM generate_series(0, 2) AS g WHERE to_regclass(format("
    "  'workitem.event_%s', to_char(date_trunc('month', now() AT TIME ZONE 'UTC') "
    "  + g * interval '1 month', 'YYYYMM'))) IS NULL)",
    0,
    {},
    nullptr};

spi::Statement create_partitions{
    "SELECT count(*)::int4 FROM workitem.create_event_partitions(2)", 0, {}, nullptr};

TimestampTz seconds_before(TimestampTz time, int seconds) {
    return time - static_cast<TimestampTz>(seconds) * USECS_PER_SEC;
}

bool first_bool() {
    bool is_null = false;
    return DatumGetBool(spi::first_column_of(SPI_tuptable->vals[0], 1, &is_null));
}

// Partition DDL locks the whole event table, which every operation writes to: only take the
// lock when it is free now (held until the transaction ends).
bool event_table_free() {
    const Oid event_table = get_relname_relid("event", get_namespace_oid("workitem", false));
    return OidIsValid(event_table) && ConditionalLockRelationOid(event_table, AccessExclusiveLock);
}

void purge_terminal_items(int limit, TimerCounts& counts) {
    if (item_retention_seconds() <= 0) return;
    Datum args[2] = {TimestampTzGetDatum(seconds_before(timer_now(), item_retention_seconds())),
                     Int64GetDatum(limit)};
    // A purge is not a change to the item's history: no event (its events stay for the audit
    // period). The pending change tells the item trigger so; 0 matches every row deleted.
    begin_change(PendingChange{0, core::Operation::cancel, "system", "retention", nullptr, false,
                               false, "system"});
    const uint64 purged = spi::execute(purge_items, args, nullptr, 0);
    end_change();
    counts.done[static_cast<int>(TimerOutcome::purge_items)] += static_cast<int64>(purged);
    spi::execute(forget_settled_failures, nullptr, nullptr, 0);
}

void purge_idempotency_keys(int limit, TimerCounts& counts) {
    Datum args[2] = {TimestampTzGetDatum(timer_now()), Int64GetDatum(limit)};
    const uint64 purged = spi::execute(purge_keys, args, nullptr, 0);
    counts.done[static_cast<int>(TimerOutcome::purge_idempotency_keys)] +=
        static_cast<int64>(purged);
}

int drop_expired_partitions(TimerCounts& counts) {
    if (event_retention_seconds() <= 0) return 0;
    const TimestampTz horizon = seconds_before(timer_now(), event_retention_seconds());
    Datum args[2] = {
        TimestampTzGetDatum(horizon),
        TimestampTzGetDatum(seconds_before(horizon, event_consumer_max_hold_seconds()))};
    const uint64 found = spi::execute(expired_partitions, args, nullptr, 0);
    if (found == 0 || !event_table_free()) return 0;
    auto* partitions = static_cast<Oid*>(palloc(sizeof(Oid) * found));
    TimestampTz dropped_until = DT_NOBEGIN;
    for (uint64 r = 0; r < found; ++r) {
        bool is_null = false;
        partitions[r] = DatumGetObjectId(spi::first_column_of(SPI_tuptable->vals[r], 1, &is_null));
        const TimestampTz bound = DatumGetTimestampTz(
            SPI_getbinval(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 2, &is_null));
        if (!is_null && bound > dropped_until) dropped_until = bound;
    }
    for (uint64 r = 0; r < found; ++r) {
        Datum drop_args[1] = {ObjectIdGetDatum(partitions[r])};
        spi::execute(drop_partition, drop_args, nullptr, 0);
    }
    Datum mark_args[1] = {TimestampTzGetDatum(dropped_until)};
    // (An install of 0.1.0 not yet updated has no column to record the gap in.)
    if (has_workitem_column("event_consumer", "skipped_before")) {
        spi::execute(mark_skipping_consumers, mark_args, nullptr, 0);
    }
    counts.done[static_cast<int>(TimerOutcome::purge_event_partitions)] +=
        static_cast<int64>(found);
    return static_cast<int>(found);
}

int keep_partitions_ahead() {
    spi::execute(partitions_missing, nullptr, nullptr, 1);
    if (!first_bool() || !event_table_free()) return 0;
    // create_event_partitions skips (with a warning) a partition it cannot create: a failure
    // here never undoes the drops before it.
    spi::execute(create_partitions, nullptr, nullptr, 1);
    bool is_null = false;
    return DatumGetInt32(spi::first_column_of(SPI_tuptable->vals[0], 1, &is_null));
}

}  // namespace

bool has_workitem_column(const char* table, const char* column) {
    const Oid relation = get_relname_relid(table, get_namespace_oid("workitem", false));
    return OidIsValid(relation) && get_attnum(relation, column) != InvalidAttrNumber;
}

void run_retention(int limit, TimerCounts& counts) {
    purge_terminal_items(limit, counts);
    purge_idempotency_keys(limit, counts);
}

PartitionUpkeep maintain_event_partitions(TimerCounts& counts) {
    PartitionUpkeep upkeep{};
    upkeep.dropped = drop_expired_partitions(counts);
    upkeep.created = keep_partitions_ahead();
    return upkeep;
}

}  // namespace workitem::pg
