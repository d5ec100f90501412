// Deadline lists in the glue: the list a caller writes on create or update becomes the stored
// list (core/deadline.hpp), with PostgreSQL reading the times, as for every timestamp argument.
#pragma once

#include "pg.hpp"

namespace workitem::pg {

// Checks `written` and returns the stored form, each "after" counted from `base`. A malformed
// list is WI422 naming the entry and field - raised, or (with `refusal`) returned there as the
// message, for create_many's rows; a malformed time is PostgreSQL's own input error (22007 or
// 22008), as for every timestamp argument.
Jsonb* stored_deadlines_from(Jsonb* written, TimestampTz base, const char** refusal);

}  // namespace workitem::pg
