// Who is calling (domain.md §6, docs/operations.md "Roles, tenants and row-level security"): the
// role in effect before the SECURITY DEFINER switch (GetOuterUserId, so SET ROLE counts), what it
// may do, and which tenant it acts in.
//   The four capability roles (workitem_user, workitem_admin, workitem_reader, workitem_service)
//   are granted to identities; they are never one themselves: a caller whose role in effect is
//   one of them (SET ROLE workitem_admin) is refused with WI403, by every function and every
//   row-level security helper.
//   superuser, workitem_service: may act as any actor but `system`; picks the tenant with
//                                workitem.tenant (per transaction). With workitem.on_behalf set
//                                (user, admin, reader) it is authorized with exactly that
//                                capability, for the actor it names, in that tenant;
//   workitem_admin:  acts only as itself, administrator of every item of its tenant;
//   workitem_user:   acts only as itself (the directory user named like the role);
//   workitem_reader: reads only.
// Every role but a service takes its tenant from workitem.role_tenant. Without a row: 'default'
// while the database maps no role at all; once it maps one, WI403 (or 'default' when the
// operator set workitem.unmapped_roles = 'default'). A workitem.tenant naming another tenant is
// refused, never obeyed.
#pragma once

#include "runtime/pg.hpp"

namespace workitem::pg {

struct Caller {
    const char* role_name;  // the identity: the role in effect
    bool is_service;        // authorized as a service: superuser or workitem_service, no on_behalf
    bool names_actors;      // may act as any actor: a service, with or without on_behalf
    bool is_admin;          // tenant administrator: workitem_admin, or on_behalf = 'admin'
    bool may_write;         // service, admin or user (not a reader only)
    // The capability the call is authorized with, as events record it: "service", "admin",
    // "user", "reader", or "service:<capability>" for a service acting on behalf.
    const char* capability;
    const char* tenant;
};

Caller current_caller();

// WI403 unless the caller has the service or the admin capability (the functions granted to
// workitem_service and workitem_admin only: a service acting on behalf of a user or reader may
// not call them). `function` names the function refused.
void require_service_or_admin(bool is_service, bool is_admin, const char* capability,
                              const char* function);
inline void require_service_or_admin(const Caller& caller, const char* function) {
    require_service_or_admin(caller.is_service, caller.is_admin, caller.capability, function);
}

// WI403 unless the call's capability is one `function` declares in workitem.required_capability
// (workitem.authorize, the rule the SQL functions use): for C functions off the hot path.
void authorize_declared(const char* function);

// The actor a call acts as: `requested` if the caller may name it, else WI403. A NULL request
// means the caller itself (for the functions where the actor is optional).
const char* actor_for(const Caller& caller, const char* requested);

// The viewer of a read: whose eyes the row-level security predicate (workitem.visible) looks
// through. A service may read as `as_actor`; everyone else reads as itself (NULL: the caller).
const char* viewer_of(const Caller& caller, const char* as_actor);

// Inside SPI: a user's principals, 'u:<user>' and 'g:<group>' for each of their directory groups,
// as a text[] copied out of SPI's memory (the viewer of a read, the actor of claim_next).
Datum principals_of(Datum tenant_text, Datum user_text);

}  // namespace workitem::pg
