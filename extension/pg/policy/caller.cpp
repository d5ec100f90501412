#include "runtime/boundary.hpp"
#include "policy/caller.hpp"
#include "runtime/settings.hpp"
#include "runtime/spi.hpp"

extern "C" {
#include "parser/parse_func.h"
#include "utils/acl.h"
}

namespace workitem::pg {

namespace {

// The role's tenant, and whether the database maps any role at all: one statement per call.
spi::Statement tenant_of_role{
    "SELECT (SELECT tenant_id FROM workitem.role_tenant WHERE role_name = $1), "
    "EXISTS (SELECT FROM workitem.role_tenant)",
    1,
    {TEXTOID},
    nullptr};

// The capability roles, by OID (InvalidOid for one that does not exist).
struct CapabilityRoles {
    Oid user, admin, reader, service;
};

CapabilityRoles capability_roles() {
    return CapabilityRoles{
        get_role_oid("workitem_user", true), get_role_oid("workitem_admin", true),
        get_role_oid("workitem_reader", true), get_role_oid("workitem_service", true)};
}

bool member_of(Oid role, Oid group) {
    return OidIsValid(group) && has_privs_of_role(role, group);
}

// A capability is granted to identities; a role in effect that is one of them (reached by
// SET ROLE) would hide the login behind a name every caller shares and, unmapped, land in
// another tenant than the login's.
void refuse_capability_role(Oid role, const CapabilityRoles& roles, const char* role_name) {
    if (role != roles.user && role != roles.admin && role != roles.reader && role != roles.service)
        return;
    raise(core::ErrorCode::not_authorized,
          psprintf("role %s is a capability, not an identity: it cannot call workitem functions "
                   "or read workitem tables",
                   role_name),
          nullptr, "RESET ROLE, or SET ROLE to a login or end-user role that is granted it.");
}

// The tenant of a role that is not a service: its mapping; without one, 'default' in a
// database that maps nobody (or when the operator allows it), WI403 otherwise.
const char* mapped_tenant(const char* role_name) {
    spi::connect();
    Datum args[1] = {CStringGetTextDatum(role_name)};
    spi::execute(tenant_of_role, args, nullptr, 1);
    bool tenant_null = false;
    bool any_null = false;
    HeapTuple row = SPI_tuptable->vals[0];
    const Datum tenant = SPI_getbinval(row, SPI_tuptable->tupdesc, 1, &tenant_null);
    const bool any_mapping = DatumGetBool(SPI_getbinval(row, SPI_tuptable->tupdesc, 2, &any_null));
    // Copy out of SPI's memory before SPI_finish frees it.
    const char* found =
        tenant_null ? nullptr
                    : MemoryContextStrdup(CurTransactionContext, TextDatumGetCString(tenant));
    spi::finish();
    if (found != nullptr) return found;
    if (!any_mapping || unmapped_roles() == UnmappedRoles::default_tenant) return "default";
    raise(core::ErrorCode::not_authorized,
          psprintf("role %s has no tenant: this database maps roles to tenants and it has no row "
                   "in workitem.role_tenant",
                   role_name),
          nullptr,
          "A superuser maps it (INSERT INTO workitem.role_tenant VALUES (role, tenant)), or sets "
          "workitem.unmapped_roles = 'default' to put unmapped roles in the tenant 'default'.");
}

void refuse_on_behalf_of_non_service(const char* role_name) {
    raise(core::ErrorCode::not_authorized,
          psprintf("role %s is not a workitem_service and cannot act on behalf", role_name),
          nullptr, "Only workitem_service roles set workitem.on_behalf; RESET it.");
}

}  // namespace

Caller current_caller() {
    const Oid role = GetOuterUserId();
    Caller caller{};
    caller.role_name = GetUserNameFromId(role, false);
    const CapabilityRoles roles = capability_roles();
    refuse_capability_role(role, roles, caller.role_name);
    const char* declared = on_behalf();  // WI422 for a bad value, whoever the caller is
    // A superuser counts as a service (and has the privileges of every role, so membership
    // tests would wrongly make it everyone's administrator too).
    if (superuser_arg(role) || member_of(role, roles.service)) {
        caller.tenant = current_tenant();
        caller.names_actors = true;
        if (declared == nullptr) {
            caller.is_service = caller.may_write = true;
            caller.capability = "service";
            return caller;
        }
        // Acting for an end user: exactly the declared capability, the service adding no right.
        caller.is_admin = strcmp(declared, "admin") == 0;
        caller.may_write = strcmp(declared, "reader") != 0;
        caller.capability = caller.is_admin    ? "service:admin"
                            : caller.may_write ? "service:user"
                                               : "service:reader";
        return caller;
    }
    if (declared != nullptr) refuse_on_behalf_of_non_service(caller.role_name);
    caller.is_admin = member_of(role, roles.admin);
    caller.may_write = caller.is_admin || member_of(role, roles.user);
    // A role granted none of the four has no capability at all, not a reader's: it reaches a
    // function only through someone else's SECURITY DEFINER code, which must not lend it one.
    if (!caller.may_write && !member_of(role, roles.reader)) {
        raise(core::ErrorCode::not_authorized,
              psprintf("role %s has no workitem capability", caller.role_name), nullptr,
              "Grant it workitem_user, workitem_admin, workitem_reader or workitem_service.");
    }
    caller.capability = caller.is_admin ? "admin" : (caller.may_write ? "user" : "reader");
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

void require_service_or_admin(bool is_service, bool is_admin, const char* capability,
                              const char* function) {
    if (is_service || is_admin) return;
    raise(
        core::ErrorCode::not_authorized,
        psprintf("%s needs the service or admin capability; the call has %s", function, capability),
        nullptr,
        "A service acting on behalf of a user or reader (workitem.on_behalf) may not call it.");
}

namespace {
spi::Statement authorize_statement{"SELECT workitem.authorize($1)", 1, {TEXTOID}, nullptr};
}  // namespace

void authorize_declared(const char* function) {
    // Release 0.1.0 has no declarations (its EXECUTE grants are the gate until ALTER EXTENSION
    // UPDATE): the library serves the SQL of every release.
    Oid text_type[1] = {TEXTOID};
    if (!OidIsValid(LookupFuncName(
            list_make2(makeString(pstrdup("workitem")), makeString(pstrdup("authorize"))), 1,
            text_type, true))) {
        return;
    }
    spi::connect();
    Datum args[1] = {CStringGetTextDatum(function)};
    spi::execute(authorize_statement, args, nullptr, 1);
    spi::finish();
}

const char* actor_for(const Caller& caller, const char* requested) {
    if (requested == nullptr) return caller.role_name;
    if (caller.names_actors || strcmp(requested, caller.role_name) == 0) return requested;
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

const char* viewer_of(const Caller& caller, const char* as_actor) {
    return actor_for(caller, as_actor);
}

}  // namespace workitem::pg
