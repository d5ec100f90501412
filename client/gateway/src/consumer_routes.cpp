// Event consumers (docs/events.md): workitem.event_lag, workitem_consumer_create, _consumer_drop,
// _next_batch with _batch_events (one statement: the SDK's next_batch), _consumer_rewind,
// _batch_events and _finish_batch. Batch ids are global, as in SQL; the database decides who
// may read which (authorize(), WI403; a tenant's batch is not found from another tenant).
#include "event_json.hpp"
#include "long_poll.hpp"
#include "problem.hpp"
#include "query.hpp"
#include "request_body.hpp"
#include "responses.hpp"
#include "route_support.hpp"

#include <workitem/workitem.hpp>

#include <limits>

namespace workitem::gateway {

namespace {

using json = nlohmann::json;

// The contract's ConsumerName: 1 to 200 characters.
constexpr std::size_t max_consumer_name = 200;
constexpr std::int64_t max_events = 100000;

std::string consumer_name(const Call& call) {
    auto name = name_capture(call, "consumer");
    if (name.size() > max_consumer_name) {
        throw_problem(400, "invalid_parameter", "consumer must be 1 to 200 bytes");
    }
    return name;
}

template <class T>
json value_or_null(const std::optional<T>& value) {
    return value ? json(*value) : json(nullptr);
}

template <class Events>
json batch_json(std::int64_t batch_id, const Events& events) {
    json list = json::array();
    for (const auto& event : events) list.push_back(event_json(event));
    return json{{"batch_id", batch_id}, {"events", std::move(list)}};
}

Response list_consumers(Call& call) {
    const auto rows = call.database.as(caller(call)).event_lag();
    json items = json::array();
    for (const auto& row : rows) {
        items.push_back({{"kind", row.kind},
                         {"name", row.name},
                         {"tenant_id", row.tenant_id},
                         {"events_behind", value_or_null(row.events_behind)},
                         {"seconds_behind", value_or_null(row.seconds_behind)},
                         {"wal_bytes_behind", value_or_null(row.wal_bytes_behind)},
                         {"open_batch", value_or_null(row.open_batch)},
                         {"last_finished_at", time_or_null(row.last_finished_at)},
                         {"active", value_or_null(row.active)},
                         {"status", value_or_null(row.status)}});
    }
    return json_response(call.request, 200, {{"items", std::move(items)}});
}

Response create_consumer(Call& call) {
    const auto consumer = consumer_name(call);
    auto body = RequestBody::parse(call.request, false);
    const workitem::ConsumerCreateOptions options{.all_tenants =
                                                      body.boolean("all_tenants").value_or(false)};
    body.refuse_unknown_fields();
    const bool created = call.database.as(caller(call)).consumer_create(consumer, options);
    return json_response(call.request, created ? 201 : 200,
                         {{"consumer", consumer}, {"created", created}});
}

Response drop_consumer(Call& call) {
    const auto consumer = consumer_name(call);
    call.database.as(caller(call)).consumer_drop(consumer);
    return no_content_response(call.request);
}

Response next_batch(Call& call) {
    const auto consumer = consumer_name(call);
    auto query = QueryParameters::parse(call.request);
    const workitem::NextBatchOptions options{
        .max_events = static_cast<int>(query.integer("max_events", 1, max_events).value_or(1000))};
    const auto wait = wait_parameter(query, call);
    query.refuse_unknown();
    RequestBody::parse(call.request, false).refuse_unknown_fields();
    const Request& request = call.request;
    const Identity who = caller(call);
    auto look = [&request, &database = call.database, who, consumer,
                 options](int) -> std::optional<Response> {
        const auto batch = database.as(who).next_batch(consumer, options);
        if (!batch) return std::nullopt;
        return json_response(request, 200, batch_json(batch->id, batch->events));
    };
    return serve_long_poll(
        call, LongPoll{.registration = events_registration(who, consumer),
                       .wait = wait,
                       .look = std::move(look),
                       .nothing = [&request] { return no_content_response(request); }});
}

Response rewind(Call& call) {
    const auto consumer = consumer_name(call);
    auto body = RequestBody::parse(call.request, true);
    workitem::RewindTarget target;
    target.to_seq = body.integer("to_seq", 0, std::numeric_limits<std::int64_t>::max());
    target.to_time = body.timestamp("to_time");
    body.refuse_unknown_fields();
    if (target.to_seq.has_value() == target.to_time.has_value()) {
        throw_problem(400, "invalid_field", "give exactly one of to_seq and to_time");
    }
    const auto from = call.database.as(caller(call)).consumer_rewind(consumer, target);
    return json_response(call.request, 200, {{"from_seq", from}});
}

Response get_batch(Call& call) {
    const auto batch_id = positive_capture(call, "batchId");
    const auto events = call.database.as(caller(call)).batch_events(batch_id);
    return json_response(call.request, 200, batch_json(batch_id, events));
}

Response finish_batch(Call& call) {
    const auto batch_id = positive_capture(call, "batchId");
    RequestBody::parse(call.request, false).refuse_unknown_fields();
    const auto events = call.database.as(caller(call)).finish_batch(batch_id);
    return json_response(call.request, 200, {{"batch_id", batch_id}, {"events", events}});
}

}  // namespace

void add_consumer_routes(GatewayRouter& router) {
    router.add("GET", "/api/v1/event-consumers", Route{list_consumers});
    router.add("PUT", "/api/v1/event-consumers/{consumer}", Route{create_consumer});
    router.add("DELETE", "/api/v1/event-consumers/{consumer}", Route{drop_consumer});
    router.add("POST", "/api/v1/event-consumers/{consumer}/next-batch",
               Route{.handler = next_batch, .takes_query = true, .answers_later = true});
    router.add("POST", "/api/v1/event-consumers/{consumer}/rewind", Route{rewind});
    router.add("GET", "/api/v1/event-batches/{batchId}", Route{get_batch});
    router.add("POST", "/api/v1/event-batches/{batchId}/finish", Route{finish_batch});
}

}  // namespace workitem::gateway
