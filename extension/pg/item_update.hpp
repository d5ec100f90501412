// Writing a decided change to the item row: one UPDATE naming exactly the columns that change,
// prepared once per column set.
#pragma once

#include "workitem/core/change.hpp"

#include "pg.hpp"

namespace workitem::pg {

// Applies `change` to item `id` (already locked) and returns the new row as a workitem.item
// composite Datum, copied out of SPI's memory. `body` is the call's jsonb document, written to
// output, fault or assignment as the change says.
Datum update_item(int64 id, const core::Change& change, Jsonb* body);

}  // namespace workitem::pg
