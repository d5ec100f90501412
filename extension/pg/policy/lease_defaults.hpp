// The lease a worker's claim takes when neither the call nor the assignment names one
// (docs/domain.md §5): the task's default, else the queue's (workitem.lease_default), else
// workitem.default_lease_seconds. The table is cached in each backend and reloaded when it changes
// (a statement trigger sends a relcache invalidation, as for the feature flags), so a claim reads
// memory, never the table.
#pragma once

#include <optional>

#include "runtime/pg.hpp"

namespace workitem::pg {

// For an item of `task_name` in `queue` (nullptr: none) of `tenant`: the default lease in seconds,
// or nothing when the setting is 0 and no row applies.
std::optional<int32> default_lease_for(const char* tenant, const char* queue,
                                       const char* task_name);

}  // namespace workitem::pg
