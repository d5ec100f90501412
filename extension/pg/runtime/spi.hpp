// The one place that talks SPI: statements prepared once per backend, executed with parameters
// (values are never spliced into SQL text).
#pragma once

#include "runtime/pg.hpp"

namespace workitem::pg::spi {

constexpr int max_parameters = 24;

struct Statement {
    const char* sql;
    int parameter_count;
    Oid parameter_types[max_parameters];
    SPIPlanPtr plan;  // prepared on first use, kept for the backend's life
    // Always the generic plan: for statements whose custom plans the plan cache would otherwise
    // keep choosing, planning them again at every execution.
    bool generic_plan = false;
};

// Connects to SPI for the duration of a scope-less glue function (finish() before returning).
void connect();
void finish();

// Runs a statement; returns the number of rows processed (SPI_tuptable holds returned rows).
uint64 execute(Statement& statement, const Datum* values, const char* nulls, long row_limit = 0);

// The first column of row `row` of the last result, copied out of SPI's memory.
Datum first_column(uint64 row, bool* is_null);

// Column `number` of `tuple` in the last result, copied out of SPI's memory.
Datum first_column_of(HeapTuple tuple, int number, bool* is_null);

// Helpers to read a column of the last result by name.
int column_number(const char* name);
Datum column(HeapTuple tuple, int number, bool* is_null);
const char* text_column(HeapTuple tuple, const char* name);  // palloc'd, or nullptr for NULL

}  // namespace workitem::pg::spi
