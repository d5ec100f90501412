// What the route handlers share: the caller, path captures, the read-as rule and the opaque
// paging cursor. Each handler decodes, calls the database through libworkitem, and encodes.
#pragma once

#include "query.hpp"
#include "routes.hpp"

#include <workitem/commands.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace workitem::gateway {

// The contract's bounds (openapi.yaml: LeaseSeconds, ClaimNextRequest, BatchIds, Limit); the
// database has its own, tighter ones (workitem.max_batch_size), and answers WI422 beyond them.
inline constexpr std::int64_t max_lease_seconds = 31622400;
inline constexpr std::int64_t max_batch_items = 10000;
inline constexpr std::int64_t max_page_size = 1000;
inline constexpr std::int64_t default_page_size = 100;

// Every route but the probes needs a credential.
const Identity& caller(const Call& call);

// A positive integer path capture ({id}, {batchId}); 400 otherwise.
std::int64_t positive_capture(const Call& call, const std::string& name);
// A name path capture ({workflowId}, {userId}...), percent-decoded.
std::string name_capture(const Call& call, const std::string& name);

// Reads are made as the caller, so a user sees only what it may see. A service key reads with
// no actor: its whole tenant, as the service it is (the gateway's design notes, on identity).
std::optional<std::string> read_actor(const Identity& who);

std::optional<int> optional_int(std::optional<std::int64_t> value);

// Keyset paging: a page asks the database for one row more than `limit` (rows_to_ask), so that
// `next` is null exactly on the last page (openapi.yaml, Cursor); otherwise it is the last
// row's key, base64url-encoded (opaque to the caller). A cursor that does not decode is 400.
std::string encode_cursor(std::string_view key);
std::string decode_cursor(const std::string& cursor);
// The `after` query parameter, decoded (nullopt when absent).
std::optional<std::string> after_key(QueryParameters& query);
// The `after` query parameter of a page keyed on an item id.
std::optional<std::int64_t> after_id(QueryParameters& query);

inline int rows_to_ask(std::int64_t limit) {
    return static_cast<int>(limit + 1);
}

// {"items": at most limit rows as to_json makes them, "next": cursor or null}.
template <class Rows, class KeyOf, class ToJson>
nlohmann::json page(const Rows& rows, std::int64_t limit, KeyOf key_of, ToJson to_json) {
    const auto size = static_cast<std::size_t>(limit);
    nlohmann::json items = nlohmann::json::array();
    for (std::size_t i = 0; i < rows.size() && i < size; ++i) items.push_back(to_json(rows[i]));
    nlohmann::json next = nullptr;
    if (rows.size() > size) next = encode_cursor(key_of(rows[size - 1]));
    return nlohmann::json{{"items", std::move(items)}, {"next", std::move(next)}};
}

// The business-data filters of the list, count and worklist queries (docs/search.md): JSON
// documents at most 8 KiB that parse (the database's bound), a path at most 4096 bytes (the
// database refuses one over 1024 characters). 400 otherwise.
inline constexpr std::size_t max_search_document_bytes = 8192;
inline constexpr std::size_t max_search_path_bytes = 4096;
template <class Filter>
void read_input_filters(QueryParameters& query, Filter& filter) {
    filter.input_contains = query.json_text("input_contains", max_search_document_bytes);
    filter.input_path = query.text("input_path", max_search_path_bytes);
    filter.fields = query.json_text("fields", max_search_document_bytes);
}

// The worklist's query (queue, limit, input filters), for the worklist and its stream; 400 for
// any other.
workitem::WorklistOptions worklist_options(const Request& request);

// Timestamps of rows read with Tx::exec, as the contract writes them (RFC 3339, UTC).
nlohmann::json time_or_null(const std::optional<workitem::Timestamp>& time);

}  // namespace workitem::gateway
