// The three kinds of load client (docs/load.md, The mix). Each runs until the world stops.
#pragma once

#include "session.hpp"

namespace load {

// A workflow engine: starts workflows (a human Submit, a four-eyes Review, a few system tasks
// with create_many) and now and then cancels one of its workflows.
void run_engine(Session& session);

// A person: reads the worklist and own items, claims, starts, saves, completes, fails,
// delegates, forwards, suspends and resumes, and releases human tasks.
void run_person(Session& session);

// A system worker: claims system tasks one at a time and in batches, heartbeats its leases,
// completes or fails them singly or with acknowledge_and_claim_next, and now and then
// abandons one and comes back after its lease ran out.
void run_system_worker(Session& session);

}  // namespace load
