// The two ways in to creating items, after their arguments are decoded: one create, and a batch of
// them, each with its idempotency key claimed first and its outcome remembered.
#pragma once

#include "creation/create_item.hpp"

namespace workitem::pg {

// workitem_create: the new item (or, for a key used before with the same request, the item it
// returned then). `key_argument` is where the key sits, for the request's hash.
Datum create_one(const char* tenant, const CreateArgs& args, FunctionCallInfo fcinfo,
                 int key_argument);

// One element of workitem_create_many: its request, or why it could not be decoded.
struct CreateElement {
    CreateArgs args;
    const char* error;  // nullptr: decoded
};

// workitem_create_many: one row per element into `result`, a refusal being that element's row.
void create_each(const char* tenant, const CreateElement* elements, int count, const char* actor,
                 const char* idempotency_key, ReturnSetInfo* result, FunctionCallInfo fcinfo,
                 int key_argument);

}  // namespace workitem::pg
