// Building answers: JSON documents, problem documents (with the headers their status asks for:
// Retry-After, Allow, WWW-Authenticate) and items with their ETag.
#pragma once

#include "http_types.hpp"
#include "problem.hpp"

#include <workitem/types.hpp>

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace workitem::gateway {

// An answer to `request` (its HTTP version and keep-alive).
Response json_response(const Request& request, int status, const nlohmann::json& body);
Response problem_response(const Request& request, const Problem& problem);
// 204, no body.
Response no_content_response(const Request& request);
// A static file (the task inbox, ui_routes.cpp): its media type, revalidated at every use.
Response file_response(const Request& request, std::string_view content_type, std::string body);
// The item with its ETag.
Response item_response(const Request& request, int status, const workitem::Item& item);

// An answer for a request that could not be read (HTTP/1.1, connection closed).
Response problem_response(const Problem& problem);

}  // namespace workitem::gateway
