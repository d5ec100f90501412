// SHA-256 digests of requests, and transaction-scoped advisory locks named by text: what
// idempotency keys and (workflow_id, step_ref) creates use to recognise and serialise a request.
#pragma once

#include "runtime/pg.hpp"

extern "C" {
#include "common/cryptohash.h"
}

namespace workitem::pg {

class Sha256 {
  public:
    Sha256();
    // Adds a length-prefixed field, so ("ab","c") and ("a","bc") differ.
    void add(const void* bytes, size_t length);
    void add_text(const char* text);  // nullptr is a field of its own, unlike ""
    bytea* finish();                  // palloc'd digest; the hasher is spent

  private:
    pg_cryptohash_ctx* context_;
};

bool same_digest(bytea* left, bytea* right);

// pg_advisory_xact_lock on a 64-bit key of `name` keyed with the database's lock secret, which
// no other role can read (inside SPI): nobody can take our keys to block our calls.
void lock_name_for_transaction(const char* name);

}  // namespace workitem::pg
