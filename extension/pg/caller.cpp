#include "boundary.hpp"
#include "caller.hpp"
#include "settings.hpp"
#include "spi.hpp"

extern "C" {
#include "utils/acl.h"
}

namespace workitem::pg {

namespace {

spi::Statement tenant_of_role{
    "SELECT tenant_id FROM workitem.role_tenant WHERE role_name = $1", 1, {TEXTOID}, nullptr};

bool member_of(Oid role, const char* group) {
    const Oid group_oid = get_role_oid(group, true);
    return OidIsValid(group_oid) && has_privs_of_role(role, group_oid);
}

const char* mapped_tenant(const char* role_name) {
    spi::connect();
    Datum args[1] = {CStringGetTextDatum(role_name)};
    const char* tenant = "default";
    if (spi::execute(tenant_of_role, args, nullptr, 1) == 1) {
        bool is_null = false;
        Datum value = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &is_null);
        // Copy out of SPI's memory before SPI_finish frees it.
        if (!is_null)
            tenant = MemoryContextStrdup(CurTransactionContext, TextDatumGetCString(value));
    }
    spi::finish();
    return tenant;
}

}  // namespace

Caller current_caller() {
    const Oid role = GetOuterUserId();
    Caller caller{};
    caller.role_name = GetUserNameFromId(role, false);
    if (superuser_arg(role)) {
        // A superuser counts as a service (and has the privileges of every role, so membership
        // tests would wrongly make it everyone's administrator too).
        caller.is_service = caller.may_write = true;
        caller.tenant = current_tenant();
        return caller;
    }
    caller.is_service = member_of(role, "workitem_service");
    caller.is_admin = member_of(role, "workitem_admin");
    caller.may_write = caller.is_service || caller.is_admin || member_of(role, "workitem_user");
    if (caller.is_service) {
        caller.tenant = current_tenant();
        return caller;
    }
    caller.tenant = mapped_tenant(caller.role_name);
    const char* requested = requested_tenant();
    if (requested != nullptr && strcmp(requested, caller.tenant) != 0) {
        raise(core::ErrorCode::not_authorized,
              psprintf("role %s acts in tenant %s and cannot switch to %s", caller.role_name,
                       caller.tenant, requested),
              nullptr, "Only workitem_service roles choose their tenant; RESET workitem.tenant.");
    }
    return caller;
}

const char* actor_for(const Caller& caller, const char* requested) {
    if (requested == nullptr) return caller.role_name;
    if (caller.is_service || strcmp(requested, caller.role_name) == 0) return requested;
    raise(core::ErrorCode::not_authorized,
          psprintf("role %s may act only as itself, not as %s", caller.role_name, requested),
          nullptr, "Services acting for users need the workitem_service role.");
}

namespace {

spi::Statement groups_of_user{
    "SELECT ARRAY['u:' || $2] || ARRAY(SELECT 'g:' || m.group_id FROM workitem.group_member m "
    "WHERE m.tenant_id = $1 AND m.user_id = $2)",
    2,
    {TEXTOID, TEXTOID},
    nullptr};

}  // namespace

Datum principals_of(Datum tenant_text, Datum user_text) {
    const Datum args[2] = {tenant_text, user_text};
    spi::execute(groups_of_user, args, nullptr, 1);
    bool is_null = false;
    return spi::first_column(0, &is_null);
}

// --- The viewer of a read: whose eyes the row-level security predicate (workitem.visible)
// looks through. A service may read as a given actor; everyone else reads as itself.

namespace {

const char* viewer_of(FunctionCallInfo fcinfo, const Caller& caller) {
    const char* as_actor = PG_ARGISNULL(0) ? nullptr : text_to_cstring(PG_GETARG_TEXT_PP(0));
    return actor_for(caller, as_actor);
}

}  // namespace

}  // namespace workitem::pg

using namespace workitem::pg;

extern "C" {
PG_FUNCTION_INFO_V1(workitem_viewer);
PG_FUNCTION_INFO_V1(workitem_viewer_sees_all);
PG_FUNCTION_INFO_V1(workitem_viewer_principals);
}

// workitem.viewer(as_actor): the user a read is done as.
extern "C" Datum workitem_viewer(PG_FUNCTION_ARGS) {
    PG_RETURN_TEXT_P(cstring_to_text(viewer_of(fcinfo, current_caller())));
}

// workitem.viewer_sees_all(as_actor): every item of the tenant is visible - to a service reading
// as itself, an administrator, or a reader that is not also a user.
extern "C" Datum workitem_viewer_sees_all(PG_FUNCTION_ARGS) {
    const Caller caller = current_caller();
    if (caller.is_service) PG_RETURN_BOOL(PG_ARGISNULL(0));
    PG_RETURN_BOOL(caller.is_admin || !caller.may_write);
}

// workitem.viewer_principals(as_actor): 'u:<viewer>' and 'g:<group>' for the viewer's groups.
extern "C" Datum workitem_viewer_principals(PG_FUNCTION_ARGS) {
    const Caller caller = current_caller();
    const char* viewer = viewer_of(fcinfo, caller);
    spi::connect();
    const Datum principals =
        principals_of(CStringGetTextDatum(caller.tenant), CStringGetTextDatum(viewer));
    spi::finish();
    PG_RETURN_DATUM(principals);
}
