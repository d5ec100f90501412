// The item trigger: every insert, update and delete of an item appends exactly one event to
// workitem.event in the same transaction (domain.md §8) - the audit trail and the outbox.
// Changes made by workitem functions carry their operation and actor (events/change_context.hpp);
// anything else is recorded as a 'direct' change by the role that made it, with its version
// bumped so consumers still see every change in order.
#include <string_view>

#include "workitem/core/operation.hpp"

#include "events/item_log.hpp"
#include "events/payload.hpp"

#include "runtime/boundary.hpp"
#include "events/change_context.hpp"
#include "runtime/settings.hpp"
#include "item/offers.hpp"
#include "runtime/spi.hpp"
#include "wakeups/commit.hpp"

extern "C" {
#include "catalog/namespace.h"
}

using namespace workitem;
using namespace workitem::pg;

extern "C" Datum workitem_assignment_principals(PG_FUNCTION_ARGS);

namespace {

// The payload is built as jsonb from the rows (events/payload.hpp) and stored as it comes
// (stored_payload). The partition is chosen by occurred_at, which defaults to now().
// login: the session's login role (session_user: SET ROLE does not hide it); capability: what
// the call was authorized with (policy/caller.hpp; NULL for a direct change).
spi::Statement insert_event{
    "INSERT INTO workitem.event (tenant_id, aggregateid, aggregate_version, type, operation, "
    "actor, reason, payload, idempotency_key, id, trace_context, login, capability) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, session_user, $12)",
    12,
    {TEXTOID, INT8OID, INT8OID, TEXTOID, TEXTOID, TEXTOID, TEXTOID, JSONBOID, TEXTOID, UUIDOID,
     TEXTOID, TEXTOID},
    nullptr,
    // A custom plan would turn the parameters into constants, and a constant is stored
    // decompressed (makeConst detoasts): the payload must stay a parameter.
    true};

// The same for release 0.1.0's event table, which has no login and capability yet: the library
// serves a database that is still at 0.1.0 until ALTER EXTENSION UPDATE adds them.
spi::Statement insert_event_0_1{
    "INSERT INTO workitem.event (tenant_id, aggregateid, aggregate_version, type, operation, "
    "actor, reason, payload, idempotency_key, id, trace_context) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    11,
    {TEXTOID, INT8OID, INT8OID, TEXTOID, TEXTOID, TEXTOID, TEXTOID, JSONBOID, TEXTOID, UUIDOID,
     TEXTOID},
    nullptr,
    true};

// Whether workitem.event has the login column (three catalog cache look-ups, no statement).
bool event_has_login() {
    const Oid schema = get_namespace_oid("workitem", true);
    const Oid event = OidIsValid(schema) ? get_relname_relid("event", schema) : InvalidOid;
    return OidIsValid(event) && get_attnum(event, "login") != InvalidAttrNumber;
}

// The payload as the event row stores it: the jsonb, compressed with lz4 when that makes it
// smaller. PostgreSQL compresses a value itself only in rows of more than about 2 kB, and an
// event row is usually well below that, with the item snapshot every event carries as most of
// its bytes: of the WAL each transition writes (which every commit waits to flush), of the
// table's pages, of what a consumer reads. Readers see plain jsonb: PostgreSQL decompresses
// the value when it is used, and logical decoding sends it decompressed.
Datum stored_payload(Jsonb* payload) {
    const Datum document = JsonbPGetDatum(payload);
#ifdef USE_LZ4
    const Datum compressed = toast_compress_datum(document, TOAST_LZ4_COMPRESSION);
    if (DatumGetPointer(compressed) != nullptr) return compressed;
#endif
    return document;
}

// The event's id, the outbox's unique key: a random (version 4) UUID like the column's default
// gen_random_uuid(), drawn from a generator of this backend seeded once from the operating
// system's strong random source instead of 16 strong random bytes per event (2% of the worker
// loop's CPU). An event id has to be unique, not unguessable: consumers see them all anyway.
Datum new_event_id() {
    static pg_prng_state generator;
    static bool seeded = false;
    if (!seeded) {
        if (!pg_prng_strong_seed(&generator)) {
            ereport(ERROR, (errcode(ERRCODE_INTERNAL_ERROR),
                            errmsg("workitem: could not seed the event id generator")));
        }
        seeded = true;
    }
    auto* id = static_cast<pg_uuid_t*>(palloc(sizeof(pg_uuid_t)));
    const uint64 high = pg_prng_uint64(&generator);
    const uint64 low = pg_prng_uint64(&generator);
    memcpy(id->data, &high, sizeof(high));
    memcpy(id->data + sizeof(high), &low, sizeof(low));
    id->data[6] = static_cast<unsigned char>((id->data[6] & 0x0f) | 0x40);  // version 4
    id->data[8] = static_cast<unsigned char>((id->data[8] & 0x3f) | 0x80);  // RFC 4122 variant
    return UUIDPGetDatum(id);
}

// Which body an event of this operation carries.
const char* body_for(core::Operation operation) {
    switch (operation) {
        case core::Operation::create:
            return "input";
        case core::Operation::complete:
        case core::Operation::save_output:
            return "output";
        case core::Operation::fail:
        case core::Operation::mark_error:
            return "fault";
        default:
            return nullptr;
    }
}

// The columns derived from the assignment (candidates, excluded, administrators) are computed
// here, and only when the assignment is new or changed: cheaper than generated columns, which
// PostgreSQL 15 recomputes on every update.
HeapTuple derive_principals(TupleDesc desc, HeapTuple old_row, HeapTuple new_row) {
    static const char* const parts[3][2] = {{"candidates", "potential_owners"},
                                            {"excluded", "excluded_owners"},
                                            {"administrators", "administrators"}};
    const int assignment_column = SPI_fnumber(desc, "assignment");
    bool new_null = false;
    const Datum assignment = heap_getattr(new_row, assignment_column, desc, &new_null);
    if (old_row != nullptr) {
        bool old_null = false;
        const Datum previous = heap_getattr(old_row, assignment_column, desc, &old_null);
        if (old_null == new_null && (new_null || datumIsEqual(previous, assignment, false, -1))) {
            return new_row;
        }
    }
    int columns[3];
    Datum values[3];
    bool nulls[3];
    for (int i = 0; i < 3; ++i) {
        columns[i] = SPI_fnumber(desc, parts[i][0]);
        nulls[i] = false;
        values[i] = new_null ? PointerGetDatum(construct_empty_array(TEXTOID))
                             : DirectFunctionCall2(workitem_assignment_principals, assignment,
                                                   CStringGetTextDatum(parts[i][1]));
    }
    return heap_modify_tuple_by_cols(new_row, desc, 3, columns, values, nulls);
}

// The row's invariants, checked here rather than by CHECK constraints (which every UPDATE
// statement would re-plan); the error is the one a CHECK constraint would raise.
void refuse_row(Relation relation, const char* constraint) {
    ereport(ERROR, (errcode(ERRCODE_CHECK_VIOLATION),
                    errmsg("new row for relation \"%s\" violates check constraint \"%s\"",
                           RelationGetRelationName(relation), constraint),
                    errtableconstraint(relation, constraint)));
}

Datum column_value(TupleDesc desc, HeapTuple row, const char* column, bool* is_null) {
    return heap_getattr(row, SPI_fnumber(desc, column), desc, is_null);
}

bool jsonb_root_is(Datum value, bool object) {
    Jsonb* document = DatumGetJsonbP(value);
    if (JB_ROOT_IS_SCALAR(document)) return false;
    return object ? JB_ROOT_IS_OBJECT(document) : JB_ROOT_IS_ARRAY(document);
}

void check_invariants(Relation relation, HeapTuple row) {
    TupleDesc desc = RelationGetDescr(relation);
    bool is_null = false;
    const Datum version = column_value(desc, row, "version", &is_null);
    if (!is_null && DatumGetInt64(version) < 1) refuse_row(relation, "item_version_positive");
    const Datum assignment = column_value(desc, row, "assignment", &is_null);
    if (!is_null && !jsonb_root_is(assignment, true)) {
        refuse_row(relation, "item_assignment_object");
    }
    const Datum deadlines = column_value(desc, row, "deadlines", &is_null);
    if (!is_null && !jsonb_root_is(deadlines, false)) refuse_row(relation, "item_deadlines_array");
    const Datum lease_seconds = column_value(desc, row, "lease_seconds", &is_null);
    if (!is_null && DatumGetInt32(lease_seconds) <= 0) {
        refuse_row(relation, "item_lease_seconds_positive");
    }
    const Datum state_value = column_value(desc, row, "state", &is_null);
    const char* state = is_null ? "" : DatumGetCString(DirectFunctionCall1(enum_out, state_value));
    bool owner_null = false;
    column_value(desc, row, "owner", &owner_null);
    if (owner_null && (strcmp(state, "allocated") == 0 || strcmp(state, "started") == 0)) {
        refuse_row(relation, "item_held_has_owner");
    }
    bool resume_to_null = false;
    column_value(desc, row, "resume_to", &resume_to_null);
    if ((strcmp(state, "suspended") == 0) == resume_to_null) {
        refuse_row(relation, "item_suspended_resumes");
    }
}

// A direct UPDATE still moves the version on, so the event stream has no duplicate versions.
HeapTuple bump_version(TupleDesc desc, HeapTuple old_row, HeapTuple new_row) {
    const int version_column = SPI_fnumber(desc, "version");
    const int updated_at_column = SPI_fnumber(desc, "updated_at");
    bool is_null = false;
    const int64 old_version = DatumGetInt64(heap_getattr(old_row, version_column, desc, &is_null));
    int columns[2] = {version_column, updated_at_column};
    Datum values[2] = {Int64GetDatum(old_version + 1),
                       TimestampTzGetDatum(GetCurrentTransactionStartTimestamp())};
    bool nulls[2] = {false, false};
    return heap_modify_tuple_by_cols(new_row, desc, 2, columns, values, nulls);
}

}  // namespace

