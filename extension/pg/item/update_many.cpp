// A batch's decided changes written set-based: a run of changes that write the same columns
// (a batch's n claims, its n completes) is one UPDATE over arrays of their values instead of n
// one-row UPDATEs, each statement's start-up and SPI round paid once (bench/README.md,
// "Batches"). The item trigger still fires once per row, so every item keeps its own version
// bump and event.
#include "item/update.hpp"
#include "item/update_values.hpp"

#include "runtime/spi.hpp"

extern "C" {
#include "utils/lsyscache.h"
}

namespace workitem::pg {

namespace {

// One prepared UPDATE per (column set, version bump), over arrays: $1 the ids, then one array
// per changed column in column order. WITH ORDINALITY numbers the rows so that each returned
// item finds its place whatever order the plan reaches them in.
struct CachedSetUpdate {
    uint32 mask;
    bool bumps_version;
    spi::Statement statement;
};
constexpr int set_cache_size = 32;
CachedSetUpdate set_cache[set_cache_size];
int set_cached = 0;

spi::Statement& set_statement_for(const UpdateValues& v) {
    for (int i = 0; i < set_cached; ++i) {
        if (set_cache[i].mask == v.mask && set_cache[i].bumps_version == v.bumps_version) {
            return set_cache[i].statement;
        }
    }
    if (set_cached == set_cache_size) elog(ERROR, "workitem: too many distinct item updates");

    MemoryContext previous = MemoryContextSwitchTo(TopMemoryContext);
    StringInfoData assignments;
    StringInfoData arrays;
    StringInfoData names;
    initStringInfo(&assignments);
    initStringInfo(&arrays);
    initStringInfo(&names);
    if (v.bumps_version) {
        appendStringInfoString(&assignments, "version = i.version + 1, updated_at = now()");
    }
    CachedSetUpdate& entry = set_cache[set_cached];
    entry.mask = v.mask;
    entry.bumps_version = v.bumps_version;
    entry.statement.parameter_types[0] = INT8ARRAYOID;
    appendStringInfoString(&arrays, "$1");
    appendStringInfoString(&names, "id");
    int parameter = 1;
    bool first = !v.bumps_version;
    for (int c = 0; c < column_count; ++c) {
        if ((v.mask & (1u << c)) == 0) continue;
        entry.statement.parameter_types[parameter] = get_array_type(columns[c].type);
        ++parameter;
        appendStringInfo(&arrays, ", $%d", parameter);
        appendStringInfo(&names, ", c%d", c);
        appendStringInfo(&assignments, "%s%s = %su.c%d%s", first ? "" : ", ", columns[c].name,
                         columns[c].merged_into, c, columns[c].cast);
        first = false;
    }
    entry.statement.sql = psprintf(
        "UPDATE workitem.item AS i SET %s FROM unnest(%s) WITH ORDINALITY AS u(%s, "
        "position) WHERE i.id = u.id RETURNING u.position, i",
        assignments.data, arrays.data, names.data);
    entry.statement.parameter_count = parameter;
    entry.statement.plan = nullptr;
    // Planned once: the arrays' sizes change from call to call, the plan (a nested loop over
    // them into the primary key) does not.
    entry.statement.generic_plan = true;
    MemoryContextSwitchTo(previous);
    ++set_cached;
    return entry.statement;
}

// Column `c` of the run's values as an array of its type (NULLs where a value is NULL).
Datum column_array(const UpdateValues* values, int count, int c) {
    auto* elements = static_cast<Datum*>(palloc(sizeof(Datum) * count));
    auto* nulls = static_cast<bool*>(palloc(sizeof(bool) * count));
    for (int i = 0; i < count; ++i) {
        elements[i] = values[i].values[c];
        nulls[i] = values[i].nulls[c];
    }
    int16 length = 0;
    bool by_value = false;
    char align = 0;
    get_typlenbyvalalign(columns[c].type, &length, &by_value, &align);
    int dimensions[1] = {count};
    int lower_bounds[1] = {1};
    return PointerGetDatum(construct_md_array(elements, nulls, 1, dimensions, lower_bounds,
                                              columns[c].type, length, by_value, align));
}

// Writes a run of `count` changes with the same column set by one UPDATE.
void update_run(const ItemChange* changes, const UpdateValues* values, int count, Datum* items) {
    spi::Statement& statement = set_statement_for(values[0]);
    auto* ids = static_cast<Datum*>(palloc(sizeof(Datum) * count));
    for (int i = 0; i < count; ++i) ids[i] = Int64GetDatum(changes[i].id);
    spi::Arguments<column_count + 1> arguments;
    arguments.add(PointerGetDatum(
        construct_array(ids, count, INT8OID, sizeof(int64), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE)));
    for (int c = 0; c < column_count; ++c) {
        if ((values[0].mask & (1u << c)) != 0) arguments.add(column_array(values, count, c));
    }
    const uint64 written = spi::execute(statement, arguments, 0);
    if (written != static_cast<uint64>(count)) {
        elog(ERROR, "workitem: %lu of %d items written while locked", written, count);
    }
    for (uint64 r = 0; r < written; ++r) {
        bool is_null = false;
        const HeapTuple tuple = SPI_tuptable->vals[r];
        const int64 position = DatumGetInt64(spi::column(tuple, 1, &is_null));
        items[position - 1] = spi::first_column_of(tuple, 2, &is_null);
    }
}

bool writes_nothing(const UpdateValues& v) {
    return v.mask == 0 && !v.bumps_version;
}

bool same_kind(const UpdateValues& a, const UpdateValues& b) {
    return a.mask == b.mask && a.bumps_version == b.bumps_version;
}

}  // namespace

void update_items(const ItemChange* changes, int count, Datum* items) {
    auto* values = static_cast<UpdateValues*>(palloc(sizeof(UpdateValues) * (count + 1)));
    for (int i = 0; i < count; ++i) values[i] = values_of(*changes[i].change, *changes[i].call);
    int start = 0;
    while (start < count) {
        int end = start + 1;
        while (end < count && same_kind(values[start], values[end])) ++end;
        if (end - start == 1 || writes_nothing(values[start])) {
            for (int i = start; i < end; ++i) {
                items[i] = update_item(changes[i].id, *changes[i].change, *changes[i].call);
            }
        } else {
            update_run(changes + start, values + start, end - start, items + start);
        }
        start = end;
    }
}

}  // namespace workitem::pg
