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

// The parameters of one execution, added in the statement's order ($1, $2...): a NULL is marked
// where its value is added, so no null array is kept in step with the values by position.
template <int N>
class Arguments {
  public:
    Arguments() { nulls_[0] = '\0'; }
    Arguments& add(Datum value) { return put(value, ' '); }
    Arguments& add_null() { return put(Datum(0), 'n'); }
    // `value` when `present`, else NULL.
    Arguments& add_if(bool present, Datum value) { return present ? add(value) : add_null(); }
    // A text parameter; nullptr is NULL.
    Arguments& add_text(const char* text) {
        return text ? add(CStringGetTextDatum(text)) : add_null();
    }
    int count() const { return count_; }
    const Datum* values() const { return values_; }
    const char* nulls() const { return nulls_; }

  private:
    Arguments& put(Datum value, char null) {
        if (count_ == N) elog(ERROR, "workitem: more than %d statement parameters", N);
        values_[count_] = value;
        nulls_[count_++] = null;
        nulls_[count_] = '\0';
        return *this;
    }
    Datum values_[N];
    char nulls_[N + 1];
    int count_ = 0;
};

// Connects to SPI for the duration of a scope-less glue function (finish() before returning).
void connect();
void finish();

// Runs a statement; returns the number of rows processed (SPI_tuptable holds returned rows).
uint64 execute(Statement& statement, const Datum* values, const char* nulls, long row_limit = 0);

// Runs a statement with `arguments`, which must be exactly its parameters.
template <int N>
uint64 execute(Statement& statement, const Arguments<N>& arguments, long row_limit = 0) {
    if (arguments.count() != statement.parameter_count) {
        elog(ERROR, "workitem: %d parameters given for a statement of %d", arguments.count(),
             statement.parameter_count);
    }
    return execute(statement, arguments.values(), arguments.nulls(), row_limit);
}

// The first column of row `row` of the last result, copied out of SPI's memory.
Datum first_column(uint64 row, bool* is_null);

// Column `number` of `tuple` in the last result, copied out of SPI's memory.
Datum first_column_of(HeapTuple tuple, int number, bool* is_null);

// Helpers to read a column of the last result by name.
int column_number(const char* name);
Datum column(HeapTuple tuple, int number, bool* is_null);
const char* text_column(HeapTuple tuple, const char* name);  // palloc'd, or nullptr for NULL
// A text column of the last result by number, copied into `context` (a cache's), or nullptr.
char* text_column_in(MemoryContext context, HeapTuple tuple, int number);

}  // namespace workitem::pg::spi
