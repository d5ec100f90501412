// The long poll (`?wait=` on claim-next, acknowledge-and-claim-next and next-batch;
// client/gateway/DESIGN.md, "Long poll and SSE without holding a connection"): register, look, and
// if the look found nothing, wait for a wake-up or at most a second, then again, until the wait
// ends. The handler makes the first registration and look itself (its errors are answered as
// usual); then the request is parked — no thread, no database connection — and answered later.
#pragma once

#include "listener.hpp"
#include "query.hpp"
#include "routes.hpp"

#include <workitem/commands.hpp>
#include <workitem/types.hpp>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace workitem::gateway {

// The contract's Wait: digits and a unit `ms`, `s` (the default) or `m` ("30s", "500ms", "2m",
// "0"); nullopt when the text is none of these.
std::optional<std::chrono::milliseconds> parse_wait(std::string_view text);

// The `wait` query parameter: 0 when absent; 400 when malformed or longer than the configured
// maximum (call.later names it).
std::chrono::milliseconds wait_parameter(QueryParameters& query, const Call& call);

// What the caller waits for: work offered to it (in `queue`, or any), or a consumer's events.
Registration work_registration(const Identity& who, const std::optional<std::string>& queue);
Registration events_registration(const Identity& who, const std::string& consumer);

// Look n >= 2 of a long poll passes "<key>#<n>": each look is its own call, and an empty look
// would otherwise store its empty answer under the request's key. A retried request replays
// looks 1, 2... in order up to the first that claimed.
std::optional<std::string> look_key(const std::optional<std::string>& key, int look);

// Look n of a claim-next long poll: workitem_claim_next(..., max_items) with the look's key.
std::vector<workitem::Item> claim_look(DatabasePool& database, const Identity& who,
                                       workitem::ClaimNextOptions options, int max_items, int n);

struct LongPoll {
    Registration registration;
    std::chrono::milliseconds wait;
    // One look, on a database thread (n: 1 for the first): the answer when it ends the wait,
    // nullopt when it found nothing. May throw as a handler does.
    std::function<std::optional<Response>(int n)> look;
    // The answer when the wait ends with nothing: its deadline, or the server's shutdown.
    std::function<Response()> nothing;
};

// Serves a request that may wait, from the route's handler (the route answers_later). Without a
// wait, one look, and its answer or `nothing`. With one: the answer when the first look found
// something, else the call is parked and answered later; 503 with Retry-After when max-waiters
// requests are waiting already.
Response serve_long_poll(Call& call, LongPoll poll);

}  // namespace workitem::gateway
