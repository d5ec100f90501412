// Building the payload as jsonb values, not as text parsed back: parsing the text was 3% of the
// worker loop's server time, and reading a wide row's columns one by one (heap_getattr past
// NULLs and varlenas) another 1% (bench/README.md, "Where the hot path stands").
#include "events/payload.hpp"

#include <cstring>

namespace workitem::pg {

namespace {

// Columns whose (potentially large) bodies travel only in the events where they matter.
bool is_body(const char* column) {
    return strcmp(column, "input") == 0 || strcmp(column, "output") == 0 ||
           strcmp(column, "fault") == 0;
}

// Columns no event shows: dropped ones, and those derived from the assignment or kept for
// create's idempotency.
bool skipped(Form_pg_attribute attribute) {
    if (attribute->attisdropped || attribute->attgenerated != '\0') return true;
    const char* name = NameStr(attribute->attname);
    return strcmp(name, "candidates") == 0 || strcmp(name, "excluded") == 0 ||
           strcmp(name, "administrators") == 0 || strcmp(name, "create_request_hash") == 0;
}

// Every change moves these two on; the event's aggregate_version and occurred_at carry them, so
// the diff does not repeat them.
bool moves_with_every_change(const char* column) {
    return strcmp(column, "version") == 0 || strcmp(column, "updated_at") == 0;
}

struct Deformed {
    Datum* values;
    bool* nulls;
};

Deformed deform(TupleDesc desc, HeapTuple row) {
    Deformed deformed{static_cast<Datum*>(palloc(sizeof(Datum) * desc->natts)),
                      static_cast<bool*>(palloc(sizeof(bool) * desc->natts))};
    heap_deform_tuple(row, desc, deformed.values, deformed.nulls);
    return deformed;
}

JsonbValue string_value(const char* text) {
    JsonbValue value{};
    value.type = jbvString;
    value.val.string.val = const_cast<char*>(text);
    value.val.string.len = static_cast<int>(strlen(text));
    return value;
}

void push_key(JsonbParseState** state, const char* key) {
    JsonbValue value = string_value(key);
    pushJsonbValue(state, WJB_KEY, &value);
}

void push_scalar(JsonbParseState** state, JsonbValue value) {
    pushJsonbValue(state, WJB_VALUE, &value);
}

// A column's value as the text payload showed it: JSON documents as themselves, booleans and
// integers as JSON's, times as RFC 3339 strings, everything else as its output text.
void push_value(JsonbParseState** state, Datum datum, bool is_null, Oid type) {
    JsonbValue value{};
    if (is_null) {
        value.type = jbvNull;
        return push_scalar(state, value);
    }
    switch (type) {
        case JSONBOID: {
            Jsonb* document = DatumGetJsonbP(datum);
            if (JB_ROOT_IS_SCALAR(document)) {
                JsonbExtractScalar(&document->root, &value);
                return push_scalar(state, value);
            }
            value.type = jbvBinary;
            value.val.binary.data = &document->root;
            value.val.binary.len = static_cast<int>(VARSIZE(document) - VARHDRSZ);
            pushJsonbValue(state, WJB_VALUE, &value);  // unpacked into the object being built
            return;
        }
        case BOOLOID:
            value.type = jbvBool;
            value.val.boolean = DatumGetBool(datum);
            return push_scalar(state, value);
        case INT2OID:
        case INT4OID:
        case INT8OID: {
            const int64 number = type == INT8OID   ? DatumGetInt64(datum)
                                 : type == INT4OID ? DatumGetInt32(datum)
                                                   : DatumGetInt16(datum);
            value.type = jbvNumeric;
            value.val.numeric = int64_to_numeric(number);
            return push_scalar(state, value);
        }
        case TIMESTAMPTZOID:
            return push_scalar(state,
                               string_value(JsonEncodeDateTime(nullptr, datum, type, nullptr)));
        default: {
            Oid output_function = InvalidOid;
            bool is_varlena = false;
            getTypeOutputInfo(type, &output_function, &is_varlena);
            return push_scalar(state, string_value(OidOutputFunctionCall(output_function, datum)));
        }
    }
}

// "item": the row's fields after the change, except the bodies and the null fields (a field
// that is absent is null), so an event stays small.
void push_item(JsonbParseState** state, TupleDesc desc, const Deformed& row) {
    push_key(state, "item");
    pushJsonbValue(state, WJB_BEGIN_OBJECT, nullptr);
    for (int i = 0; i < desc->natts; ++i) {
        Form_pg_attribute attribute = TupleDescAttr(desc, i);
        if (row.nulls[i] || skipped(attribute) || is_body(NameStr(attribute->attname))) continue;
        push_key(state, NameStr(attribute->attname));
        push_value(state, row.values[i], false, attribute->atttypid);
    }
    pushJsonbValue(state, WJB_END_OBJECT, nullptr);
}

// "changes": {"field": {"old": .., "new": ..}} for every column an update changed (bodies:
// {"changed": true}).
void push_changes(JsonbParseState** state, TupleDesc desc, const Deformed& old_row,
                  const Deformed& new_row) {
    push_key(state, "changes");
    pushJsonbValue(state, WJB_BEGIN_OBJECT, nullptr);
    for (int i = 0; i < desc->natts; ++i) {
        Form_pg_attribute attribute = TupleDescAttr(desc, i);
        const char* name = NameStr(attribute->attname);
        if (skipped(attribute) || moves_with_every_change(name)) continue;
        const bool old_null = old_row.nulls[i];
        const bool new_null = new_row.nulls[i];
        if (old_null && new_null) continue;
        if (old_null == new_null && datumIsEqual(old_row.values[i], new_row.values[i],
                                                 attribute->attbyval, attribute->attlen)) {
            continue;
        }
        push_key(state, name);
        pushJsonbValue(state, WJB_BEGIN_OBJECT, nullptr);
        if (is_body(name)) {
            push_key(state, "changed");
            JsonbValue changed{};
            changed.type = jbvBool;
            changed.val.boolean = true;
            push_scalar(state, changed);
        } else {
            push_key(state, "old");
            push_value(state, old_row.values[i], old_null, attribute->atttypid);
            push_key(state, "new");
            push_value(state, new_row.values[i], new_null, attribute->atttypid);
        }
        pushJsonbValue(state, WJB_END_OBJECT, nullptr);
    }
    pushJsonbValue(state, WJB_END_OBJECT, nullptr);
}

}  // namespace

Jsonb* build_event_payload(TupleDesc desc, HeapTuple old_row, HeapTuple new_row, HeapTuple current,
                           const char* body) {
    JsonbParseState* state = nullptr;
    pushJsonbValue(&state, WJB_BEGIN_OBJECT, nullptr);
    const Deformed shown = deform(desc, current);
    push_item(&state, desc, shown);
    if (old_row != nullptr && new_row != nullptr) {
        const Deformed before = deform(desc, old_row);
        const Deformed after = new_row == current ? shown : deform(desc, new_row);
        push_changes(&state, desc, before, after);
    }
    if (body != nullptr) {
        const int column = SPI_fnumber(desc, body);
        if (column > 0 && !shown.nulls[column - 1]) {
            push_key(&state, body);
            push_value(&state, shown.values[column - 1], false,
                       TupleDescAttr(desc, column - 1)->atttypid);
        }
    }
    return JsonbValueToJsonb(pushJsonbValue(&state, WJB_END_OBJECT, nullptr));
}

}  // namespace workitem::pg
