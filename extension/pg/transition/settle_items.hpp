// The batch path's per-item part (transition/batch.cpp), shared by the batch forms and by
// acknowledge-and-claim (transition/acknowledge.cpp): calls on items, each with its own
// operation, body and expected version, answered one result row each.
#pragma once

#include "workitem/core/time.hpp"

#include "transition/batch_results.hpp"
#include "transition/call.hpp"

#include "runtime/pg.hpp"

namespace workitem::pg {

// Runs calls[i] on calls[i].item_id for every i, one result row each, in the order given. The
// calls share their tenant and actor. Rows are read unlocked first: the items the actor may not
// see or act on are refused without being locked; the others are locked in id order (two batches
// never deadlock on each other), then decided in the order given and written together
// (transition/batch_write.hpp).
void settle_items(const char* tenant, const TransitionCall* calls, int count, core::Timestamp now,
                  BatchResults& results);

// WI422 unless `count` items fit in one call (workitem.max_batch_size); `what` names the argument.
void require_batch_size(const char* what, int count);

// WI422 for a NULL id or an id named twice (each item gets exactly one outcome).
void require_distinct_ids(const char* what, const Datum* ids, const bool* nulls, int count);

}  // namespace workitem::pg
