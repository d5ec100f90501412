#include "workitem/core/state.hpp"

#include "item/update.hpp"
#include "item/update_values.hpp"

#include "item/row.hpp"
#include "runtime/spi.hpp"
#include "transition/call.hpp"

namespace workitem::pg {

UpdateValues values_of(const core::Change& change, const TransitionCall& call) {
    Jsonb* body = call.body;
    UpdateValues v{};
    v.bumps_version = change.bumps_version;
    if (change.bumps_version) v.label(c_state, core::to_string(change.state));
    v.text(c_owner, change.owner);
    v.text(c_delegated_from, change.delegated_from);
    if (change.delegation_state)
        v.label(c_delegation_state, core::to_string(*change.delegation_state));
    v.text(c_lease_expired_owner, change.lease_expired_owner);
    v.time(c_lease_until, change.lease_until);
    v.int4(c_lease_seconds, change.lease_seconds);
    if (change.lease_expiries) v.set(c_lease_expiries, Int32GetDatum(*change.lease_expiries));
    if (change.resume_to.set) {
        if (change.resume_to.value) {
            v.label(c_resume_to, core::to_string(*change.resume_to.value));
        } else {
            v.set_null(c_resume_to);
        }
    }
    v.time(c_suspended_until, change.suspended_until);
    if (change.escalation_level) v.set(c_escalation_level, Int32GetDatum(*change.escalation_level));
    v.time(c_completed_at, change.completed_at);
    if (body != nullptr) {
        if (change.writes_output) v.set(c_output, JsonbPGetDatum(body));
        if (change.writes_fault) v.set(c_fault, JsonbPGetDatum(body));
        if (change.writes_assignment) v.set(c_assignment, JsonbPGetDatum(body));
    }
    if (change.writes_attributes) {
        if (call.has_priority) v.set(c_priority, Int32GetDatum(call.priority));
        if (call.has_due_at) v.set(c_due_at, TimestampTzGetDatum(call.due_at));
        if (call.has_follow_up_at) v.set(c_follow_up_at, TimestampTzGetDatum(call.follow_up_at));
        if (call.has_expires_at) v.set(c_expires_at, TimestampTzGetDatum(call.expires_at));
        if (call.input != nullptr) v.set(c_input, JsonbPGetDatum(call.input));
        if (call.deadlines != nullptr) v.set(c_deadlines, JsonbPGetDatum(call.deadlines));
    }
    return v;
}

namespace {

// One prepared UPDATE per (column set, version bump, row guard): a handful exist in practice.
struct CachedUpdate {
    uint32 mask;
    bool bumps_version;
    bool guards_row;
    spi::Statement statement;
};
constexpr int cache_size = 64;
CachedUpdate cache[cache_size];
int cached = 0;

spi::Statement& statement_for(const UpdateValues& v, bool guards_row) {
    for (int i = 0; i < cached; ++i) {
        if (cache[i].mask == v.mask && cache[i].bumps_version == v.bumps_version &&
            cache[i].guards_row == guards_row) {
            return cache[i].statement;
        }
    }
    if (cached == cache_size) elog(ERROR, "workitem: too many distinct item updates");

    MemoryContext previous = MemoryContextSwitchTo(TopMemoryContext);
    StringInfoData sql;
    initStringInfo(&sql);
    appendStringInfoString(&sql, "UPDATE workitem.item AS i SET ");
    if (v.bumps_version) {
        appendStringInfoString(&sql, "version = i.version + 1, updated_at = now()");
    }
    CachedUpdate& entry = cache[cached];
    entry.mask = v.mask;
    entry.bumps_version = v.bumps_version;
    entry.guards_row = guards_row;
    entry.statement.parameter_types[0] = INT8OID;
    int parameter = 1;
    bool first = !v.bumps_version;
    for (int c = 0; c < column_count; ++c) {
        if ((v.mask & (1u << c)) == 0) continue;
        entry.statement.parameter_types[parameter] = columns[c].type;
        ++parameter;
        appendStringInfo(&sql, "%s%s = %s$%d%s", first ? "" : ", ", columns[c].name,
                         columns[c].merged_into, parameter, columns[c].cast);
        first = false;
    }
    appendStringInfoString(&sql, " WHERE i.id = $1");
    if (guards_row) {
        entry.statement.parameter_types[parameter] = INT8OID;
        entry.statement.parameter_types[parameter + 1] = TIMESTAMPTZOID;
        appendStringInfo(&sql, " AND i.version = $%d AND i.lease_until IS NOT DISTINCT FROM $%d",
                         parameter + 1, parameter + 2);
        parameter += 2;
    }
    appendStringInfoString(&sql, " RETURNING i");
    entry.statement.sql = sql.data;
    entry.statement.parameter_count = parameter;
    entry.statement.plan = nullptr;
    MemoryContextSwitchTo(previous);
    ++cached;
    return entry.statement;
}

spi::Statement read_item{"SELECT i FROM workitem.item AS i WHERE i.id = $1", 1, {INT8OID}, nullptr};
}  // namespace

Datum update_item(int64 id, const core::Change& change, const TransitionCall& call,
                  const ItemRow* decided_on) {
    const UpdateValues v = values_of(change, call);
    bool is_null = false;
    if (v.mask == 0 && !v.bumps_version) {  // a heartbeat without a lease: nothing to write
        Datum key[1] = {Int64GetDatum(id)};
        spi::execute(read_item, key, nullptr, 1);
        return spi::first_column(0, &is_null);
    }
    spi::Statement& statement = statement_for(v, decided_on != nullptr);
    // $1 the id, then the changed columns in column order, then (on the row decided on) its
    // version and lease: the order statement_for wrote them in.
    spi::Arguments<column_count + 3> arguments;
    arguments.add(Int64GetDatum(id));
    for (int c = 0; c < column_count; ++c) {
        if ((v.mask & (1u << c)) != 0) arguments.add_if(!v.nulls[c], v.values[c]);
    }
    if (decided_on != nullptr) {
        arguments.add(Int64GetDatum(decided_on->version))
            .add_if(decided_on->lease_until.present,
                    TimestampTzGetDatum(decided_on->lease_until.value));
    }
    if (spi::execute(statement, arguments, 1) != 1) {
        if (decided_on != nullptr) return Datum(0);  // changed since it was read
        elog(ERROR, "workitem: item %ld vanished while locked", id);
    }
    return spi::first_column(0, &is_null);
}

}  // namespace workitem::pg
