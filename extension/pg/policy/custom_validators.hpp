// Custom validators (domain.md §4): SQL functions registered per task name (or all) and
// operation (or all), run after the six built-in validators, able to deny with a reason
// (WI461, the reason as the message) - Camunda 8's blocking task listeners are the model.
// A validator is `f(item workitem.item, operation text, actor text) RETURNS text`: NULL allows,
// any text denies. The registrations are cached per backend and reloaded when they change.
#pragma once

#include "item/row.hpp"
#include "transition/call.hpp"

namespace workitem::pg {

// The first denial's reason for this call on this (locked) item, or nullptr when every
// matching validator allows it (or the custom_validators flag is off). Inside SPI.
const char* custom_denial(const char* tenant, const TransitionCall& call, const ItemRow& row);

// Whether any validator is registered for this call on this item (the flag aside): without
// one, the call runs no SQL but the workitem functions' own.
bool custom_validators_registered(const char* tenant, const TransitionCall& call,
                                  const ItemRow& row);

// Makes the workitem.item a validator sees (called only when one matches).
using ItemMaker = Datum (*)(const void* context);

// The same for a create: the validators registered for 'create' see the item as it would be
// inserted, without an id (`make_would_be_item`).
const char* custom_create_denial(const char* tenant, const char* task_name, const char* actor,
                                 ItemMaker make_would_be_item, const void* context);

// Raises WI461 if a custom validator denies the call.
void check_custom_validators(const char* tenant, const TransitionCall& call, const ItemRow& row);

// Why this function may not run as a custom validator or strategy, or nullptr when it may: it
// runs with no more rights than its owner's (owned by a superuser, or SECURITY DEFINER) and has
// its own search_path, ending with pg_temp.
const char* custom_function_problem(Oid function);
// Raises WI422 naming the problem (kind: "custom validator", "custom strategy"; name: how to
// call the function, nullptr: its signature).
void check_custom_function(Oid function, const char* kind, const char* name);

void register_custom_validator_callbacks();

}  // namespace workitem::pg
