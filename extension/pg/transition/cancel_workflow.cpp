// The cancel_workflow path: every active item of a workflow cancelled, all or nothing. Every item
// is authorized as read, before any is locked; then all are locked, decided and written.
#include "workitem/core/state.hpp"  // WORKITEM_ACTIVE_STATES_SQL, before any PostgreSQL header

#include "transition/transition.hpp"

#include "transition/decide.hpp"
#include "transition/keyed_call.hpp"
#include "transition/row_version.hpp"
#include "transition/write.hpp"

#include "item/row.hpp"
#include "policy/caller.hpp"
#include "policy/custom_validators.hpp"
#include "runtime/spi.hpp"

namespace workitem::pg {

namespace {

// The active items of a workflow; $3 is the actor.
#define WORKITEM_WORKFLOW_ITEMS                                           \
    "FROM workitem.item i WHERE i.workflow_id = $1 AND i.tenant_id = $2 " \
    "AND i.state IN " WORKITEM_ACTIVE_STATES_SQL " ORDER BY i.id"

spi::Statement read_workflow{
    "SELECT " WORKITEM_ITEM_SELECT_LIST WORKITEM_ROW_VERSION WORKITEM_WORKFLOW_ITEMS,
    3,
    {TEXTOID, TEXTOID, TEXTOID},
    nullptr};
spi::Statement lock_workflow{"SELECT " WORKITEM_ITEM_SELECT_LIST WORKITEM_WORKFLOW_ITEMS
                             " FOR UPDATE OF i",
                             3,
                             {TEXTOID, TEXTOID, TEXTOID},
                             nullptr};

spi::Statement replay_items{
    "SELECT jsonb_populate_record(NULL::workitem.item, e) FROM jsonb_array_elements($1) AS e",
    1,
    {JSONBOID},
    nullptr};

}  // namespace

void run_cancel_workflow(const TransitionCall& requested, const char* workflow_id,
                         FunctionCallInfo fcinfo, int key_argument) {
    TransitionCall call = requested;
    const char* tenant = admit_caller(call, true);
    require_service_or_admin(call.caller_is_service, call.caller_is_admin, call.capability,
                             "workitem_cancel_workflow");
    const core::Timestamp now = core_now();
    validate_call(call, now);
    if (workflow_id == nullptr || workflow_id[0] == '\0') {
        raise(core::ErrorCode::invalid_input, "workflow_id is required");
    }
    InitMaterializedSRF(fcinfo, 0);
    spi::connect();
    KeyedCall keyed{tenant, call, fcinfo, key_argument};
    if (keyed.replays()) {
        Datum replay_args[1] = {keyed.claim.outcome};
        const uint64 items = spi::execute(replay_items, replay_args, nullptr, 0);
        for (uint64 r = 0; r < items; ++r) {
            bool is_null = false;
            put_tuple(fcinfo, spi::first_column(r, &is_null));
        }
        spi::finish();
        return;
    }
    Datum args[3] = {CStringGetTextDatum(workflow_id), CStringGetTextDatum(tenant),
                     CStringGetTextDatum(call.actor)};
    // Authorized on every item as read before any is locked. An item the actor may not see is not
    // named: the refusal says only that the workflow has items the actor may not cancel.
    const uint64 read = spi::execute(read_workflow, args, nullptr, 0);
    for (uint64 r = 0; r < read; ++r) {
        TransitionCall item_call = call;
        const ItemRow row = read_item_row(r);
        item_call.item_id = row.id;
        Failure refusal{};
        if (authorize(item_call, row, now, &refusal)) continue;
        // Decided once locked - unless the actor may not see it (never waited for, see above).
        if (refusal.sqlerrcode != 0 && row_changing(read_row_version(r))) continue;
        if (refusal.sqlerrcode != 0) raise(refusal);
        raise(
            core::ErrorCode::not_authorized,
            psprintf("%s may not cancel every active item of workflow %s", call.actor, workflow_id),
            nullptr, "Act as the workflow's initiator or as a service.");
    }
    const uint64 found = spi::execute(lock_workflow, args, nullptr, 0);
    ItemRow* rows = static_cast<ItemRow*>(palloc(sizeof(ItemRow) * (found + 1)));
    for (uint64 r = 0; r < found; ++r) rows[r] = read_item_row(r);
    // All or nothing: the first refusal raises and rolls back the items already cancelled.
    StringInfo outcome = makeStringInfo();
    appendStringInfoChar(outcome, '[');
    for (uint64 r = 0; r < found; ++r) {
        TransitionCall item_call = call;
        item_call.item_id = rows[r].id;
        const core::Change change = decide_or_raise(tenant, item_call, rows[r], now);
        check_custom_validators(tenant, item_call, rows[r]);
        const Datum item = write(item_call, rows[r].id, change);
        put_tuple(fcinfo, item);
        if (call.idempotency_key != nullptr) {
            Jsonb* document = DatumGetJsonbP(item_to_jsonb(item));
            appendStringInfoString(outcome, r == 0 ? "" : ", ");
            appendStringInfoString(outcome,
                                   JsonbToCString(nullptr, &document->root, VARSIZE(document)));
        }
    }
    appendStringInfoChar(outcome, ']');
    if (call.idempotency_key != nullptr) {
        keyed.remember(0, DirectFunctionCall1(jsonb_in, CStringGetDatum(outcome->data)), false);
    }
    spi::finish();
}

}  // namespace workitem::pg
