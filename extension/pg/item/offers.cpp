#include "item/offers.hpp"

#include "runtime/spi.hpp"
#include "wakeups/commit.hpp"

extern "C" {
#include "catalog/namespace.h"
#include "utils/lsyscache.h"
}

namespace workitem::pg {

namespace {

spi::Statement remove_entries{
    "DELETE FROM workitem.offer WHERE item_id = $1", 1, {INT8OID}, nullptr};

// One entry per distinct principal of the item's potential owners.
spi::Statement add_entries{
    "INSERT INTO workitem.offer (item_id, principal, tenant_id, queue, task_name, priority, "
    "due_at, expires_at, excluded) "
    "SELECT $1, p.principal, $2, $3, $4, $5, $6, $7, $8 "
    "FROM (SELECT DISTINCT unnest($9::text[])) AS p(principal)",
    9,
    {INT8OID, TEXTOID, TEXTOID, TEXTOID, INT4OID, TIMESTAMPTZOID, TIMESTAMPTZOID, TEXTARRAYOID,
     TEXTARRAYOID},
    nullptr};

// The columns an entry copies, in add_entries' order ($2 .. $9), after the id.
constexpr const char* entry_columns[] = {"tenant_id", "queue",      "task_name", "priority",
                                         "due_at",    "expires_at", "excluded",  "candidates"};

struct Column {
    Datum value;
    bool is_null;
};

Column column(TupleDesc desc, HeapTuple row, const char* name) {
    Column c{};
    c.value = heap_getattr(row, SPI_fnumber(desc, name), desc, &c.is_null);
    return c;
}

bool offered(TupleDesc desc, HeapTuple row) {
    if (row == nullptr) return false;
    const Column state = column(desc, row, "state");
    return !state.is_null &&
           strcmp(DatumGetCString(DirectFunctionCall1(enum_out, state.value)), "offered") == 0;
}

// Whether an offered item's entries would read differently after the change.
bool entries_change(TupleDesc desc, HeapTuple old_row, HeapTuple new_row) {
    for (const char* name : entry_columns) {
        const int number = SPI_fnumber(desc, name);
        const Form_pg_attribute attribute = TupleDescAttr(desc, number - 1);
        const Column before = column(desc, old_row, name);
        const Column after = column(desc, new_row, name);
        if (before.is_null != after.is_null) return true;
        if (!before.is_null &&
            !datumIsEqual(before.value, after.value, attribute->attbyval, attribute->attlen)) {
            return true;
        }
    }
    return false;
}

}  // namespace

bool has_offer_entries() {
    const Oid schema = get_namespace_oid("workitem", true);
    return OidIsValid(schema) && OidIsValid(get_relname_relid("offer", schema));
}

bool has_offer_marks() {
    const Oid schema = get_namespace_oid("workitem", true);
    const Oid offer = OidIsValid(schema) ? get_relname_relid("offer", schema) : InvalidOid;
    return OidIsValid(offer) && get_attnum(offer, "offered_xid") != InvalidAttrNumber;
}

void keep_offers(TupleDesc desc, HeapTuple old_row, HeapTuple new_row) {
    const bool was_offered = offered(desc, old_row);
    const bool is_offered = offered(desc, new_row);
    if (!was_offered && !is_offered) return;
    if (was_offered && is_offered && !entries_change(desc, old_row, new_row)) return;
    if (!has_offer_entries()) return;
    HeapTuple current = new_row ? new_row : old_row;
    bool is_null = false;
    const Datum id = heap_getattr(current, SPI_fnumber(desc, "id"), desc, &is_null);
    if (was_offered) {
        Datum key[1] = {id};
        spi::execute(remove_entries, key, nullptr);
    }
    if (!is_offered) return;
    // Whoever waits for work from these principals is woken when this commits.
    const Column tenant = column(desc, new_row, "tenant_id");
    const Column queue = column(desc, new_row, "queue");
    const Column candidates = column(desc, new_row, "candidates");
    if (!candidates.is_null) {
        wakeups::note_offered(tenant.value, queue.value, queue.is_null, candidates.value);
    }
    spi::Arguments<9> entry;
    entry.add(id);
    for (const char* name : entry_columns) {
        const Column c = column(desc, new_row, name);
        entry.add_if(!c.is_null, c.value);
    }
    spi::execute(add_entries, entry);
}

}  // namespace workitem::pg
