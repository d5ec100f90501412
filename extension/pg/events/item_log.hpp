// The item trigger (workitem_item_log, BEFORE INSERT OR UPDATE OR DELETE FOR EACH ROW on
// workitem.item): every insert, update and delete of an item appends exactly one event to
// workitem.event in the same transaction (domain.md §8) - the audit trail and the outbox. What
// the change is (operation, actor, reason...) comes from the change context
// (events/change_context.hpp) that the function making it set; anything else is a 'direct'
// change by the role that made it.
#pragma once

#include "runtime/pg.hpp"

namespace workitem::pg {

// Derives the row's principals, checks its invariants, appends its event; returns the row to
// store (the new row, maybe with derived columns and a bumped version; the old one on delete).
HeapTuple log_item_change(TriggerData* trigger);

}  // namespace workitem::pg
