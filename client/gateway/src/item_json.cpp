#include "item_json.hpp"

namespace workitem::gateway {

using nlohmann::json;

json item_json(const workitem::Item& item) {
    json answer = workitem::to_json(item);
    answer["deadlines"] = item.deadlines.empty() ? json::array() : json::parse(item.deadlines);
    answer["candidates"] = item.candidates;
    answer["excluded"] = item.excluded;
    answer["administrators"] = item.administrators;
    answer["lease_expired_owner"] =
        item.lease_expired_owner ? json(*item.lease_expired_owner) : json(nullptr);
    return answer;
}

std::string entity_tag(const workitem::Item& item) {
    return '"' + std::to_string(item.version) + '"';
}

}  // namespace workitem::gateway
