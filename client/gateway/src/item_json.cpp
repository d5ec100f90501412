#include "item_json.hpp"

namespace workitem::gateway {

using nlohmann::json;

json item_json(const workitem::Item& item) {
    json answer = workitem::to_json(item);
    answer["deadlines"] = item.deadlines.empty() ? json::array() : json::parse(item.deadlines);
    return answer;
}

std::string entity_tag(const workitem::Item& item) {
    return '"' + std::to_string(item.version) + '"';
}

}  // namespace workitem::gateway
