// GET /api/v1/worklist: workitem_worklist, what the caller may work on now (offered to them or
// held by them), best first. Not paged (the function takes no cursor: docs/rest.md). Its
// stream, GET /api/v1/worklist/stream, is worklist_stream.cpp.
#include "item_json.hpp"
#include "query.hpp"
#include "responses.hpp"
#include "route_support.hpp"
#include "worklist_stream.hpp"

#include <workitem/workitem.hpp>

namespace workitem::gateway {

namespace {

Response worklist(Call& call) {
    const auto options = worklist_options(call.request);
    const auto items = call.database.as(caller(call)).worklist(caller(call).subject, options);
    nlohmann::json list = nlohmann::json::array();
    for (const auto& item : items) list.push_back(item_json(item));
    return json_response(call.request, 200, {{"items", std::move(list)}});
}

}  // namespace

void add_worklist_routes(GatewayRouter& router) {
    router.add("GET", "/api/v1/worklist", Route{.handler = worklist, .takes_query = true});
    router.add("GET", "/api/v1/worklist/stream",
               Route{.handler = stream_worklist, .takes_query = true, .answers_later = true});
}

}  // namespace workitem::gateway
