// GET /api/v1/worklist/stream: the caller's worklist as server-sent events (openapi.yaml,
// streamWorklist). A snapshot first, then `upsert` and `remove` for what changed, read again
// when a commit offers work to the caller (a wake-up), at least every sse-poll-interval (the
// wake-ups cover offers only: a claim by someone else is seen at the next poll), with wake-ups
// within 100 ms read once. A keep-alive comment every sse-keep-alive; the stream ends when the
// token expires and at shutdown. It claims nothing and holds no connection while idle.
#pragma once

#include "routes.hpp"

namespace workitem::gateway {

Response stream_worklist(Call& call);

}  // namespace workitem::gateway
