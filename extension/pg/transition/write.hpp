// The end of every transition path: the decided change written to the item row (the item
// trigger records its event, told by the change context what the change is), and the item
// returned as a row of the function's result set.
#pragma once

#include "workitem/core/change.hpp"

#include "item/row.hpp"
#include "transition/call.hpp"

#include "runtime/pg.hpp"

namespace workitem::pg {

// Writes `change` to item `item_id` and returns the item as it now is. `decided_on`: see
// update_item (nullptr: the row is locked); Datum(0) when it had changed.
Datum write(const TransitionCall& call, int64 item_id, const core::Change& change,
            const ItemRow* decided_on = nullptr);

// Appends an item (a workitem.item composite Datum) to the function's materialized result set.
void put_tuple(FunctionCallInfo fcinfo, Datum composite);

}  // namespace workitem::pg
