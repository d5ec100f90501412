// workitem_allowed_operations: what an actor may do with an item now (WS-HumanTask's
// getTaskOperations), answered by the same table and validators that judge an attempt.
#include <vector>

#include "workitem/core/decide.hpp"
#include "workitem/core/validators.hpp"

#include "runtime/boundary.hpp"
#include "item/row.hpp"
#include "runtime/settings.hpp"
#include "runtime/spi.hpp"
#include "entry/call_arguments.hpp"
#include "transition/call.hpp"

using namespace workitem;
using namespace workitem::pg;

namespace {

spi::Statement read_item{"SELECT " WORKITEM_ITEM_SELECT_LIST
                         "FROM workitem.item i WHERE i.id = $1 AND i.tenant_id = $2",
                         3,
                         {INT8OID, TEXTOID, TEXTOID},
                         nullptr};

// The allowed operations as plain data: at most one entry per operation.
struct AllowedOperations {
    int count;
    const char* names[core::all_operations.size()];
};

}  // namespace

extern "C" {
PG_FUNCTION_INFO_V1(workitem_allowed_operations);
}

// workitem_allowed_operations(id, actor) -> text[]
extern "C" Datum workitem_allowed_operations(PG_FUNCTION_ARGS) {
    TransitionCall call{};
    if (PG_ARGISNULL(0)) raise(core::ErrorCode::invalid_input, "id is required");
    call.item_id = PG_GETARG_INT64(0);
    call.actor = optional_text_arg(fcinfo, 1);
    const char* tenant = admit_caller(call, false);
    const core::Timestamp now = core_now();

    spi::connect();
    Datum args[3] = {Int64GetDatum(call.item_id), CStringGetTextDatum(tenant),
                     CStringGetTextDatum(call.actor)};
    if (spi::execute(read_item, args, nullptr, 1) == 0) raise_not_found(call.item_id, tenant);
    const ItemRow row = read_item_row(0);
    struct Answer {
        bool visible;
        AllowedOperations allowed;
    };
    const Answer answer = cpp_boundary([&]() -> core::Result<Answer> {
        const core::Item item = to_core_item(row);
        Answer out{};
        // An item the actor may not see is not found, as in workitem_get (a reader, or a service
        // acting on behalf of one, sees every item of the tenant).
        out.visible =
            !call.caller_may_write || core::may_see(item, to_actor(call, row.actor_groups));
        if (!out.visible) return out;
        // A reader may do nothing, whatever the item's roles say: every write of its would be
        // refused.
        if (!call.caller_may_write) return out;
        for (core::Operation op : core::allowed_operations(item, to_actor(call, row.actor_groups),
                                                           core::ConstraintFacts{}, now)) {
            out.allowed.names[out.allowed.count++] = core::to_string(op).data();  // static
        }
        return out;
    });
    if (!answer.visible) raise_not_found(call.item_id, tenant);
    spi::finish();
    const AllowedOperations& allowed = answer.allowed;

    Datum names[core::all_operations.size()];
    for (int i = 0; i < allowed.count; ++i) names[i] = CStringGetTextDatum(allowed.names[i]);
    PG_RETURN_ARRAYTYPE_P(construct_array(names, allowed.count, TEXTOID, -1, false, TYPALIGN_INT));
}
