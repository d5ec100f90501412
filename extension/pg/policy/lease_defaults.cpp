#include <cstring>

#include "runtime/settings.hpp"  // core headers before postgres.h

#include "policy/lease_defaults.hpp"
#include "runtime/table_cache.hpp"

namespace workitem::pg {

namespace {

struct DefaultRow {
    char* tenant;
    char* queue;      // nullptr: a task's row
    char* task_name;  // nullptr: a queue's row
    int32 lease_seconds;
};

spi::Statement all_defaults{
    "SELECT tenant_id, queue, task_name, lease_seconds FROM workitem.lease_default",
    0,
    {},
    nullptr};

void fill(DefaultRow& row, HeapTuple tuple, TupleDesc desc, MemoryContext memory) {
    bool is_null = false;
    row.tenant = spi::text_column_in(memory, tuple, 1);
    row.queue = spi::text_column_in(memory, tuple, 2);
    row.task_name = spi::text_column_in(memory, tuple, 3);
    row.lease_seconds = DatumGetInt32(SPI_getbinval(tuple, desc, 4, &is_null));
}

// Its callback is registered at the first claim: only backends that claim pay a slot.
TableCache<DefaultRow> defaults("lease_default", all_defaults, fill);

}  // namespace

std::optional<int32> default_lease_for(const char* tenant, const char* queue,
                                       const char* task_name) {
    std::optional<int32> by_queue;
    for (const DefaultRow& row : defaults.rows()) {
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
