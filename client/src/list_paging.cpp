// The sort value of a listed row, as workitem_list's after_key reads it back: the CLI's
// "more:" hint and the gateway's cursor continue a sorted list with it.
#include <workitem/commands.hpp>

#include <nlohmann/json.hpp>

namespace workitem {
namespace {

using nlohmann::json;

// The value at a dotted key path of the input: a string as it is, a number as JSON writes it
// (what the field's numeric value reads back as); none when absent or of another type, as the
// field index has no value then (docs/search.md, Declaring fields).
std::optional<std::string> field_value(const std::optional<std::string>& input,
                                       std::string_view path) {
    if (!input) return std::nullopt;
    const auto document = json::parse(*input, nullptr, false);
    const json* at = &document;
    while (true) {
        const auto dot = path.find('.');
        if (!at->is_object()) return std::nullopt;
        const auto found = at->find(std::string(path.substr(0, dot)));
        if (found == at->end()) return std::nullopt;
        at = &*found;
        if (dot == std::string_view::npos) break;
        path.remove_prefix(dot + 1);
    }
    if (at->is_string()) return at->get<std::string>();
    if (at->is_number()) return at->dump();
    return std::nullopt;
}

}  // namespace

std::optional<std::string> after_key_of(const Item& last, std::string_view sort) {
    constexpr std::string_view field_prefix = "field:";
    if (sort == "created") return format_timestamp(last.created_at);
    if (sort == "priority") return std::to_string(last.priority);
    if (sort == "due") {
        if (!last.due_at) return std::nullopt;
        return format_timestamp(*last.due_at);
    }
    if (sort.starts_with(field_prefix)) {
        return field_value(last.input, sort.substr(field_prefix.size()));
    }
    return std::nullopt;  // id: the id alone orders the rows
}

}  // namespace workitem
