#include "change_context.hpp"

#include "timer_retention.hpp"

#include "settings.hpp"
#include "spi.hpp"

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
    "  WHERE i.id = f.item_id AND i.state IN ('created', 'offered', 'allocated', 'started', "
    "  'suspended'))",
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

// Monthly partitions (never the default one) whose upper bound is at or before the horizon.
spi::Statement expired_partitions{
    "SELECT c.oid FROM pg_catalog.pg_inherits h JOIN pg_catalog.pg_class c ON c.oid = h.inhrelid "
    "WHERE h.inhparent = 'workitem.event'::regclass "
    "  AND pg_catalog.pg_get_expr(c.relpartbound, c.oid) <> 'DEFAULT' "
    "  AND (regexp_match(pg_catalog.pg_get_expr(c.relpartbound, c.oid), "
    "       'TO \\(''([^'']+)''\\)'))[1]::timestamptz <= workitem.event_retention_horizon($1) "
    "ORDER BY 1",
    1,
    {TIMESTAMPTZOID},
    nullptr};

spi::Statement drop_partition{"SELECT workitem.drop_event_partition($1)", 1, {OIDOID}, nullptr};

spi::Statement partitions_missing{
    "SELECT EXISTS (SELECT FROM generate_series(0, 2) AS g WHERE to_regclass(format("
    "  'workitem.event_%s', to_char(date_trunc('month', now()) + g * interval '1 month', "
    "  'YYYYMM'))) IS NULL)",
    0,
    {},
    nullptr};

spi::Statement create_partitions{
    "SELECT count(*) FROM workitem.create_event_partitions(2)", 0, {}, nullptr};

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
    begin_change(
        PendingChange{0, core::Operation::cancel, "system", "retention", nullptr, false, false});
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

void drop_expired_partitions(TimerCounts& counts) {
    if (event_retention_seconds() <= 0) return;
    Datum args[1] = {TimestampTzGetDatum(seconds_before(timer_now(), event_retention_seconds()))};
    const uint64 found = spi::execute(expired_partitions, args, nullptr, 0);
    if (found == 0 || !event_table_free()) return;
    auto* partitions = static_cast<Oid*>(palloc(sizeof(Oid) * found));
    for (uint64 r = 0; r < found; ++r) {
        bool is_null = false;
        partitions[r] = DatumGetObjectId(spi::first_column_of(SPI_tuptable->vals[r], 1, &is_null));
    }
    for (uint64 r = 0; r < found; ++r) {
        Datum drop_args[1] = {ObjectIdGetDatum(partitions[r])};
        spi::execute(drop_partition, drop_args, nullptr, 0);
    }
    counts.done[static_cast<int>(TimerOutcome::purge_event_partitions)] +=
        static_cast<int64>(found);
}

void keep_partitions_ahead() {
    spi::execute(partitions_missing, nullptr, nullptr, 1);
    if (!first_bool() || !event_table_free()) return;
    spi::execute(create_partitions, nullptr, nullptr, 1);
}

}  // namespace

void run_retention(int limit, TimerCounts& counts) {
    purge_terminal_items(limit, counts);
    purge_idempotency_keys(limit, counts);
    drop_expired_partitions(counts);
    keep_partitions_ahead();
}

}  // namespace workitem::pg
