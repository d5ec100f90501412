// Writing a decided change to the item row: one UPDATE naming exactly the columns that change,
// prepared once per column set.
#pragma once

#include "workitem/core/change.hpp"

#include "pg.hpp"

namespace workitem::pg {

struct TransitionCall;

// Applies `change` to item `id` (already locked) and returns the new row as a workitem.item
// composite Datum, copied out of SPI's memory. The call's own documents and attributes are
// written where the change says (output, fault, assignment, update's attributes).
Datum update_item(int64 id, const core::Change& change, const TransitionCall& call);

}  // namespace workitem::pg
