// What a route's handler gets and what the gateway knows of each route.
#pragma once

#include "auth.hpp"
#include "http_server.hpp"
#include "http_types.hpp"
#include "pool.hpp"
#include "router.hpp"
#include "ui_files.hpp"

#include <functional>

namespace workitem::gateway {

class Wakeups;

// How a route that may answer after its handler returned (Route::answers_later: the long polls,
// the worklist stream) answers: its handler sets Call::parked and returns; the gateway then
// ignores what it returned and waits for one of these. Each keeps the request alive.
struct Later {
    Wakeups& wakeups;
    // Answers the request, from any thread: `produce` runs at once, under the same mapping of
    // errors to problems as a handler, and its answer is recorded and sent.
    std::function<void(const std::function<Response()>& produce)> answer;
    // Sends `head` (200: a stream, recorded as the request's answer) and gives `started` the
    // stream on the connection's strand.
    std::function<void(Response head, StreamStarted started)> stream;
};

struct Call {
    const Request& request;
    const PathParameters& parameters;
    const Identity* caller;  // null on the routes that need no credential
    DatabasePool& database;
    const Later* later{nullptr};  // on the routes that answer_later only
    bool parked{false};           // set by a handler that will answer through `later`
};

// Throws ProblemError or workitem::Error for a refusal; the gateway turns both into problems.
using Handler = std::function<Response(Call& call)>;

struct Route {
    Handler handler;
    bool needs_credential{true};
    // Runs on a database thread (it calls the database); else on the I/O thread, briefly.
    bool uses_database{true};
    // Reads query parameters itself (QueryParameters); else any query string is 400.
    bool takes_query{false};
    // May park the request and answer it later (Call::later).
    bool answers_later{false};
};

using GatewayRouter = Router<Route>;

// One family of routes per file: items created and read (item_routes.cpp), the per-item
// operations (lifecycle_routes.cpp), batches and workflows (batch_routes.cpp), the worklist,
// the directory, administration, and event consumers.
void add_item_routes(GatewayRouter& router);
void add_lifecycle_routes(GatewayRouter& router);
void add_batch_routes(GatewayRouter& router);
void add_worklist_routes(GatewayRouter& router);
void add_directory_routes(GatewayRouter& router);
void add_admin_routes(GatewayRouter& router);
void add_consumer_routes(GatewayRouter& router);
void add_task_form_routes(GatewayRouter& router);
// The task inbox's files under /ui/ (`files` must outlive the router; empty: 404).
void add_ui_routes(GatewayRouter& router, const UiFiles& files);
// Gateway adds them all, and its operational routes (Gateway::routes() lists them).

}  // namespace workitem::gateway
