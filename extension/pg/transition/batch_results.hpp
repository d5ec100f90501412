// The rows a batch form returns: (id, ok, sqlstate, message, item), one per id, and the same
// rows as a jsonb array for the idempotency table.
#pragma once

#include "runtime/pg.hpp"

namespace workitem::pg {

struct BatchResults {
    ReturnSetInfo* result;
    // Acknowledge-and-claim's rows start with their kind ('complete', 'fail', 'claim'): the kind
    // of the rows being added; nullptr for the batch forms' rows, which have none.
    const char* kind;
    bool keeps_outcome;  // an idempotency key was given: collect the rows as jsonb too
    StringInfo outcome;
    int rows;
};

BatchResults begin_batch_results(ReturnSetInfo* result, bool keeps_outcome);
void add_batch_success(BatchResults& results, int64 id, Datum item);
void add_batch_failure(BatchResults& results, int64 id, int sqlerrcode, const char* message);

// The collected rows as jsonb (for remember_outcome); must run inside SPI.
Datum batch_outcome(BatchResults& results);

// Returns the rows stored by an earlier call with the same key (inside SPI).
void replay_batch(ReturnSetInfo* result, Datum outcome);
// The same for acknowledge-and-claim's rows (kind, id, ok, sqlstate, message, item).
void replay_acknowledged(ReturnSetInfo* result, Datum outcome);
// The same for workitem_create_many's rows (position, id, ok, sqlstate, message, item).
void replay_created(ReturnSetInfo* result, Datum outcome);

// One result row as a JSON object appended to an array being built (position < 0: none; kind
// nullptr: none).
void append_result_json(StringInfo out, bool first, int position, int64 id, bool ok,
                        const char* sqlstate, const char* message, Datum item,
                        const char* kind = nullptr);

}  // namespace workitem::pg
