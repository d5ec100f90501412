// How the CLI prints answers: aligned tables for people, JSON for scripts.
#pragma once

#include <workitem/item_json.hpp>
#include <workitem/workitem.hpp>

#include <nlohmann/json.hpp>

#include <iosfwd>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace workitem::cli {

enum class Format { table, json };

// A table: a header row and rows of cells, printed with aligned columns.
struct Table {
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;
};
void print(std::ostream& out, const Table& table);

using workitem::to_json;  // an Item (libworkitem's)
nlohmann::json to_json(const Event& event);
nlohmann::json to_json(const BatchResult& row);
nlohmann::json to_json(const CreateManyResult& row);
nlohmann::json to_json(const DirectoryUser& user);
nlohmann::json to_json(const DirectoryGroup& group);
nlohmann::json to_json(const ConsumedEvent& event);
nlohmann::json to_json(const EventLag& lag);
nlohmann::json to_json(const TickResult& row);
nlohmann::json to_json(const IndexedField& field);

Table item_table(const std::vector<Item>& items);
Table event_table(const std::vector<Event>& events);
Table batch_table(const std::vector<BatchResult>& rows);
Table create_many_table(const std::vector<CreateManyResult>& rows);
Table consumed_event_table(const std::vector<ConsumedEvent>& events);
Table lag_table(const std::vector<EventLag>& rows);
Table tick_table(const std::vector<TickResult>& rows);
Table indexed_field_table(const std::vector<IndexedField>& fields);
Table user_table(const std::vector<DirectoryUser>& users);
Table group_table(const std::vector<DirectoryGroup>& groups);

// A few named values in this order: a one-row table, or a JSON object.
using Fields = std::vector<std::pair<std::string, nlohmann::json>>;
void print_fields(std::ostream& out, const Fields& fields, Format format);

}  // namespace workitem::cli
