// The routes that act on many items in one call: POST /api/v1/workitems:batch (one operation,
// many ids: workitem_<op>_batch), :batch-create (workitem_create_many),
// acknowledge-and-claim-next (workitem_acknowledge_and_claim_next) and
// POST /api/v1/workflows/{workflowId}/cancel (workitem_cancel_workflow). A refused row does not
// refuse the call: each row carries its own status and code (BatchResult).
#include "item_json.hpp"
#include "long_poll.hpp"
#include "operation_fields.hpp"
#include "problem.hpp"
#include "query.hpp"
#include "request_body.hpp"
#include "request_headers.hpp"
#include "responses.hpp"
#include "route_support.hpp"

#include <workitem/workitem.hpp>

#include <functional>
#include <limits>
#include <string_view>

namespace workitem::gateway {

namespace {

using json = nlohmann::json;
using Ids = std::vector<std::int64_t>;
using Results = std::vector<workitem::BatchResult>;
using Prepared = std::function<Results(workitem::Operations&)>;

template <class Options>
using BatchMethod = Results (workitem::Operations::*)(const Ids&, const Options&,
                                                      const workitem::ExpectedVersions&);

// The batch form of an operation: the single form's fields, with expected_versions (one per id)
// in the place of If-Match.
template <class Options, BatchMethod<Options> method>
Prepared prepare(Ids ids, RequestBody& body, const Identity& who, std::optional<std::string> key) {
    Options options;
    options.actor = who.subject;
    read_fields(body, options);
    options.idempotency_key = std::move(key);
    auto versions = body.versions("expected_versions");
    return [ids = std::move(ids), options,
            versions = std::move(versions)](workitem::Operations& database) {
        return (database.*method)(ids, options, versions);
    };
}

// Heartbeat has neither versions nor a key: repeating it only extends the leases again.
Prepared prepare_heartbeat(Ids ids, RequestBody& body, const Identity& who,
                           std::optional<std::string>) {
    workitem::HeartbeatOptions options;
    options.actor = who.subject;
    read_fields(body, options);
    return [ids = std::move(ids), options](workitem::Operations& database) {
        return database.heartbeat_batch(ids, options);
    };
}

struct BatchOperation {
    std::string_view name;  // the body's "operation"
    Prepared (*prepare)(Ids, RequestBody&, const Identity&, std::optional<std::string>);
};

using workitem::Operations;
constexpr BatchOperation batch_operations[] = {
    {"claim", prepare<workitem::ClaimOptions, &Operations::claim_batch>},
    {"allocate", prepare<workitem::AllocateOptions, &Operations::allocate_batch>},
    {"start", prepare<workitem::ActOptions, &Operations::start_batch>},
    {"stop", prepare<workitem::ActOptions, &Operations::stop_batch>},
    {"release", prepare<workitem::ActOptions, &Operations::release_batch>},
    {"delegate", prepare<workitem::DelegateOptions, &Operations::delegate_batch>},
    {"resolve", prepare<workitem::ActOptions, &Operations::resolve_batch>},
    {"forward", prepare<workitem::ForwardOptions, &Operations::forward_batch>},
    {"suspend", prepare<workitem::SuspendOptions, &Operations::suspend_batch>},
    {"resume", prepare<workitem::ActOptions, &Operations::resume_batch>},
    {"complete", prepare<workitem::CompleteOptions, &Operations::complete_batch>},
    {"fail", prepare<workitem::FaultOptions, &Operations::fail_batch>},
    {"skip", prepare<workitem::ActOptions, &Operations::skip_batch>},
    {"cancel", prepare<workitem::CancelOptions, &Operations::cancel_batch>},
    {"mark_error", prepare<workitem::FaultOptions, &Operations::mark_error_batch>},
    {"save_output", prepare<workitem::SaveOutputOptions, &Operations::save_output_batch>},
    {"update", prepare<workitem::UpdateOptions, &Operations::update_batch>},
    {"heartbeat", prepare_heartbeat},
};

const BatchOperation& batch_operation(const std::string& name) {
    for (const auto& operation : batch_operations) {
        if (operation.name == name) return operation;
    }
    throw_problem(400, "invalid_field",
                  "field operation must name an operation (claim, complete, mark_error, ...)");
}

Response batch(Call& call) {
    auto body = RequestBody::parse(call.request, true);
    const auto& operation = batch_operation(body.required_text("operation"));
    auto ids = body.ids("ids");
    const Prepared prepared =
        operation.prepare(std::move(ids), body, caller(call), idempotency_key(call.request));
    body.refuse_unknown_fields();
    auto as_caller = call.database.as(caller(call));
    const auto results = prepared(as_caller);
    json rows = json::array();
    for (const auto& result : results) rows.push_back(batch_result_json(result));
    return json_response(call.request, 200, {{"results", std::move(rows)}});
}

Response batch_create(Call& call) {
    auto body = RequestBody::parse(call.request, true);
    const auto items = body.array("items", max_batch_items);
    if (!items || items->empty()) {
        throw_problem(400, "invalid_field", "field items must be an array of 1 to 10000 items");
    }
    body.refuse_unknown_fields();
    std::vector<workitem::CreateCommand> commands;
    for (std::size_t i = 0; i < items->size(); ++i) {
        auto element = RequestBody::element((*items)[i], "items[" + std::to_string(i) + "]");
        auto command = create_command(element, caller(call));
        command.actor.reset();  // the call's actor (CreateManyOptions) creates them all
        element.refuse_unknown_fields();
        commands.push_back(std::move(command));
    }
    const workitem::CreateManyOptions options{.actor = caller(call).subject,
                                              .idempotency_key = idempotency_key(call.request)};
    const auto results = call.database.as(caller(call)).create_many(commands, options);
    json rows = json::array();
    for (const auto& result : results) rows.push_back(create_many_result_json(result));
    return json_response(call.request, 200, {{"results", std::move(rows)}});
}

// An Outcome: complete with `output`, or fail with `fault` when it is given.
workitem::Outcome outcome(RequestBody& element) {
    workitem::Outcome outcome;
    const auto id = element.integer("id", 1, std::numeric_limits<std::int64_t>::max());
    if (!id) throw_problem(400, "invalid_field", "every outcome needs an id");
    outcome.id = *id;
    outcome.fault = element.document("fault");
    if (!outcome.fault) outcome.output = element.document("output");
    outcome.expected_version =
        element.integer("expected_version", 1, std::numeric_limits<std::int64_t>::max());
    element.refuse_unknown_fields();
    return outcome;
}

// One row per outcome, in the order given (workitem_acknowledge_and_claim_next).
json outcome_rows(const std::vector<workitem::Outcome>& outcomes,
                  const std::vector<workitem::BatchResult>& results) {
    json rows = json::array();
    for (std::size_t i = 0; i < results.size(); ++i) {
        json row = batch_result_json(results[i]);
        const bool failed = i < outcomes.size() && outcomes[i].fault.has_value();
        row["kind"] = failed ? "fail" : "complete";
        rows.push_back(std::move(row));
    }
    return rows;
}

json item_list(const std::vector<workitem::Item>& items) {
    json list = json::array();
    for (const auto& item : items) list.push_back(item_json(item));
    return list;
}

// With ?wait=, the first look acknowledges and claims; when it claimed nothing, the outcomes
// stay committed and the later looks are claim-next's (client/gateway/DESIGN.md: keys <key>#<n>).
Response acknowledge_and_claim_next(Call& call) {
    auto query = QueryParameters::parse(call.request);
    const auto wait = wait_parameter(query, call);
    query.refuse_unknown();
    auto body = RequestBody::parse(call.request, true);
    const auto given = body.array("outcomes", max_batch_items);
    if (!given) throw_problem(400, "invalid_field", "field outcomes is required");
    std::vector<workitem::Outcome> outcomes;
    for (std::size_t i = 0; i < given->size(); ++i) {
        auto element = RequestBody::element((*given)[i], "outcomes[" + std::to_string(i) + "]");
        outcomes.push_back(outcome(element));
    }
    workitem::ClaimNextOptions options;
    options.actor = caller(call).subject;
    read_fields(body, options);
    const int max_items =
        static_cast<int>(body.integer("max_items", 0, max_batch_items).value_or(1));
    body.refuse_unknown_fields();
    options.idempotency_key = idempotency_key(call.request);
    const Request& request = call.request;
    const Identity who = caller(call);
    auto rows = std::make_shared<json>(json::array());
    const auto answer = [&request, rows](json claimed) {
        return json_response(request, 200, {{"outcomes", *rows}, {"claimed", std::move(claimed)}});
    };
    auto look = [&database = call.database, who, outcomes, options, max_items, rows,
                 answer](int n) -> std::optional<Response> {
        std::vector<workitem::Item> claimed;
        if (n == 1) {
            const auto result =
                database.as(who).acknowledge_and_claim_next(outcomes, options, max_items);
            *rows = outcome_rows(outcomes, result.outcomes);
            claimed = result.claimed;
            // Nothing to wait for when nothing was asked for.
            if (max_items == 0) return answer(json::array());
        } else {
            claimed = claim_look(database, who, options, max_items, n);
        }
        if (claimed.empty()) return std::nullopt;
        return answer(item_list(claimed));
    };
    return serve_long_poll(call, LongPoll{.registration = work_registration(who, options.queue),
                                          .wait = wait,
                                          .look = std::move(look),
                                          .nothing = [answer] { return answer(json::array()); }});
}

Response cancel_workflow(Call& call) {
    const auto workflow_id = name_capture(call, "workflowId");
    auto body = RequestBody::parse(call.request, false);
    workitem::CancelWorkflowOptions options;
    options.actor = caller(call).subject;
    options.reason = body.text("reason");
    body.refuse_unknown_fields();
    options.idempotency_key = idempotency_key(call.request);
    const auto items = call.database.as(caller(call)).cancel_workflow(workflow_id, options);
    json list = json::array();
    for (const auto& item : items) list.push_back(item_json(item));
    return json_response(call.request, 200, {{"items", std::move(list)}});
}

}  // namespace

void add_batch_routes(GatewayRouter& router) {
    router.add("POST", "/api/v1/workitems:batch", Route{batch});
    router.add("POST", "/api/v1/workitems:batch-create", Route{batch_create});
    router.add(
        "POST", "/api/v1/workitems/acknowledge-and-claim-next",
        Route{.handler = acknowledge_and_claim_next, .takes_query = true, .answers_later = true});
    router.add("POST", "/api/v1/workflows/{workflowId}/cancel", Route{cancel_workflow});
}

}  // namespace workitem::gateway
