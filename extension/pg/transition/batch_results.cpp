#include "transition/batch_results.hpp"

#include "policy/idempotency.hpp"
#include "runtime/spi.hpp"

namespace workitem::pg {

namespace {

spi::Statement replay_created_rows{
    "SELECT b.element, b.id, b.ok, b.sqlstate, b.message, "
    "       CASE WHEN jsonb_typeof(b.item) = 'object' "
    "            THEN jsonb_populate_record(NULL::workitem.item, b.item) END "
    "  FROM jsonb_to_recordset($1) AS b(element int, id bigint, ok boolean, sqlstate text, "
    "                                    message text, item jsonb)",
    1,
    {JSONBOID},
    nullptr};

spi::Statement replay_acknowledged_rows{
    "SELECT b.kind, b.id, b.ok, b.sqlstate, b.message, "
    "       CASE WHEN jsonb_typeof(b.item) = 'object' "
    "            THEN jsonb_populate_record(NULL::workitem.item, b.item) END "
    "  FROM jsonb_to_recordset($1) AS b(kind text, id bigint, ok boolean, sqlstate text, "
    "                                    message text, item jsonb)",
    1,
    {JSONBOID},
    nullptr};

spi::Statement replay_rows{
    "SELECT b.id, b.ok, b.sqlstate, b.message, "
    "       CASE WHEN jsonb_typeof(b.item) = 'object' "
    "            THEN jsonb_populate_record(NULL::workitem.item, b.item) END "
    "  FROM jsonb_to_recordset($1) AS b(id bigint, ok boolean, sqlstate text, message text, "
    "                                    item jsonb)",
    1,
    {JSONBOID},
    nullptr};

void put_row(BatchResults& results, int64 id, bool ok, const char* sqlstate, const char* message,
             Datum item) {
    Datum values[6] = {Datum(0),
                       Int64GetDatum(id),
                       BoolGetDatum(ok),
                       sqlstate ? CStringGetTextDatum(sqlstate) : Datum(0),
                       message ? CStringGetTextDatum(message) : Datum(0),
                       item};
    bool nulls[6] = {false,           false, false, sqlstate == nullptr, message == nullptr,
                     item == Datum(0)};
    // Rows without a kind start at the id.
    const int first = results.kind == nullptr ? 1 : 0;
    if (first == 0) values[0] = CStringGetTextDatum(results.kind);
    tuplestore_putvalues(results.result->setResult, results.result->setDesc, values + first,
                         nulls + first);
}

void append_outcome(BatchResults& results, int64 id, bool ok, const char* sqlstate,
                    const char* message, Datum item) {
    if (!results.keeps_outcome) return;
    append_result_json(results.outcome, results.rows == 0, -1, id, ok, sqlstate, message, item,
                       results.kind);
}

}  // namespace

void append_result_json(StringInfo out, bool first, int position, int64 id, bool ok,
                        const char* sqlstate, const char* message, Datum item, const char* kind) {
    appendStringInfoString(out, first ? "{" : ", {");
    if (kind != nullptr) appendStringInfo(out, "\"kind\": \"%s\", ", kind);
    if (position >= 0) appendStringInfo(out, "\"element\": %d, ", position);
    // A create that failed has no id.
    if (position >= 0 && !ok) {
        appendStringInfoString(out, "\"id\": null, ");
    } else {
        appendStringInfo(out, "\"id\": %ld, ", id);
    }
    appendStringInfo(out, "\"ok\": %s, \"sqlstate\": ", ok ? "true" : "false");
    if (sqlstate) {
        escape_json(out, sqlstate);
    } else {
        appendStringInfoString(out, "null");
    }
    appendStringInfoString(out, ", \"message\": ");
    if (message) {
        escape_json(out, message);
    } else {
        appendStringInfoString(out, "null");
    }
    appendStringInfoString(out, ", \"item\": ");
    if (item != Datum(0)) {
        Jsonb* document = DatumGetJsonbP(item_to_jsonb(item));
        appendStringInfoString(out, JsonbToCString(nullptr, &document->root, VARSIZE(document)));
    } else {
        appendStringInfoString(out, "null");
    }
    appendStringInfoChar(out, '}');
}

BatchResults begin_batch_results(ReturnSetInfo* result, bool keeps_outcome) {
    BatchResults results{result, nullptr, keeps_outcome, nullptr, 0};
    if (keeps_outcome) {
        results.outcome = makeStringInfo();
        appendStringInfoChar(results.outcome, '[');
    }
    return results;
}

void add_batch_success(BatchResults& results, int64 id, Datum item) {
    put_row(results, id, true, nullptr, nullptr, item);
    append_outcome(results, id, true, nullptr, nullptr, item);
    ++results.rows;
}

void add_batch_failure(BatchResults& results, int64 id, int sqlerrcode, const char* message) {
    const char* sqlstate = unpack_sql_state(sqlerrcode);
    put_row(results, id, false, sqlstate, message, Datum(0));
    append_outcome(results, id, false, sqlstate, message, Datum(0));
    ++results.rows;
}

Datum batch_outcome(BatchResults& results) {
    if (!results.keeps_outcome) return Datum(0);
    appendStringInfoChar(results.outcome, ']');
    return DirectFunctionCall1(jsonb_in, CStringGetDatum(results.outcome->data));
}

namespace {
void replay(spi::Statement& statement, ReturnSetInfo* result, Datum outcome) {
    Datum args[1] = {outcome};
    const uint64 rows = spi::execute(statement, args, nullptr, 0);
    for (uint64 r = 0; r < rows; ++r) {
        Datum values[6];
        bool nulls[6];
        heap_deform_tuple(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, values, nulls);
        tuplestore_putvalues(result->setResult, result->setDesc, values, nulls);
    }
}
}  // namespace

void replay_batch(ReturnSetInfo* result, Datum outcome) {
    replay(replay_rows, result, outcome);
}

void replay_acknowledged(ReturnSetInfo* result, Datum outcome) {
    replay(replay_acknowledged_rows, result, outcome);
}

void replay_created(ReturnSetInfo* result, Datum outcome) {
    replay(replay_created_rows, result, outcome);
}

}  // namespace workitem::pg
