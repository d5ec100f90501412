// Writing a decided change to the item row: one UPDATE naming exactly the columns that change,
// prepared once per column set.
#pragma once

#include "workitem/core/change.hpp"

#include "runtime/pg.hpp"

namespace workitem::pg {

struct TransitionCall;
struct ItemRow;

// Applies `change` to item `id` and returns the new row as a workitem.item composite Datum,
// copied out of SPI's memory. The call's own documents and attributes are written where the
// change says (output, fault, assignment, update's attributes).
// `decided_on` nullptr: the row is locked by this transaction. Otherwise the change was decided
// on `decided_on`, read unlocked: the UPDATE applies only if the row is still that one - the
// same version and lease (a heartbeat moves the lease without a new version) - waiting for a
// writer in flight and looking again; Datum(0) says it was not.
Datum update_item(int64 id, const core::Change& change, const TransitionCall& call,
                  const ItemRow* decided_on = nullptr);

}  // namespace workitem::pg
