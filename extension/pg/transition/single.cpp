// The single-item path: workitem_<op>(id, actor, ...). The row is read unlocked first;
// visibility and authorization are decided on it before anything is locked. A worker's own
// operations decide on that row and let their UPDATE lock it, if it is still the version they
// decided on; every other call locks the row, decides again on it, and writes.
#include "transition/transition.hpp"

#include "transition/decide.hpp"
#include "transition/keyed_call.hpp"
#include "transition/row_version.hpp"
#include "transition/write.hpp"

#include "item/row.hpp"
#include "policy/constraints.hpp"
#include "policy/custom_validators.hpp"
#include "runtime/spi.hpp"

namespace workitem::pg {

namespace {

// An item by id, as read_item_row() reads it; $3 is the actor.
#define WORKITEM_ITEM_BY_ID "FROM workitem.item i WHERE i.id = $1 AND i.tenant_id = $2"

spi::Statement lock_item{"SELECT " WORKITEM_ITEM_SELECT_LIST WORKITEM_ITEM_BY_ID " FOR UPDATE OF i",
                         3,
                         {INT8OID, TEXTOID, TEXTOID},
                         nullptr};

// The same row, unlocked: what every operation reads first (visibility and authorization are
// decided on it; a worker's own operations may decide outright).
spi::Statement read_item{
    "SELECT " WORKITEM_ITEM_SELECT_LIST WORKITEM_ROW_VERSION WORKITEM_ITEM_BY_ID,
    3,
    {INT8OID, TEXTOID, TEXTOID},
    nullptr};

// Operations whose checks read nothing they would lock: they may decide on the row as read and
// write it if it is still that version, so the row is locked once, by the UPDATE, instead of by
// a SELECT ... FOR UPDATE first: one statement less per call. (The UPDATE still writes a lock
// record: PostgreSQL locks the row before a BEFORE ROW trigger sees it, item_log here.) The worker
// loop's complete is one of them. Whatever else might lock (a capacity check, a four-eyes check,
// a custom validator: user SQL) makes the call lock the row first, so locks are always taken in
// the same order.
bool may_decide_before_locking(core::Operation operation) {
    switch (operation) {
        case core::Operation::complete:
        case core::Operation::start:
        case core::Operation::stop:
        case core::Operation::save_output:
        case core::Operation::fail:
            return true;
        default:
            return false;
    }
}

bool locks_nothing_else(const char* tenant, const TransitionCall& call, const ItemRow& row) {
    return !constraint_checks_lock(call, row) && !custom_validators_registered(tenant, call, row);
}

// Decides on the row as read, unlocked, and writes the change if the row is still the one
// decided on. Datum(0) when anything is not plain: a refusal, a check that would lock, a row
// changed meanwhile - the caller then locks the row and decides again, so every refusal and
// every wait is the locked path's own.
// Before that, a refusal by visibility or authorization on the row as read is final: the call
// raises it without locking the row.
Datum write_unless_changed(const char* tenant, const TransitionCall& call, const ItemRow& row,
                           const RowVersion& read_as, core::Timestamp now) {
    if (!locks_nothing_else(tenant, call, row)) {
        authorize_or_raise(tenant, call, row, now, &read_as);
        return Datum(0);
    }
    const Verdict verdict = decide(tenant, call, row, now);
    if (!verdict.allowed) {
        // Only on a refusal: the hot path is as it was.
        authorize_or_raise(tenant, call, row, now, &read_as);
        return Datum(0);
    }
    return write(call, row.id, verdict.change, &row);
}

}  // namespace

Datum run_transition(const TransitionCall& requested, FunctionCallInfo fcinfo, int key_argument) {
    TransitionCall call = requested;
    const char* tenant = admit_caller(call, true);
    const core::Timestamp now = core_now();
    validate_call(call, now);

    spi::connect();
    KeyedCall keyed{tenant, call, fcinfo, key_argument};
    if (keyed.replays()) {
        const Datum item = item_from_jsonb(keyed.claim.outcome);
        spi::finish();
        return item;
    }
    Datum args[3] = {Int64GetDatum(call.item_id), CStringGetTextDatum(tenant),
                     CStringGetTextDatum(call.actor)};
    Datum item = Datum(0);
    // The row as read, unlocked: visibility and authorization are decided on it before anything
    // is locked (a worker's own operations may decide and write on it outright).
    if (spi::execute(read_item, args, nullptr, 1) == 0) raise_not_found(call.item_id, tenant);
    const RowVersion read_as = read_row_version(0);
    if (may_decide_before_locking(call.operation)) {
        item = write_unless_changed(tenant, call, read_item_row(0), read_as, now);
    } else {
        authorize_or_raise(tenant, call, read_item_row(0), now, &read_as);
    }
    if (item == Datum(0)) {
        if (spi::execute(lock_item, args, nullptr, 1) == 0) raise_not_found(call.item_id, tenant);
        const ItemRow row = read_item_row(0);
        const core::Change change = decide_or_raise(tenant, call, row, now);
        check_custom_validators(tenant, call, row);
        item = write(call, row.id, change);
    }
    if (keyed.keyed()) keyed.remember(call.item_id, item_to_jsonb(item), false);
    spi::finish();
    return item;
}

}  // namespace workitem::pg
