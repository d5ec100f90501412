// From the rows of the consumer functions and workitem.event_lag to the types of events.hpp.
#pragma once

#include "result_set.hpp"

#include <workitem/events.hpp>

#include <optional>
#include <vector>

namespace workitem::detail {

// Shape::event_batch: none when the first row's batch_id is NULL (nothing new).
std::optional<EventBatch> event_batch(const ResultSet& result);
std::vector<EventLag> event_lag_rows(const ResultSet& result);

}  // namespace workitem::detail
