// How the CLI prints answers: aligned tables for people, JSON for scripts.
#pragma once

#include <workitem/workitem.hpp>

#include <nlohmann/json.hpp>

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace workitem::cli {

enum class Format { table, json };

// A table: a header row and rows of cells, printed with aligned columns.
struct Table {
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;
};
void print(std::ostream& out, const Table& table);

nlohmann::json to_json(const Item& item);
nlohmann::json to_json(const Event& event);
nlohmann::json to_json(const BatchResult& row);
nlohmann::json to_json(const CreateManyResult& row);
nlohmann::json to_json(const DirectoryUser& user);

Table item_table(const std::vector<Item>& items);
Table event_table(const std::vector<Event>& events);
Table batch_table(const std::vector<BatchResult>& rows);
Table create_many_table(const std::vector<CreateManyResult>& rows);

}  // namespace workitem::cli
