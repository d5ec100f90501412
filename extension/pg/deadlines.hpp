// Deadline lists in the glue: the list a caller writes on create or update becomes the stored
// list (core/deadline.hpp), with PostgreSQL reading the times, as for every timestamp argument.
#pragma once

#include "pg.hpp"

namespace workitem::pg {

// Checks `written` (WI422 naming the entry and field; a malformed time is PostgreSQL's own input
// error, 22007 or 22008) and returns the stored form, each "after" counted from `base`.
Jsonb* stored_deadlines_from(Jsonb* written, TimestampTz base);

}  // namespace workitem::pg
