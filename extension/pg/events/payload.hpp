// The payload of an item's event (docs/events.md, the payload): {"item": {...}, "changes":
// {...} (updates), "<body>": ... (when the operation is about one and it is not null)}, built as
// jsonb directly from the rows, each row deformed once.
#pragma once

#include "runtime/pg.hpp"

namespace workitem::pg {

// old_row: nullptr on insert; new_row: nullptr on delete; current: the row the event shows.
// body: "input", "output", "fault" or nullptr.
Jsonb* build_event_payload(TupleDesc desc, HeapTuple old_row, HeapTuple new_row, HeapTuple current,
                           const char* body);

}  // namespace workitem::pg
