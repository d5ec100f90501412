// The transition paths: every operation on an existing item goes through one of them.
//   decode (entry/) -> admit the caller and validate the input (call.hpp) -> claim the
//   idempotency key (keyed_call.hpp) -> read the row unlocked and authorize on it -> lock the
//   row -> decide in the core (decide.hpp) -> write the change, the item trigger recording its
//   event (write.hpp) -> return the item as it now is.
// One file per path: single.cpp (workitem_<op>; a worker's own operations - complete, start,
// stop, save_output, fail - decide on the row as read and let the write lock it, if the row is
// still the one they decided on), batch.cpp, claim_next.cpp, acknowledge.cpp (batch.cpp's
// per-item part, then claim_next's), cancel_workflow.cpp.
#pragma once

#include "transition/call.hpp"

#include "runtime/pg.hpp"

namespace workitem::pg {

// Runs the call on its item and returns the item row (a workitem.item composite Datum).
// `key_argument` is the position of the idempotency key among the function's arguments.
Datum run_transition(const TransitionCall& call, FunctionCallInfo fcinfo, int key_argument);

// claim_next: claims the best offered items the actor may take in `queue` / `task_name`, up
// to `max_items`, each as if by its own call, and returns them best first (no row when there
// is none).
void run_claim_next(const TransitionCall& call, const char* queue, const char* task_name,
                    int max_items, FunctionCallInfo fcinfo, int key_argument);

// acknowledge-and-claim: settles the held items of `outcomes` (complete or fail, each with its
// own body and expected version), then claims up to `max_items` as claim_next does; one result
// row (kind, id, ok, sqlstate, message, item) per outcome, then one per claimed item.
void run_acknowledge_and_claim_next(const TransitionCall& call, const TransitionCall* outcomes,
                                    int outcome_count, const char* queue, const char* task_name,
                                    int max_items, FunctionCallInfo fcinfo, int key_argument);

// A batch form: the call on every id, one result row (id, ok, sqlstate, message, item) each.
void run_batch(const TransitionCall& call, ArrayType* ids, ArrayType* expected_versions,
               FunctionCallInfo fcinfo, int key_argument);

// cancel_workflow: every active item of the workflow, cancelled (all or nothing); returns them.
void run_cancel_workflow(const TransitionCall& call, const char* workflow_id,
                         FunctionCallInfo fcinfo, int key_argument);

}  // namespace workitem::pg
