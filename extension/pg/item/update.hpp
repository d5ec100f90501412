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
// columns is written by one UPDATE over arrays of their values; a change alone, by update_item.
// Runs are written in the order given; within a run the item trigger records the items' events
// in the order the statement reaches their rows (on a real backlog the order given, the plan
// driven from the arrays into the primary key; a small table may be read in its own order).
// Each item's own events stay in version order, which is what the event stream promises
// (docs/events.md).
void update_items(const ItemChange* changes, int count, Datum* items);

}  // namespace workitem::pg
