#include "snippets.hpp"

#include <iostream>

void administer(workitem::Client& client) {
    // snippet-begin
    // Feature flags: for the whole database, or for one tenant (whose setting wins).
    client.set_flag("strategy.random", false, {.tenant = "acme"});
    client.set_flag("strategy.random", true, {.tenant = "acme"});

    // The default lease of workers' claims in a queue (or of a task) of the current tenant; none
    // removes it. Returns the default it replaced.
    client.set_lease_default({.queue = "invoices"}, 120);

    // The timer's work once, where the background worker is not loaded (pg_cron, a scheduler).
    for (const workitem::TickResult& row : client.tick(1000)) {
        if (row.failed > 0) std::cout << row.action << ": " << row.failed << " failed\n";
    }
    // Superusers only: client.register_validator("check_amount", {.task_name = "Approve"}),
    // client.unregister_validator(id), client.register_strategy("least_busy", "pick_user").
    // snippet-end
}
