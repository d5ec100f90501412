#include <cstring>

#include "runtime/settings.hpp"  // core headers before postgres.h

#include "policy/lease_defaults.hpp"
#include "runtime/spi.hpp"

extern "C" {
#include "catalog/namespace.h"
#include "utils/inval.h"
}

namespace workitem::pg {

namespace {

struct DefaultRow {
    char* tenant;
    char* queue;      // nullptr: a task's row
    char* task_name;  // nullptr: a queue's row
    int32 lease_seconds;
};

// The cache: valid until an invalidation of the table (or of everything) arrives.
bool cache_valid = false;
bool callback_registered = false;
Oid default_table = InvalidOid;
DefaultRow* rows = nullptr;
int row_count = 0;
MemoryContext cache_context = nullptr;

spi::Statement all_defaults{
    "SELECT tenant_id, queue, task_name, lease_seconds FROM workitem.lease_default",
    0,
    {},
    nullptr};

void forget(Datum, Oid relid) {
    if (relid == InvalidOid || relid == default_table) cache_valid = false;
}

void load() {
    if (!callback_registered) {  // here, not at load time: only backends that claim pay a slot
        CacheRegisterRelcacheCallback(forget, Datum(0));
        callback_registered = true;
    }
    if (cache_context == nullptr) {
        cache_context = AllocSetContextCreate(TopMemoryContext, "workitem lease defaults",
                                              ALLOCSET_SMALL_SIZES);
    }
    MemoryContextReset(cache_context);
    rows = nullptr;
    row_count = 0;
    default_table = get_relname_relid("lease_default", get_namespace_oid("workitem", false));
    if (default_table == InvalidOid) {  // release 0.1.0, not yet updated: no table, no rows
        cache_valid = true;
        return;
    }
    spi::connect();
    const uint64 found = spi::execute(all_defaults, nullptr, nullptr, 0);
    rows = static_cast<DefaultRow*>(
        MemoryContextAlloc(cache_context, sizeof(DefaultRow) * (found + 1)));
    for (uint64 r = 0; r < found; ++r) {
        HeapTuple tuple = SPI_tuptable->vals[r];
        TupleDesc desc = SPI_tuptable->tupdesc;
        bool is_null = false;
        rows[r].tenant = spi::text_column_in(cache_context, tuple, 1);
        rows[r].queue = spi::text_column_in(cache_context, tuple, 2);
        rows[r].task_name = spi::text_column_in(cache_context, tuple, 3);
        rows[r].lease_seconds = DatumGetInt32(SPI_getbinval(tuple, desc, 4, &is_null));
    }
    row_count = static_cast<int>(found);
    spi::finish();
    cache_valid = true;
}

}  // namespace

std::optional<int32> default_lease_for(const char* tenant, const char* queue,
                                       const char* task_name) {
    if (!cache_valid) load();
    std::optional<int32> by_queue;
    for (int i = 0; i < row_count; ++i) {
        const DefaultRow& row = rows[i];
        if (strcmp(row.tenant, tenant) != 0) continue;
        // The task's default is the more specific: it wins over its queue's.
        if (row.task_name && task_name && strcmp(row.task_name, task_name) == 0) {
            return row.lease_seconds;
        }
        if (row.queue && queue && strcmp(row.queue, queue) == 0) by_queue = row.lease_seconds;
    }
    if (by_queue) return by_queue;
    const int setting = default_lease_seconds();
    if (setting > 0) return setting;
    return std::nullopt;
}

}  // namespace workitem::pg
