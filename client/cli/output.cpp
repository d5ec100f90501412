#include "output.hpp"

#include <algorithm>
#include <ostream>

namespace workitem::cli {
namespace {

using nlohmann::json;

json time_or_null(const std::optional<Timestamp>& time) {
    return time ? json(format_timestamp(*time)) : json(nullptr);
}

template <class T>
json value_or_null(const std::optional<T>& value) {
    return value ? json(*value) : json(nullptr);
}

std::string text_or_empty(const std::optional<std::string>& text) {
    return text.value_or("");
}

}  // namespace

void print(std::ostream& out, const Table& table) {
    std::vector<std::size_t> widths(table.header.size(), 0);
    auto widen = [&](const std::vector<std::string>& row) {
        for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i) {
            widths[i] = std::max(widths[i], row[i].size());
        }
    };
    widen(table.header);
    for (const auto& row : table.rows) widen(row);
    auto line = [&](const std::vector<std::string>& row) {
        std::string text;
        for (std::size_t i = 0; i < row.size(); ++i) {
            text += row[i];
            if (i + 1 < row.size()) text += std::string(widths[i] - row[i].size() + 2, ' ');
        }
        while (!text.empty() && text.back() == ' ') text.pop_back();
        out << text << '\n';
    };
    line(table.header);
    for (const auto& row : table.rows) line(row);
}

// History events keep their payload as text; consumed events have it parsed already.
json payload_json(const std::string& payload) {
    return json::parse(payload);
}
const json& payload_json(const json& payload) {
    return payload;
}

template <class AnyEvent>
json event_json(const AnyEvent& event) {
    return json{{"seq", event.seq},
                {"id", event.id},
                {"tenant_id", event.tenant_id},
                {"item_id", event.item_id},
                {"item_version", event.item_version},
                {"type", event.type},
                {"operation", event.operation},
                {"actor", event.actor},
                {"reason", value_or_null(event.reason)},
                {"payload", payload_json(event.payload)},
                {"idempotency_key", value_or_null(event.idempotency_key)},
                {"trace_context", value_or_null(event.trace_context)},
                {"occurred_at", format_timestamp(event.occurred_at)}};
}

json to_json(const Event& event) {
    return event_json(event);
}

json to_json(const ConsumedEvent& event) {
    return event_json(event);
}

json to_json(const BatchResult& row) {
    return json{{"id", row.id},
                {"ok", row.ok},
                {"sqlstate", row.ok ? json(nullptr) : json(row.sqlstate)},
                {"error", row.error ? json(to_string(*row.error)) : json(nullptr)},
                {"message", row.ok ? json(nullptr) : json(row.message)},
                {"item", row.item ? to_json(*row.item) : json(nullptr)}};
}

json to_json(const CreateManyResult& row) {
    return json{{"element", row.element},
                {"ok", row.ok},
                {"sqlstate", row.ok ? json(nullptr) : json(row.sqlstate)},
                {"error", row.error ? json(to_string(*row.error)) : json(nullptr)},
                {"message", row.ok ? json(nullptr) : json(row.message)},
                {"item", row.item ? to_json(*row.item) : json(nullptr)}};
}

json to_json(const DirectoryUser& user) {
    return json{{"user_id", user.user_id},
                {"tenant_id", user.tenant_id},
                {"available", user.available},
                {"capacity", value_or_null(user.capacity)},
                {"away_until", time_or_null(user.away_until)},
                {"groups", user.groups}};
}

json to_json(const DirectoryGroup& group) {
    return json{{"group_id", group.group_id}, {"members", group.members}};
}

Table user_table(const std::vector<DirectoryUser>& users) {
    Table table{{"user", "available", "capacity", "away_until", "groups"}, {}};
    for (const auto& user : users) {
        std::string groups;
        for (const auto& group : user.groups) groups += (groups.empty() ? "" : ",") + group;
        table.rows.push_back({user.user_id, user.available ? "yes" : "no",
                              user.capacity ? std::to_string(*user.capacity) : "",
                              user.away_until ? format_timestamp(*user.away_until) : "", groups});
    }
    return table;
}

Table group_table(const std::vector<DirectoryGroup>& groups) {
    Table table{{"group", "members"}, {}};
    for (const auto& group : groups) {
        table.rows.push_back({group.group_id, std::to_string(group.members)});
    }
    return table;
}

Table item_table(const std::vector<Item>& items) {
    Table table{{"id", "state", "owner", "version", "priority", "queue", "task", "workflow"}, {}};
    for (const auto& item : items) {
        table.rows.push_back({std::to_string(item.id), std::string(to_string(item.state)),
                              text_or_empty(item.owner), std::to_string(item.version),
                              std::to_string(item.priority), text_or_empty(item.queue),
                              item.task_name, item.workflow_id});
    }
    return table;
}

// What an update changed, from the payload's "changes": "field: old → new" per field (a body,
// whose value the event does not repeat: "field: changed"), in the payload's order.
std::string changes_cell(const std::string& payload) {
    const json document = json::parse(payload, nullptr, false);
    if (!document.is_object() || !document.contains("changes") ||
        !document["changes"].is_object()) {
        return "";
    }
    auto shown = [](const json& value) {
        return value.is_string() ? value.get<std::string>() : value.dump();
    };
    std::string cell;
    for (const auto& [field, change] : document["changes"].items()) {
        if (!cell.empty()) cell += ", ";
        cell += field + ": ";
        if (change.is_object() && change.contains("old") && change.contains("new")) {
            cell += shown(change["old"]) + " → " + shown(change["new"]);
        } else {
            cell += "changed";
        }
    }
    return cell;
}

Table event_table(const std::vector<Event>& events) {
    Table table{{"version", "type", "actor", "reason", "occurred_at", "changes"}, {}};
    for (const auto& event : events) {
        table.rows.push_back({std::to_string(event.item_version), event.type, event.actor,
                              text_or_empty(event.reason), format_timestamp(event.occurred_at),
                              changes_cell(event.payload)});
    }
    return table;
}

Table batch_table(const std::vector<BatchResult>& rows) {
    Table table{{"id", "ok", "state", "version", "sqlstate", "message"}, {}};
    for (const auto& row : rows) {
        table.rows.push_back({std::to_string(row.id), row.ok ? "yes" : "no",
                              row.item ? std::string(to_string(row.item->state)) : "",
                              row.item ? std::to_string(row.item->version) : "", row.sqlstate,
                              row.message});
    }
    return table;
}

Table create_many_table(const std::vector<CreateManyResult>& rows) {
    Table table{{"element", "ok", "id", "state", "sqlstate", "message"}, {}};
    for (const auto& row : rows) {
        table.rows.push_back({std::to_string(row.element), row.ok ? "yes" : "no",
                              row.item ? std::to_string(row.item->id) : "",
                              row.item ? std::string(to_string(row.item->state)) : "", row.sqlstate,
                              row.message});
    }
    return table;
}

}  // namespace workitem::cli
