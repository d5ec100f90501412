// Who is calling (domain.md §6): the role in effect before the SECURITY DEFINER switch
// (GetOuterUserId, so SET ROLE counts), what it may do, and which tenant it acts in.
//   superuser, workitem_service: may act as any actor but `system`; picks the tenant with
//                                workitem.tenant (per transaction);
//   workitem_admin:  acts only as itself, administrator of every item of its tenant;
//   workitem_user:   acts only as itself (the directory user named like the role);
//   workitem_reader: reads only.
// Every role but service takes its tenant from workitem.role_tenant ('default' without a row);
// a workitem.tenant naming another tenant is refused, never obeyed.
#pragma once

#include "pg.hpp"

namespace workitem::pg {

struct Caller {
    const char* role_name;
    bool is_service;  // superuser or member of workitem_service
    bool is_admin;    // member of workitem_admin
    bool may_write;   // service, admin or user (not a reader only)
    const char* tenant;
};

Caller current_caller();

// The actor a call acts as: `requested` if the caller may name it, else WI403. A NULL request
// means the caller itself (for the functions where the actor is optional).
const char* actor_for(const Caller& caller, const char* requested);

// Inside SPI: a user's principals, 'u:<user>' and 'g:<group>' for each of their directory groups,
// as a text[] copied out of SPI's memory (the viewer of a read, the actor of claim_next).
Datum principals_of(Datum tenant_text, Datum user_text);

}  // namespace workitem::pg
