#include "runtime/spi.hpp"

namespace workitem::pg::spi {

void connect() {
    if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "workitem: SPI_connect failed");
}

void finish() {
    SPI_finish();
}

uint64 execute(Statement& statement, const Datum* values, const char* nulls, long row_limit) {
    if (statement.plan == nullptr) {
        SPIPlanPtr plan =
            SPI_prepare_cursor(statement.sql, statement.parameter_count, statement.parameter_types,
                               statement.generic_plan ? CURSOR_OPT_GENERIC_PLAN : 0);
        if (plan == nullptr) {
            elog(ERROR, "workitem: could not prepare statement: %s",
                 SPI_result_code_string(SPI_result));
        }
        SPI_keepplan(plan);
        statement.plan = plan;
    }
    const int status =
        SPI_execute_plan(statement.plan, const_cast<Datum*>(values), nulls, false, row_limit);
    if (status < 0) elog(ERROR, "workitem: statement failed: %s", SPI_result_code_string(status));
    return SPI_processed;
}

Datum first_column(uint64 row, bool* is_null) {
    return first_column_of(SPI_tuptable->vals[row], 1, is_null);
}

Datum first_column_of(HeapTuple tuple, int number, bool* is_null) {
    Datum value = SPI_getbinval(tuple, SPI_tuptable->tupdesc, number, is_null);
    if (*is_null) return value;
    // Copied (as its type says: by value, fixed or variable length) into the memory context that
    // was current before SPI_connect, which outlives SPI_finish.
    Form_pg_attribute attribute = TupleDescAttr(SPI_tuptable->tupdesc, number - 1);
    return SPI_datumTransfer(value, attribute->attbyval, attribute->attlen);
}

int column_number(const char* name) {
    const int number = SPI_fnumber(SPI_tuptable->tupdesc, name);
    if (number <= 0) elog(ERROR, "workitem: result has no column \"%s\"", name);
    return number;
}

Datum column(HeapTuple tuple, int number, bool* is_null) {
    return SPI_getbinval(tuple, SPI_tuptable->tupdesc, number, is_null);
}

const char* text_column(HeapTuple tuple, const char* name) {
    bool is_null = false;
    Datum value = column(tuple, column_number(name), &is_null);
    if (is_null) return nullptr;
    return TextDatumGetCString(value);
}

char* text_column_in(MemoryContext context, HeapTuple tuple, int number) {
    bool is_null = false;
    const Datum value = column(tuple, number, &is_null);
    return is_null ? nullptr : MemoryContextStrdup(context, TextDatumGetCString(value));
}

}  // namespace workitem::pg::spi
