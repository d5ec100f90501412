// Writing a decided change to the item row: one UPDATE naming exactly the columns that change,
// prepared once per column set; a batch's changes, one UPDATE per run of changes that write the
// same columns.
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

// One decided change of a batch: its item (locked by this transaction), the change, and the
// call that decided it (whose documents and attributes the change may write).
struct ItemChange {
    int64 id;
    const core::Change* change;
    const TransitionCall* call;
};

// Applies changes[i] to its item for every i (distinct, locked items) and returns the new rows
// in items[i], as update_item does one. A run of consecutive changes that write the same
// columns is written by one UPDATE over arrays of their values, row by row in the order given
// (so the item trigger records their events in that order); a change alone, by update_item.
void update_items(const ItemChange* changes, int count, Datum* items);

}  // namespace workitem::pg
