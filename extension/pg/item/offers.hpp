// The offer entries of an item (workitem.offer): one row per potential owner of each offered
// item, which claim_next and the worklist read best first per principal (docs/architecture.md,
// the offer entries). Kept by the item trigger, so every way an item changes keeps them.
#pragma once

#include "runtime/pg.hpp"

namespace workitem::pg {

// Brings the item's entries in step with one change of its row (old_row nullptr: inserted;
// new_row nullptr: deleted): removes them when it leaves 'offered', writes them when it enters,
// and both when an offered item's people, queue, task, priority, due date or expiry change.
// Must run inside SPI. Does nothing on an install without the table (release 0.1.0).
void keep_offers(TupleDesc desc, HeapTuple old_row, HeapTuple new_row);

// Whether this database's workitem schema has the offer entries (release 0.2.0 on).
bool has_offer_entries();

// Whether the offer entries record the transaction that offered them (offered_xid, release 0.3.0
// on), which claim_next's fronts need (transition/claim_fronts.hpp).
bool has_offer_marks();

}  // namespace workitem::pg
