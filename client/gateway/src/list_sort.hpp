// GET /api/v1/workitems' sort and its paging cursor (docs/search.md, Sorting and paging).
// Sorted by id (the default) the cursor is the last row's id, as it always was. Sorted by
// anything else it carries the sort, the direction, the last row's sort value as
// workitem_list's after_key reads it, and its id: the next page starts strictly after that
// (key, id), and a cursor sent with another sort is 400 rather than a wrong page.
#pragma once

#include "query.hpp"

#include <workitem/commands.hpp>
#include <workitem/types.hpp>

#include <string>

namespace workitem::gateway {

// Reads sort, descending and after into the filter; 400 when the cursor is not one of this sort.
void read_list_sort(QueryParameters& query, workitem::ListFilter& filter);

// The cursor that continues the list after this row, under the filter's sort.
std::string list_cursor_key(const workitem::ListFilter& filter, const workitem::Item& last);

}  // namespace workitem::gateway
