// The work item routes that create and read items, and claim-next: each translates the HTTP
// request into one SDK call, made in a transaction that declares the caller
// (DatabasePool::transaction), with the token's subject as the actor. No rule of the domain is
// decided here: the database answers, and its refusals become problems (problem.cpp).
#include "event_json.hpp"
#include "item_json.hpp"
#include "list_sort.hpp"
#include "long_poll.hpp"
#include "operation_fields.hpp"
#include "problem.hpp"
#include "query.hpp"
#include "request_body.hpp"
#include "request_headers.hpp"
#include "responses.hpp"
#include "route_support.hpp"

#include <workitem/workitem.hpp>

#include <charconv>
#include <limits>

namespace workitem::gateway {

namespace {

using json = nlohmann::json;

json item_list(const std::vector<workitem::Item>& items) {
    json list = json::array();
    for (const auto& item : items) list.push_back(item_json(item));
    return list;
}

Response create(Call& call) {
    auto body = RequestBody::parse(call.request, true);
    auto command = create_command(body, caller(call));
    body.refuse_unknown_fields();
    command.idempotency_key = idempotency_key(call.request);
    const auto item = call.database.as(caller(call)).create(command);
    auto response = item_response(call.request, 201, item);
    response.set(http::field::location, "/api/v1/workitems/" + std::to_string(item.id));
    return response;
}

Response get(Call& call) {
    const auto id = positive_capture(call, "id");
    const workitem::ReadOptions options{.actor = read_actor(caller(call))};
    const auto item = call.database.as(caller(call)).get(id, options);
    if (if_none_match_hits(call.request, entity_tag(item))) {
        Response not_modified{http::status::not_modified, call.request.version()};
        not_modified.set(http::field::etag, entity_tag(item));
        not_modified.keep_alive(call.request.keep_alive());
        return not_modified;
    }
    return item_response(call.request, 200, item);
}

// The filters list and count share (the contract's *Filter parameters).
workitem::ListFilter filter(QueryParameters& query, const Identity& who) {
    workitem::ListFilter filter;
    filter.actor = read_actor(who);
    filter.state = query.state("state");
    filter.queue = query.text("queue");
    filter.task_name = query.text("task_name");
    filter.workflow_id = query.text("workflow_id");
    filter.owner = query.text("owner");
    filter.potential_owner = query.text("potential_owner");
    filter.due_before = query.timestamp("due_before");
    filter.due_after = query.timestamp("due_after");
    filter.min_priority =
        optional_int(query.integer("min_priority", std::numeric_limits<std::int32_t>::min(),
                                   std::numeric_limits<std::int32_t>::max()));
    read_input_filters(query, filter);
    filter.output_contains = query.json_text("output_contains", max_search_document_bytes);
    filter.output_path = query.text("output_path", max_search_path_bytes);
    return filter;
}

Response list(Call& call) {
    auto query = QueryParameters::parse(call.request);
    auto options = filter(query, caller(call));
    read_list_sort(query, options);
    const auto limit = query.integer("limit", 1, max_page_size).value_or(default_page_size);
    options.page_size = rows_to_ask(limit);
    query.refuse_unknown();
    const auto items = call.database.as(caller(call)).list(options);
    return json_response(
        call.request, 200,
        page(
            items, limit,
            [&options](const workitem::Item& item) { return list_cursor_key(options, item); },
            [](const workitem::Item& item) { return item_json(item); }));
}

Response count(Call& call) {
    auto query = QueryParameters::parse(call.request);
    const auto options = filter(query, caller(call));
    query.refuse_unknown();
    const auto counted = call.database.as(caller(call)).count(options);
    return json_response(call.request, 200, {{"count", counted}});
}

Response history(Call& call) {
    const auto id = positive_capture(call, "id");
    const workitem::ReadOptions options{.actor = read_actor(caller(call))};
    const auto events = call.database.as(caller(call)).history(id, options);
    json list = json::array();
    for (const auto& event : events) list.push_back(event_json(event));
    return json_response(call.request, 200, {{"events", std::move(list)}});
}

Response allowed_operations(Call& call) {
    const auto id = positive_capture(call, "id");
    const auto operations =
        call.database.as(caller(call)).allowed_operations(id, caller(call).subject);
    return json_response(call.request, 200, {{"operations", operations}});
}

Response claim_next(Call& call) {
    auto query = QueryParameters::parse(call.request);
    const auto wait = wait_parameter(query, call);
    query.refuse_unknown();
    auto body = RequestBody::parse(call.request, false);
    workitem::ClaimNextOptions options;
    options.actor = caller(call).subject;
    read_fields(body, options);
    const int max_items =
        static_cast<int>(body.integer("max_items", 1, max_batch_items).value_or(1));
    body.refuse_unknown_fields();
    options.idempotency_key = idempotency_key(call.request);
    const Request& request = call.request;
    const Identity who = caller(call);
    auto look = [&request, &database = call.database, who, options,
                 max_items](int n) -> std::optional<Response> {
        const auto items = claim_look(database, who, options, max_items, n);
        if (items.empty()) return std::nullopt;
        return json_response(request, 200, {{"items", item_list(items)}});
    };
    return serve_long_poll(
        call, LongPoll{.registration = work_registration(who, options.queue),
                       .wait = wait,
                       .look = std::move(look),
                       .nothing = [&request] {
                           return json_response(request, 200, {{"items", json::array()}});
                       }});
}

Route reading(Handler handler) {
    return Route{.handler = std::move(handler), .takes_query = true};
}

}  // namespace

void add_item_routes(GatewayRouter& router) {
    router.add("POST", "/api/v1/workitems", Route{create});
    router.add("GET", "/api/v1/workitems", reading(list));
    router.add("GET", "/api/v1/workitems/count", reading(count));
    router.add("GET", "/api/v1/workitems/{id}", Route{get});
    router.add("GET", "/api/v1/workitems/{id}/history", Route{history});
    router.add("GET", "/api/v1/workitems/{id}/allowed-operations", Route{allowed_operations});
    router.add("POST", "/api/v1/workitems/claim-next",
               Route{.handler = claim_next, .takes_query = true, .answers_later = true});
}

}  // namespace workitem::gateway
