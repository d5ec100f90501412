// How the CLI prints consumer batches, lag and the answers of the admin subcommands.
#include "output.hpp"

#include <fmt/format.h>

#include <ostream>

namespace workitem::cli {
namespace {

using nlohmann::json;

template <class T>
json value_or_null(const std::optional<T>& value) {
    return value ? json(*value) : json(nullptr);
}

template <class T>
std::string cell(const std::optional<T>& value) {
    if (!value) return "";
    if constexpr (std::is_same_v<T, std::string>) {
        return *value;
    } else if constexpr (std::is_same_v<T, double>) {
        return fmt::format("{:.1f}", *value);
    } else if constexpr (std::is_same_v<T, bool>) {
        return *value ? "yes" : "no";
    } else if constexpr (std::is_same_v<T, Timestamp>) {
        return format_timestamp(*value);
    } else {
        return std::to_string(*value);
    }
}

std::string cell(const json& value) {
    return value.is_string() ? value.get<std::string>() : value.dump();
}

}  // namespace

json to_json(const EventLag& lag) {
    const std::optional<std::string> finished =
        lag.last_finished_at ? std::optional(format_timestamp(*lag.last_finished_at))
                             : std::nullopt;
    return json{{"kind", lag.kind},
                {"name", lag.name},
                {"tenant_id", lag.tenant_id},
                {"events_behind", value_or_null(lag.events_behind)},
                {"seconds_behind", value_or_null(lag.seconds_behind)},
                {"wal_bytes_behind", value_or_null(lag.wal_bytes_behind)},
                {"open_batch", value_or_null(lag.open_batch)},
                {"last_finished_at", value_or_null(finished)},
                {"active", value_or_null(lag.active)},
                {"status", value_or_null(lag.status)}};
}

json to_json(const TickResult& row) {
    return json{{"action", row.action}, {"done", row.done}, {"failed", row.failed}};
}

json to_json(const IndexedField& field) {
    return json{{"task_name", value_or_null(field.task_name)},
                {"field", field.field},
                {"type", field.type},
                {"declared_by", field.declared_by},
                {"declared_at", format_timestamp(field.declared_at)}};
}

Table consumed_event_table(const std::vector<ConsumedEvent>& events) {
    Table table{{"seq", "item", "version", "type", "actor", "occurred_at"}, {}};
    for (const auto& event : events) {
        table.rows.push_back({std::to_string(event.seq), std::to_string(event.item_id),
                              std::to_string(event.item_version), event.type, event.actor,
                              format_timestamp(event.occurred_at)});
    }
    return table;
}

Table lag_table(const std::vector<EventLag>& rows) {
    Table table{{"kind", "name", "tenant", "events_behind", "seconds_behind", "wal_bytes_behind",
                 "open_batch", "last_finished_at", "status"},
                {}};
    for (const auto& lag : rows) {
        table.rows.push_back({lag.kind, lag.name, lag.tenant_id, cell(lag.events_behind),
                              cell(lag.seconds_behind), cell(lag.wal_bytes_behind),
                              cell(lag.open_batch), cell(lag.last_finished_at), cell(lag.status)});
    }
    return table;
}

Table tick_table(const std::vector<TickResult>& rows) {
    Table table{{"action", "done", "failed"}, {}};
    for (const auto& row : rows) {
        table.rows.push_back({row.action, std::to_string(row.done), std::to_string(row.failed)});
    }
    return table;
}

Table indexed_field_table(const std::vector<IndexedField>& fields) {
    Table table{{"task", "field", "type", "declared_by", "declared_at"}, {}};
    for (const auto& field : fields) {
        table.rows.push_back({field.task_name.value_or("*"), field.field, field.type,
                              field.declared_by, format_timestamp(field.declared_at)});
    }
    return table;
}

void print_fields(std::ostream& out, const Fields& fields, Format format) {
    if (format == Format::json) {
        json object = json::object();
        for (const auto& [name, value] : fields) object[name] = value;
        out << object.dump(2) << '\n';
        return;
    }
    Table table;
    table.rows.emplace_back();
    for (const auto& [name, value] : fields) {
        table.header.push_back(name);
        table.rows.back().push_back(cell(value));
    }
    print(out, table);
}

}  // namespace workitem::cli
