// Deadline lists in the glue: the list a caller writes on create or update becomes the stored
// list (core/deadline.hpp), with PostgreSQL reading the times, as for every timestamp argument.
#pragma once

#include "runtime/pg.hpp"

namespace workitem::pg {

// Checks `written` and returns the stored form, each "after" counted from `base`. A malformed
// list is WI422 naming the entry and field - raised, or (with `refusal`) returned there as the
// message, for create_many's rows; so is a time that is malformed, infinite or outside the
// core's range (0001 to 9999), and an "after" of more than 10000 years.
Jsonb* stored_deadlines_from(Jsonb* written, TimestampTz base, const char** refusal);

// timestamptz_in and interval_in that answer false instead of raising on malformed text (a
// create_many element's error is that element's row). 'infinity' reads as infinity.
bool read_timestamptz(const char* text, TimestampTz* out);
bool read_interval(const char* text, Interval* out);

// Whether a time is within the core's range (core::check_time): finite, years 0001 to 9999.
bool valid_core_time(TimestampTz time);

}  // namespace workitem::pg
