// The statement claim_next finds and locks its item with: the best offered items the actor may
// take, without scanning past the items offered to others, and the first of them no other worker
// holds, locked (domain.md §2) - one statement, so a claim without contention is one round trip
// to the executor.
#pragma once

#include "runtime/spi.hpp"

namespace workitem::pg {

// ($1 int8[] ids to pass over, $2 tenant, $3 actor, $4 task_name or NULL, $5 queue or NULL,
// $6 int4 how many candidates, $7 the actor's principals text[] (principals_of), $8 int4 how
// many to lock) -> up to $8 rows: the first candidates no other transaction holds, locked by us,
// best first, as WORKITEM_ITEM_SELECT_LIST reads them (read_item_row), each followed by the
// candidates, int8[] best first (column item_select_columns + 1; empty: nothing the actor may
// take); one row of NULLs but the candidates when every candidate was held. The candidates
// are the best `how many` of one index scan per principal over the offer entries
// (workitem.offer, item/offers.hpp); on a 0.1.0 schema, of the item table's per-principal
// indexes and one scan over the items offered to several principals.
spi::Statement& claim_first_free_statement(bool in_queue);

// The same in a queue, scanning from this backend's fronts (transition/claim_fronts.hpp): its
// parameters as above, then per principal of $7, in its order, the front's $9 int4[] priority,
// $10 timestamptz[] due date, $11 int8[] item id (NULL: no front, scan from the first entry) and
// $12 xid8[] mark. Release 0.3.0's schema on (workitem.offer.offered_xid).
spi::Statement& claim_from_fronts_statement();

// After a claim from fronts, with the same parameters: one row per principal of $7, in its
// order: the first entry visible from its front on (priority, due_at, item_id; NULLs when none)
// and the statement's snapshot's xmin (xid8).
spi::Statement& move_fronts_statement();

}  // namespace workitem::pg
