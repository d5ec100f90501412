// Administration: the monitoring views (docs/operations.md, Monitoring) read in the caller's
// transaction, the timer's tick, feature flags and default leases. Who may read or change what
// is the database's rule (the views' row-level security and authorize(), WI403).
#include "problem.hpp"
#include "query.hpp"
#include "request_body.hpp"
#include "responses.hpp"
#include "route_support.hpp"

#include <workitem/workitem.hpp>

#include <array>
#include <limits>

namespace workitem::gateway {

namespace {

using json = nlohmann::json;

template <class T>
json column(const workitem::QueryRow& row, std::size_t index) {
    const auto value = row.get<std::optional<T>>(index);
    return value ? json(*value) : json(nullptr);
}

json time_column(const workitem::QueryRow& row, std::size_t index) {
    return time_or_null(row.get<std::optional<workitem::Timestamp>>(index));
}

Response overview(Call& call) {
    const auto result = call.database.transaction(caller(call), [](workitem::Tx& tx) {
        return std::array{
            tx.exec("SELECT tenant_id, queue, state::text, items FROM workitem.items_by_state "
                    "ORDER BY tenant_id, queue NULLS FIRST, state"),
            tx.exec("SELECT tenant_id, queue, offered_items, oldest_created_at, "
                    "extract(epoch FROM oldest_age)::float8 FROM workitem.oldest_offered "
                    "ORDER BY tenant_id, queue NULLS FIRST"),
            tx.exec("SELECT count(*) FROM workitem.overdue_items")};
    });
    json by_state = json::array();
    for (const auto& row : result[0].rows) {
        by_state.push_back({{"tenant_id", row.get<std::string>(0)},
                            {"queue", column<std::string>(row, 1)},
                            {"state", row.get<std::string>(2)},
                            {"items", row.get<std::int64_t>(3)}});
    }
    json oldest = json::array();
    for (const auto& row : result[1].rows) {
        oldest.push_back({{"tenant_id", row.get<std::string>(0)},
                          {"queue", column<std::string>(row, 1)},
                          {"offered_items", row.get<std::int64_t>(2)},
                          {"oldest_created_at", time_column(row, 3)},
                          {"oldest_age_seconds", row.get<double>(4)}});
    }
    return json_response(call.request, 200,
                         {{"items_by_state", std::move(by_state)},
                          {"oldest_offered", std::move(oldest)},
                          {"overdue_items", result[2].rows.at(0).get<std::int64_t>(0)}});
}

// A view of items keyset-paged on the id, filtered by queue: overdue_items, stranded_items.
struct ItemView {
    const char* sql;          // $1 queue or NULL, $2 the last id, $3 the page size
    const char* since_field;  // the time column's name in the answer
    const char* age_field;    // the interval's, in seconds
};

constexpr ItemView overdue_view{
    "SELECT tenant_id, id, queue, task_name, state::text, owner, due_at, "
    "extract(epoch FROM overdue_by)::float8 FROM workitem.overdue_items "
    "WHERE ($1::text IS NULL OR queue = $1) AND id > $2 ORDER BY id LIMIT $3",
    "due_at", "overdue_by_seconds"};
constexpr ItemView stranded_view{
    "SELECT tenant_id, id, queue, task_name, state::text, owner, unchanged_since, "
    "extract(epoch FROM unchanged_for)::float8 FROM workitem.stranded_items "
    "WHERE ($1::text IS NULL OR queue = $1) AND id > $2 ORDER BY id LIMIT $3",
    "unchanged_since", "unchanged_for_seconds"};

Response item_view(Call& call, const ItemView& view) {
    auto query = QueryParameters::parse(call.request);
    const auto queue = query.text("queue");
    const auto after = after_id(query).value_or(0);
    const auto limit = query.integer("limit", 1, max_page_size).value_or(default_page_size);
    query.refuse_unknown();
    const auto result = call.database.transaction(caller(call), [&](workitem::Tx& tx) {
        return tx.exec(view.sql, queue, after, rows_to_ask(limit));
    });
    const auto key_of = [](const workitem::QueryRow& row) { return row.get<std::string>(1); };
    const auto to_json = [&view](const workitem::QueryRow& row) {
        return json{{"tenant_id", row.get<std::string>(0)},  {"id", row.get<std::int64_t>(1)},
                    {"queue", column<std::string>(row, 2)},  {"task_name", row.get<std::string>(3)},
                    {"state", row.get<std::string>(4)},      {"owner", column<std::string>(row, 5)},
                    {view.since_field, time_column(row, 6)}, {view.age_field, row.get<double>(7)}};
    };
    return json_response(call.request, 200, page(result.rows, limit, key_of, to_json));
}

Response timer(Call& call) {
    const auto result = call.database.transaction(caller(call), [](workitem::Tx& tx) {
        return std::array{
            tx.exec("SELECT database, action, last_tick_at, done, failed, last_done_at, "
                    "last_error, last_error_at, last_tick_by FROM workitem.timer_status "
                    "ORDER BY action"),
            tx.exec("SELECT tenant_id, item_id, action, attempts, sqlstate, message, "
                    "first_failed_at, last_failed_at, next_attempt_at "
                    "FROM workitem.timer_failures ORDER BY item_id, action")};
    });
    json status = json::array();
    for (const auto& row : result[0].rows) {
        status.push_back({{"database", row.get<std::string>(0)},
                          {"action", row.get<std::string>(1)},
                          {"last_tick_at", time_column(row, 2)},
                          {"done", row.get<std::int64_t>(3)},
                          {"failed", row.get<std::int64_t>(4)},
                          {"last_done_at", time_column(row, 5)},
                          {"last_error", column<std::string>(row, 6)},
                          {"last_error_at", time_column(row, 7)},
                          {"last_tick_by", column<std::string>(row, 8)}});
    }
    json failures = json::array();
    for (const auto& row : result[1].rows) {
        failures.push_back({{"tenant_id", row.get<std::string>(0)},
                            {"item_id", row.get<std::int64_t>(1)},
                            {"action", row.get<std::string>(2)},
                            {"attempts", row.get<std::int64_t>(3)},
                            {"sqlstate", row.get<std::string>(4)},
                            {"message", row.get<std::string>(5)},
                            {"first_failed_at", time_column(row, 6)},
                            {"last_failed_at", time_column(row, 7)},
                            {"next_attempt_at", time_column(row, 8)}});
    }
    return json_response(call.request, 200,
                         {{"status", std::move(status)}, {"failures", std::move(failures)}});
}

Response tick(Call& call) {
    auto body = RequestBody::parse(call.request, false);
    const auto max_items = static_cast<int>(
        body.integer("max_items", 1, std::numeric_limits<std::int32_t>::max()).value_or(1000));
    body.refuse_unknown_fields();
    const auto results = call.database.as(caller(call)).tick(max_items);
    json actions = json::array();
    for (const auto& result : results) {
        actions.push_back(
            {{"action", result.action}, {"done", result.done}, {"failed", result.failed}});
    }
    return json_response(call.request, 200, {{"actions", std::move(actions)}});
}

Response set_flag(Call& call) {
    const auto flag = name_capture(call, "flag");
    auto body = RequestBody::parse(call.request, true);
    const auto enabled = body.boolean("enabled");
    if (!enabled) throw_problem(400, "invalid_field", "field enabled is required");
    const auto scope = body.text("scope").value_or("tenant");
    if (scope != "tenant" && scope != "database") {
        throw_problem(400, "invalid_field", "field scope must be tenant or database");
    }
    body.refuse_unknown_fields();
    workitem::SetFlagOptions options;
    if (scope == "tenant") options.tenant = caller(call).tenant;
    const auto set = call.database.as(caller(call)).set_flag(flag, *enabled, options);
    return json_response(call.request, 200,
                         {{"tenant_id", set.tenant_id},
                          {"name", set.name},
                          {"enabled", set.enabled},
                          {"updated_at", workitem::format_timestamp(set.updated_at)}});
}

// PUT sets the default lease of a queue or a task, DELETE removes it (a NULL lease).
Response lease_default(Call& call, bool of_queue, bool remove) {
    workitem::LeaseDefaultScope scope;
    if (of_queue) {
        scope.queue = name_capture(call, "queue");
    } else {
        scope.task_name = name_capture(call, "taskName");
    }
    std::optional<int> lease;
    if (!remove) {
        auto body = RequestBody::parse(call.request, true);
        lease = optional_int(body.integer("lease_seconds", 1, max_lease_seconds));
        if (!lease) throw_problem(400, "invalid_field", "field lease_seconds is required");
        body.refuse_unknown_fields();
    }
    const auto replaced = call.database.as(caller(call)).set_lease_default(scope, lease);
    return json_response(call.request, 200,
                         {{"replaced_lease_seconds", replaced ? json(*replaced) : json(nullptr)}});
}

}  // namespace

void add_admin_routes(GatewayRouter& router) {
    router.add("GET", "/api/v1/admin/overview", Route{overview});
    router.add("GET", "/api/v1/admin/overdue-items",
               Route{.handler = [](Call& call) { return item_view(call, overdue_view); },
                     .takes_query = true});
    router.add("GET", "/api/v1/admin/stranded-items",
               Route{.handler = [](Call& call) { return item_view(call, stranded_view); },
                     .takes_query = true});
    router.add("GET", "/api/v1/admin/timer", Route{timer});
    router.add("POST", "/api/v1/admin/tick", Route{tick});
    router.add("PUT", "/api/v1/admin/feature-flags/{flag}", Route{set_flag});
    const char* queue = "/api/v1/admin/lease-defaults/queues/{queue}";
    const char* task = "/api/v1/admin/lease-defaults/tasks/{taskName}";
    router.add("PUT", queue, Route{[](Call& call) { return lease_default(call, true, false); }});
    router.add("DELETE", queue, Route{[](Call& call) { return lease_default(call, true, true); }});
    router.add("PUT", task, Route{[](Call& call) { return lease_default(call, false, false); }});
    router.add("DELETE", task, Route{[](Call& call) { return lease_default(call, false, true); }});
}

}  // namespace workitem::gateway
