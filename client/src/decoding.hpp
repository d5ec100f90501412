// From the database's rows to the value types of types.hpp.
#pragma once

#include "result_set.hpp"

#include <workitem/types.hpp>

#include <string>
#include <vector>

namespace workitem::detail {

// The one value of Shape::value.
std::string single_value(const ResultSet& result);
Item decode_item(const Row& row);
Item one_item(const ResultSet& result);
std::vector<Item> items(const ResultSet& result);
// A row of workitem.event (history, consumer batches).
Event decode_event(const Row& row);
std::vector<Event> events(const ResultSet& result);
std::vector<BatchResult> batch_results(const ResultSet& result);
std::vector<CreateManyResult> create_many_results(const ResultSet& result);
AcknowledgeResult acknowledged(const ResultSet& result);
DirectoryUser directory_user(const ResultSet& result);
PutUsersResult put_users_result(const ResultSet& result);
// get_user and list_users: users with their groups.
std::vector<DirectoryUser> directory_users(const ResultSet& result);
std::vector<DirectoryGroup> directory_groups(const ResultSet& result);
// A one-dimensional text[] in PostgreSQL's output syntax: {claim,start,"with space"}.
std::vector<std::string> text_array_elements(std::string_view literal);
QueryResult query_result(const ResultSet& result);

}  // namespace workitem::detail
