// Idempotency keys (domain.md §9). A key is claimed before the item is locked (a transaction
// advisory lock on the key), so a retry racing its original waits for it and then replays the
// stored outcome instead of failing on the state the original produced. The same key with a
// different request is WI428. A key belongs to its caller - the tenant, the calling role and the
// actor it acts as - so keys of different callers never collide and nobody learns whether
// another's key is in use. The key row is written in the caller's transaction, so a call that
// fails leaves no key behind - unless the caller then stores its refusal as the key's outcome
// (workitem_remember_refusal, policy/refusal_note.hpp): a retry then raises the same error.
#pragma once

#include "runtime/pg.hpp"

namespace workitem::pg {

struct Failure;  // runtime/boundary.hpp

// Whose key it is.
struct KeyScope {
    const char* tenant;
    const char* role;  // the calling role
    const char* actor;
    const char* key;
};

// The role making the call (before the SECURITY DEFINER switch, as policy/caller.hpp reads it).
const char* calling_role();

struct IdempotencyClaim {
    bool replay;        // the key was used before with this very request
    Datum outcome;      // the stored outcome (jsonb) when replaying
    bool outcome_null;  // stored outcome was NULL (claim_next found nothing)
    bytea* request_hash;
};

// Claims `key` of this caller (tenant, calling role, `actor`) for the request made by this
// function call (its name and every argument but the key). A stored refusal is raised again.
// Until remember_outcome, a refusal of the call is noted (policy/refusal_note.hpp). Must run
// inside SPI.
IdempotencyClaim claim_key(const char* tenant, const char* actor, const char* key,
                           const char* operation, FunctionCallInfo fcinfo, int key_argument);

// Stores the outcome (jsonb, or NULL) of a call made with `key`. Must run inside SPI.
void remember_outcome(const char* tenant, const char* actor, const char* key, const char* operation,
                      const IdempotencyClaim& claim, int64 item_id, Datum outcome,
                      bool outcome_null);

// Stores `refusal` as the outcome of a call made with the key of `scope`, if the key is free
// (no outcome, or an expired one); whether it did. Must run inside SPI.
bool store_refusal(const KeyScope& scope, const char* operation, bytea* request_hash,
                   const Failure& refusal);

// SHA-256 of the request a function call makes: its name and every argument but the key.
bytea* request_fingerprint(FunctionCallInfo fcinfo, int key_argument);

// jsonb of a workitem.item composite, and back (SPI).
Datum item_to_jsonb(Datum item);
Datum item_from_jsonb(Datum outcome);

}  // namespace workitem::pg
