#include "list_sort.hpp"

#include "problem.hpp"
#include "route_support.hpp"

#include <nlohmann/json.hpp>

namespace workitem::gateway {

namespace {

using nlohmann::json;

// Sorted by id ascending, the cursor stays the bare id, as before sorting existed.
bool plain_id_order(const workitem::ListFilter& filter) {
    return (!filter.sort || *filter.sort == "id") && !filter.descending;
}

[[noreturn]] void not_a_cursor() {
    throw_problem(400, "invalid_parameter", "query parameter after is not a cursor of a page");
}

}  // namespace

void read_list_sort(QueryParameters& query, workitem::ListFilter& filter) {
    filter.sort = query.text("sort");
    filter.descending = query.boolean("descending").value_or(false);
    if (plain_id_order(filter)) {
        filter.after_id = after_id(query);
        return;
    }
    const auto decoded = after_key(query);
    if (!decoded) return;
    const auto cursor = json::parse(*decoded, nullptr, false);
    if (!cursor.is_object()) not_a_cursor();
    const auto sort = cursor.find("sort");
    const auto descending = cursor.find("descending");
    const auto id = cursor.find("id");
    const auto key = cursor.find("key");
    const bool of_this_sort = sort != cursor.end() && *sort == filter.sort.value_or("id") &&
                              descending != cursor.end() && *descending == filter.descending;
    if (!of_this_sort || id == cursor.end() || !id->is_number_integer() || key == cursor.end() ||
        !(key->is_null() || key->is_string())) {
        not_a_cursor();
    }
    filter.after_id = id->get<std::int64_t>();
    if (key->is_string()) filter.after_key = key->get<std::string>();
}

std::string list_cursor_key(const workitem::ListFilter& filter, const workitem::Item& last) {
    if (plain_id_order(filter)) return std::to_string(last.id);
    const auto sort = filter.sort.value_or("id");
    const auto key = workitem::after_key_of(last, sort);
    return json{{"sort", sort},
                {"descending", filter.descending},
                {"key", key ? json(*key) : json()},
                {"id", last.id}}
        .dump();
}

}  // namespace workitem::gateway
