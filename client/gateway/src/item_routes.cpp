// The work item routes: each translates the HTTP request into one SDK call, made in a
// transaction that declares the caller (DatabasePool::transaction), with the token's subject as
// the actor. No rule of the domain is decided here: the database answers, and its refusals
// become problems (problem.cpp).
#include "item_json.hpp"
#include "problem.hpp"
#include "request_body.hpp"
#include "request_headers.hpp"
#include "responses.hpp"
#include "routes.hpp"

#include <workitem/workitem.hpp>

#include <charconv>
#include <limits>

namespace workitem::gateway {

namespace {

using json = nlohmann::json;

constexpr std::int64_t int32_min = std::numeric_limits<std::int32_t>::min();
constexpr std::int64_t int32_max = std::numeric_limits<std::int32_t>::max();
// The contract's bounds (client/gateway/openapi.yaml: LeaseSeconds, ClaimNextRequest); the
// database has its own, tighter ones (workitem.max_batch_size), and answers WI422 beyond them.
constexpr std::int64_t max_lease_seconds = 31622400;
constexpr std::int64_t max_claim_items = 10000;

std::int64_t item_id(const Call& call) {
    const std::string& text = call.parameters.at("id");
    std::int64_t id = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (error != std::errc{} || end != text.data() + text.size() || id < 1) {
        throw_problem(400, "invalid_parameter", "the item id is a positive integer");
    }
    return id;
}

const Identity& caller(const Call& call) {
    return *call.caller;  // every item route needs a credential
}

std::optional<int> optional_int(std::optional<std::int64_t> value) {
    if (!value) return std::nullopt;
    return static_cast<int>(*value);
}

Response create(Call& call) {
    auto body = RequestBody::parse(call.request, true);
    workitem::CreateCommand command;
    command.actor = caller(call).subject;
    command.workflow_id = body.required_text("workflow_id");
    command.task_name = body.required_text("task_name");
    if (auto assignment = body.object("assignment"))
        command.assignment.json = std::move(*assignment);
    command.input = body.document("input");
    command.priority = static_cast<int>(body.integer("priority", int32_min, int32_max).value_or(0));
    command.queue = body.text("queue");
    command.due_at = body.timestamp("due_at");
    command.activate_at = body.timestamp("activate_at");
    command.expires_at = body.timestamp("expires_at");
    command.skippable = body.boolean("skippable").value_or(false);
    command.step_ref = body.text("step_ref");
    command.run_id = body.text("run_id");
    command.follow_up_at = body.timestamp("follow_up_at");
    command.deadlines = body.document("deadlines");
    body.refuse_unknown_fields();
    command.idempotency_key = idempotency_key(call.request);
    const auto item = call.database.transaction(
        caller(call), [&](workitem::Tx& tx) { return tx.create(command); });
    auto response = item_response(call.request, 201, item);
    response.set(http::field::location, "/api/v1/workitems/" + std::to_string(item.id));
    return response;
}

// Reads are made as the caller, so a user sees only what it may see. A service key reads with
// no actor: its whole tenant, as the service it is (the gateway's design notes, on identity).
workitem::ReadOptions read_as(const Identity& who) {
    workitem::ReadOptions options;
    if (who.capability != Capability::service) options.actor = who.subject;
    return options;
}

Response get(Call& call) {
    const auto id = item_id(call);
    const auto item = call.database.transaction(
        caller(call), [&](workitem::Tx& tx) { return tx.get(id, read_as(caller(call))); });
    if (if_none_match_hits(call.request, entity_tag(item))) {
        Response not_modified{http::status::not_modified, call.request.version()};
        not_modified.set(http::field::etag, entity_tag(item));
        not_modified.keep_alive(call.request.keep_alive());
        return not_modified;
    }
    return item_response(call.request, 200, item);
}

Response claim(Call& call) {
    const auto id = item_id(call);
    auto body = RequestBody::parse(call.request, false);
    workitem::ClaimOptions options;
    options.actor = caller(call).subject;
    options.lease_seconds = optional_int(body.integer("lease_seconds", 1, max_lease_seconds));
    body.refuse_unknown_fields();
    options.expected_version = expected_version(call.request);
    options.idempotency_key = idempotency_key(call.request);
    const auto item = call.database.transaction(
        caller(call), [&](workitem::Tx& tx) { return tx.claim(id, options); });
    return item_response(call.request, 200, item);
}

Response claim_next(Call& call) {
    auto body = RequestBody::parse(call.request, false);
    workitem::ClaimNextOptions options;
    options.actor = caller(call).subject;
    options.queue = body.text("queue");
    options.task_name = body.text("task_name");
    options.lease_seconds = optional_int(body.integer("lease_seconds", 1, max_lease_seconds));
    const int max_items =
        static_cast<int>(body.integer("max_items", 1, max_claim_items).value_or(1));
    body.refuse_unknown_fields();
    options.idempotency_key = idempotency_key(call.request);
    const auto items = call.database.transaction(
        caller(call), [&](workitem::Tx& tx) { return tx.claim_next_many(options, max_items); });
    json answer{{"items", json::array()}};
    for (const auto& item : items) answer["items"].push_back(item_json(item));
    return json_response(call.request, 200, answer);
}

Response complete(Call& call) {
    const auto id = item_id(call);
    auto body = RequestBody::parse(call.request, false);
    workitem::CompleteOptions options;
    options.actor = caller(call).subject;
    options.output = body.document("output");
    body.refuse_unknown_fields();
    options.expected_version = expected_version(call.request);
    options.idempotency_key = idempotency_key(call.request);
    const auto item = call.database.transaction(
        caller(call), [&](workitem::Tx& tx) { return tx.complete(id, options); });
    return item_response(call.request, 200, item);
}

Response fail(Call& call) {
    const auto id = item_id(call);
    auto body = RequestBody::parse(call.request, false);
    workitem::FaultOptions options;
    options.actor = caller(call).subject;
    options.fault = body.document("fault");
    body.refuse_unknown_fields();
    options.expected_version = expected_version(call.request);
    options.idempotency_key = idempotency_key(call.request);
    const auto item = call.database.transaction(
        caller(call), [&](workitem::Tx& tx) { return tx.fail(id, options); });
    return item_response(call.request, 200, item);
}

// start, release: no body fields, the actor, If-Match and Idempotency-Key only.
template <workitem::Item (workitem::Operations::*operation)(std::int64_t,
                                                            const workitem::ActOptions&)>
Response act(Call& call) {
    const auto id = item_id(call);
    RequestBody::parse(call.request, false).refuse_unknown_fields();
    workitem::ActOptions options;
    options.actor = caller(call).subject;
    options.expected_version = expected_version(call.request);
    options.idempotency_key = idempotency_key(call.request);
    const auto item = call.database.transaction(
        caller(call), [&](workitem::Tx& tx) { return (tx.*operation)(id, options); });
    return item_response(call.request, 200, item);
}

}  // namespace

void add_item_routes(GatewayRouter& router) {
    router.add("POST", "/api/v1/workitems", Route{create});
    router.add("GET", "/api/v1/workitems/{id}", Route{get});
    router.add("POST", "/api/v1/workitems/{id}/claim", Route{claim});
    router.add("POST", "/api/v1/workitems/claim-next", Route{claim_next});
    router.add("POST", "/api/v1/workitems/{id}/complete", Route{complete});
    router.add("POST", "/api/v1/workitems/{id}/start", Route{act<&workitem::Operations::start>});
    router.add("POST", "/api/v1/workitems/{id}/release",
               Route{act<&workitem::Operations::release>});
    router.add("POST", "/api/v1/workitems/{id}/fail", Route{fail});
}

}  // namespace workitem::gateway
