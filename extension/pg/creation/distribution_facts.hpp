// Whom a push strategy may choose, read from the directory under the right locks: potential
// owners (named users and members of named groups) who are not excluded, are available (not away)
// and are below capacity, in a stable order, with the items each holds; the round-robin cursor of
// the task and distribution set (locked, so concurrent creates take turns); a random draw; and
// for retain_familiar the completer of the named step of the same workflow.
#pragma once

#include "workitem/core/distribution.hpp"

#include "item/row.hpp"

#include "runtime/pg.hpp"

namespace workitem::pg {

// The facts as plain data (strings palloc'd).
struct DistributionRows {
    bool gathered;  // false for offer and direct, which need none
    int count;
    const char** users;
    int32* held_items;
    const char* last_assigned;
    uint64 random_draw;
    const char* familiar_user;
    const char* custom_strategy;  // the registered custom strategy used, if any
    const char* custom_choice;    // its answer
    // to advance the round-robin cursor once the choice is made
    const char* task_name;
    const char* distribution_set;
};

// Gathers the facts for `strategy` (inside SPI). `assignment` is the item's assignment spec.
// A registered custom strategy (workitem.custom_strategy) is asked for its choice here; with
// the custom_strategies flag off that is WI501.
DistributionRows gather_distribution_facts(const char* tenant, const char* strategy,
                                           Jsonb* assignment, const char* workflow_id,
                                           const char* task_name, Jsonb* input);

// The core's view of the facts (inside the boundary: views point into `rows`). Used by create
// and by the timer's activation.
core::DistributionFacts to_core_facts(const DistributionRows& rows);

// The same facts without `user` (found full under the capacity lock): the strategy chooses again
// among the others; a custom strategy's or retain_familiar's choice of that user is dropped.
DistributionRows without_user(const DistributionRows& rows, const char* user);

// Records the round-robin choice (inside SPI, in the same transaction as the allocation).
void remember_round_robin(const char* tenant, const DistributionRows& rows, const char* owner);

// Whether `name` is a registered custom strategy (connects to SPI itself).
bool is_registered_custom_strategy(const char* name);

// The strategy named by an assignment spec ("offer" when absent).
const char* strategy_of(Jsonb* assignment);

}  // namespace workitem::pg
