// Who is calling, for the SQL functions and the row-level security policies: the tenant, the
// capability and the viewer of a read (policy/caller.hpp has the rules).
#include "policy/caller.hpp"

#include "runtime/spi.hpp"

using namespace workitem::pg;

namespace {

// The optional as_actor argument of the viewer functions.
const char* as_actor_arg(FunctionCallInfo fcinfo) {
    return PG_ARGISNULL(0) ? nullptr : text_to_cstring(PG_GETARG_TEXT_PP(0));
}

}  // namespace

extern "C" {
PG_FUNCTION_INFO_V1(workitem_current_tenant);
PG_FUNCTION_INFO_V1(workitem_viewer);
PG_FUNCTION_INFO_V1(workitem_viewer_sees_all);
PG_FUNCTION_INFO_V1(workitem_viewer_principals);
PG_FUNCTION_INFO_V1(workitem_caller_capability);
}

// workitem.caller_capability(): what the call is authorized with ("service", "admin", "user",
// "reader", "service:<capability>"), for the SQL functions that decide by it.
extern "C" Datum workitem_caller_capability(PG_FUNCTION_ARGS) {
    PG_RETURN_TEXT_P(cstring_to_text(current_caller().capability));
}

// workitem.viewer(as_actor): the user a read is done as.
extern "C" Datum workitem_viewer(PG_FUNCTION_ARGS) {
    PG_RETURN_TEXT_P(cstring_to_text(viewer_of(current_caller(), as_actor_arg(fcinfo))));
}

// workitem.viewer_sees_all(as_actor): every item of the tenant is visible - to a service reading
// as itself, an administrator, or a reader that is not also a user (a service acting on behalf
// sees what its declared capability sees).
extern "C" Datum workitem_viewer_sees_all(PG_FUNCTION_ARGS) {
    const Caller caller = current_caller();
    if (caller.is_service) PG_RETURN_BOOL(PG_ARGISNULL(0));
    PG_RETURN_BOOL(caller.is_admin || !caller.may_write);
}

// workitem.viewer_principals(as_actor): 'u:<viewer>' and 'g:<group>' for the viewer's groups.
extern "C" Datum workitem_viewer_principals(PG_FUNCTION_ARGS) {
    const Caller caller = current_caller();
    const char* viewer = viewer_of(caller, as_actor_arg(fcinfo));
    spi::connect();
    const Datum principals =
        principals_of(CStringGetTextDatum(caller.tenant), CStringGetTextDatum(viewer));
    spi::finish();
    PG_RETURN_DATUM(principals);
}

// workitem.current_tenant(): the tenant of the calling role (policy/caller.hpp), for the SQL read
// functions and the row-level security policies, same as the C functions use.
extern "C" Datum workitem_current_tenant(PG_FUNCTION_ARGS) {
    PG_RETURN_TEXT_P(cstring_to_text(current_caller().tenant));
}
