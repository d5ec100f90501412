// The statements claim_next finds its item with: the best offered items the actor may take,
// without scanning past the items offered to others, then the first of them no other worker
// holds, locked (domain.md §2).
#pragma once

#include "spi.hpp"

namespace workitem::pg {

// ($1 int8[] ids to pass over, $2 tenant, $3 principals text[] (principals_of), $4 task_name or
// NULL, $5 queue or NULL, $6 int4 how many) -> one int8[] row: the best `how many` items the actor
// may take, best first. One index scan per principal (an item offered to exactly one principal is
// indexed by it) and one over the items offered to several, each stopping after `how many`.
spi::Statement& best_offered_statement(bool in_queue);

// ($1 int8[] candidates best first, $2 tenant, $3 actor, $4 principals) -> 0 or 1 row: the first
// candidate still offered to the actor that no other transaction holds, locked by us, as
// WORKITEM_ITEM_SELECT_LIST reads it (read_item_row).
spi::Statement& lock_first_free_statement();

}  // namespace workitem::pg
