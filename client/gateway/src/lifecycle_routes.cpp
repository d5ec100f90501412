// The per-item operations, POST /api/v1/workitems/{id}/<operation>, and PATCH (update): one
// handler, and a table row per operation naming its SDK method and options. Each row reads the
// operation's body fields (operation_fields.cpp), then the caller is the actor, If-Match the
// expected version and Idempotency-Key the call's key; the database decides the rest.
#include "item_json.hpp"
#include "operation_fields.hpp"
#include "problem.hpp"
#include "request_body.hpp"
#include "request_headers.hpp"
#include "responses.hpp"
#include "route_support.hpp"

#include <workitem/workitem.hpp>

#include <functional>
#include <string_view>

namespace workitem::gateway {

namespace {

// The call, decoded and ready to run in the caller's transaction.
using Prepared = std::function<workitem::Item(workitem::Operations&)>;

template <class Options>
using Method = workitem::Item (workitem::Operations::*)(std::int64_t, const Options&);

template <class Options, Method<Options> method>
Prepared prepare(std::int64_t id, RequestBody& body, const Request& request, const Identity& who) {
    Options options;
    options.actor = who.subject;
    read_fields(body, options);
    // Heartbeat alone has neither: it only extends a lease (repeating it is safe).
    if constexpr (requires { options.expected_version; }) {
        options.expected_version = expected_version(request);
        options.idempotency_key = idempotency_key(request);
    }
    return
        [id, options](workitem::Operations& database) { return (database.*method)(id, options); };
}

struct ItemOperation {
    std::string_view path;  // the last segment: "claim", "mark-error"
    Prepared (*prepare)(std::int64_t, RequestBody&, const Request&, const Identity&);
};

using workitem::Operations;
constexpr ItemOperation item_operations[] = {
    {"claim", prepare<workitem::ClaimOptions, &Operations::claim>},
    {"allocate", prepare<workitem::AllocateOptions, &Operations::allocate>},
    {"start", prepare<workitem::ActOptions, &Operations::start>},
    {"stop", prepare<workitem::ActOptions, &Operations::stop>},
    {"release", prepare<workitem::ActOptions, &Operations::release>},
    {"delegate", prepare<workitem::DelegateOptions, &Operations::delegate>},
    {"resolve", prepare<workitem::ActOptions, &Operations::resolve>},
    {"forward", prepare<workitem::ForwardOptions, &Operations::forward>},
    {"suspend", prepare<workitem::SuspendOptions, &Operations::suspend>},
    {"resume", prepare<workitem::ActOptions, &Operations::resume>},
    {"complete", prepare<workitem::CompleteOptions, &Operations::complete>},
    {"fail", prepare<workitem::FaultOptions, &Operations::fail>},
    {"skip", prepare<workitem::ActOptions, &Operations::skip>},
    {"cancel", prepare<workitem::CancelOptions, &Operations::cancel>},
    {"mark-error", prepare<workitem::FaultOptions, &Operations::mark_error>},
    {"save-output", prepare<workitem::SaveOutputOptions, &Operations::save_output>},
    {"heartbeat", prepare<workitem::HeartbeatOptions, &Operations::heartbeat>},
};

Response run(Call& call, const ItemOperation& operation, bool body_required) {
    const auto id = positive_capture(call, "id");
    auto body = RequestBody::parse(call.request, body_required);
    if (body_required && body.empty()) {
        throw_problem(400, "invalid_field", "name at least one field to change");
    }
    const Prepared prepared = operation.prepare(id, body, call.request, caller(call));
    body.refuse_unknown_fields();
    auto as_caller = call.database.as(caller(call));
    const auto item = prepared(as_caller);
    return item_response(call.request, 200, item);
}

constexpr ItemOperation update{"", prepare<workitem::UpdateOptions, &Operations::update>};

}  // namespace

void add_lifecycle_routes(GatewayRouter& router) {
    for (const auto& operation : item_operations) {
        router.add("POST", "/api/v1/workitems/{id}/" + std::string(operation.path),
                   Route{[&operation](Call& call) { return run(call, operation, false); }});
    }
    router.add("PATCH", "/api/v1/workitems/{id}",
               Route{[](Call& call) { return run(call, update, true); }});
}

}  // namespace workitem::gateway