namespace workitem::pg {

HeapTuple log_item_change(TriggerData* trigger) {
    TupleDesc desc = trigger->tg_relation->rd_att;
    const bool inserting = TRIGGER_FIRED_BY_INSERT(trigger->tg_event);
    const bool deleting = TRIGGER_FIRED_BY_DELETE(trigger->tg_event);
    HeapTuple old_row = inserting ? nullptr : trigger->tg_trigtuple;
    HeapTuple new_row =
        inserting ? trigger->tg_trigtuple : (deleting ? nullptr : trigger->tg_newtuple);
    if (new_row != nullptr) {
        new_row = derive_principals(desc, old_row, new_row);
        check_invariants(trigger->tg_relation, new_row);
    }
    HeapTuple current = new_row ? new_row : old_row;

    bool is_null = false;
    const int64 item_id =
        DatumGetInt64(heap_getattr(current, SPI_fnumber(desc, "id"), desc, &is_null));
    const PendingChange* change = pending_change_for(item_id);
    if (change != nullptr && !change->writes_event) return current;  // heartbeat
    if (change == nullptr && old_row && new_row) {
        new_row = bump_version(desc, old_row, new_row);
        current = new_row;
    }

    const char* operation = change ? core::to_string(change->operation).data() : "direct";
    const char* type = change ? core::event_type(change->operation).data()
                              : (inserting ? "workitem.created"
                                           : (deleting ? "workitem.deleted" : "workitem.updated"));
    const char* actor = change ? change->actor : GetUserNameFromId(GetUserId(), false);
    const char* body = change ? body_for(change->operation) : nullptr;
    const int64 version =
        DatumGetInt64(heap_getattr(current, SPI_fnumber(desc, "version"), desc, &is_null));
    const Datum tenant = heap_getattr(current, SPI_fnumber(desc, "tenant_id"), desc, &is_null);
    Jsonb* payload = build_event_payload(desc, old_row, new_row, current, body);
    const char* reason = change ? change->reason : nullptr;
    const char* idempotency_key = change ? change->idempotency_key : nullptr;
    const char* capability = change ? change->capability : nullptr;
    const char* trace_context = trace_context_for_event();  // WI422 when too long

    spi::Arguments<12> event;
    event.add(tenant)
        .add(Int64GetDatum(item_id))
        .add(Int64GetDatum(version))
        .add_text(type)
        .add_text(operation)
        .add_text(actor)
        .add_text(reason)
        .add(stored_payload(payload))
        .add_text(idempotency_key)
        .add(new_event_id())
        .add_text(trace_context)
        .add_text(capability);
    // The transaction's id before the event's seq: a consumer's position bounds the seqs of the
    // transactions it does not cover by the sequence's value when it was taken, which holds
    // only if no transaction draws a seq before it has an id (30-events.sql, position_snapshot).
    (void)GetTopTransactionId();
    spi::connect();
    keep_offers(desc, old_row, deleting ? nullptr : current);
    if (event_has_login()) {
        spi::execute(insert_event, event);
    } else {  // an install of 0.1.0 not yet updated: no capability column, $12 unused
        spi::execute(insert_event_0_1, event.values(), event.nulls());
    }
    spi::finish();
    wakeups::note_event(tenant);  // the consumers waiting on this tenant's events wake at commit
    return current;
}

}  // namespace workitem::pg
