// The request headers that become arguments of a call: If-Match (expected_version) and
// Idempotency-Key (idempotency_key). Malformed values are 400, decided before the database.
#pragma once

#include "http_types.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace workitem::gateway {

// If-Match: absent or "*" -> nullopt (unchecked); "3" -> 3. A weak tag (W/"3") never matches
// under RFC 9110's strong comparison: 412 without calling the database. Anything else is 400.
std::optional<std::int64_t> expected_version(const Request& request);

// Idempotency-Key: 1 to 255 visible ASCII characters, passed to the call's idempotency_key.
std::optional<std::string> idempotency_key(const Request& request);

// traceparent (W3C Trace Context, version 00: 00-<32 hex>-<16 hex>-<2 hex>, ids not all zero):
// the header as sent; "" when absent or malformed (the trace starts anew, as the standard asks;
// never a 400).
std::string trace_context(const Request& request);

// If-None-Match naming this entity tag (or *): a GET may answer 304.
bool if_none_match_hits(const Request& request, const std::string& tag);

}  // namespace workitem::gateway
