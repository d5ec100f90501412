// claim_next's search for the best offered item an actor may take (transition/claim_next.cpp),
// shared by claim_next and acknowledge-and-claim (transition/acknowledge.cpp).
#pragma once

#include "workitem/core/time.hpp"

#include "transition/call.hpp"

#include "runtime/pg.hpp"
#include "runtime/spi.hpp"

namespace workitem::pg {

// The claims of one call: the state they share (the actor's principals, the items passed over)
// and the claim of the next best item. Each claim is judged as if by its own call, with the facts
// as the claims before it left them (capacity counts them), with its own event and version.
class NextClaims {
  public:
    // `call` is the admitted, validated claim_next call (its actor, lease, capability).
    NextClaims(const char* tenant, const TransitionCall& call, const char* queue,
               const char* task_name, core::Timestamp now);
    // Claims up to `wanted` of the best offered items the actor may take, best first, into
    // `items` (room for `wanted`); returns how many. One statement per round locks as many as are
    // still wanted, so that a batch reads the offer entries once, not once per item past the
    // entries its own claims just deleted.
    int claim_up_to(int wanted, Datum* items);

  private:
    void pass_over(Datum id);
    // The claim statement's parameters for a round: to lock `to_lock`, out of `candidates`.
    spi::Arguments<12> arguments(int to_lock, int candidates);
    // With fronts (transition/claim_fronts.hpp): this backend's fronts of the actor's principals
    // as the statements' arrays; after the claims, their new places.
    void load_fronts();
    void move_fronts();

    const char* tenant;
    const TransitionCall& call;
    const char* queue;
    const char* task_name;
    core::Timestamp now;
    Datum tenant_text;
    Datum actor_text;
    Datum principals;  // 'u:<actor>' and 'g:<group>' of its directory groups, read once per call
    // Whether this call scans from fronts (in a queue, when switched on), and the fronts: the
    // principals as C strings and the arrays $9 .. $12 of the claim statement.
    bool use_fronts = false;
    char** principal_names = nullptr;
    int principal_count = 0;
    Datum front_arrays[4] = {};
    // Items passed over: held by other workers when we looked, or refused by the core.
    int passed_count = 0;
    int passed_capacity;
    Datum* passed;
};

}  // namespace workitem::pg
