// What a route's handler gets and what the gateway knows of each route.
#pragma once

#include "auth.hpp"
#include "http_types.hpp"
#include "pool.hpp"
#include "router.hpp"

#include <functional>

namespace workitem::gateway {

struct Call {
    const Request& request;
    const PathParameters& parameters;
    const Identity* caller;  // null on the routes that need no credential
    DatabasePool& database;
};

// Throws ProblemError or workitem::Error for a refusal; the gateway turns both into problems.
using Handler = std::function<Response(Call& call)>;

struct Route {
    Handler handler;
    bool needs_credential{true};
    // Runs on a database thread (it calls the database); else on the I/O thread, briefly.
    bool uses_database{true};
};

using GatewayRouter = Router<Route>;

// The work item routes of this slice (item_routes.cpp).
void add_item_routes(GatewayRouter& router);

}  // namespace workitem::gateway
