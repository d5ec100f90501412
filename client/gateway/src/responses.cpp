#include "responses.hpp"

#include "item_json.hpp"

namespace workitem::gateway {

namespace {

Response answer(unsigned version, bool keep_alive, int status, std::string content_type,
                std::string body) {
    Response response{static_cast<http::status>(status), version};
    response.set(http::field::server, "workitem-gateway");
    response.set(http::field::content_type, content_type);
    response.set(http::field::cache_control, "no-store");
    response.keep_alive(keep_alive);
    response.body() = std::move(body);
    return response;
}

void add_problem_headers(Response& response, const Problem& problem) {
    if (problem.retry_after)
        response.set(http::field::retry_after, std::to_string(*problem.retry_after));
    if (!problem.allow.empty()) response.set(http::field::allow, problem.allow);
    if (problem.status == 401) {
        // RFC 6750 §3: error="invalid_token" only when a credential was sent.
        response.set(http::field::www_authenticate,
                     problem.invalid_credential
                         ? R"(Bearer realm="workitem", error="invalid_token")"
                         : R"(Bearer realm="workitem")");
    }
}

}  // namespace

Response json_response(const Request& request, int status, const nlohmann::json& body) {
    return answer(request.version(), request.keep_alive(), status, "application/json",
                  body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

Response no_content_response(const Request& request) {
    Response response{http::status::no_content, request.version()};
    response.keep_alive(request.keep_alive());
    return response;
}

Response file_response(const Request& request, std::string_view content_type, std::string body) {
    auto response = answer(request.version(), request.keep_alive(), 200, std::string(content_type),
                           std::move(body));
    response.set(http::field::cache_control, "no-cache");
    return response;
}

Response problem_response(const Request& request, const Problem& problem) {
    auto response =
        answer(request.version(), request.keep_alive(), problem.status, "application/problem+json",
               to_json(problem).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    add_problem_headers(response, problem);
    return response;
}

Response problem_response(const Problem& problem) {
    auto response =
        answer(11, false, problem.status, "application/problem+json",
               to_json(problem).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    add_problem_headers(response, problem);
    return response;
}

Response item_response(const Request& request, int status, const workitem::Item& item) {
    auto response = json_response(request, status, item_json(item));
    response.set(http::field::etag, entity_tag(item));
    return response;
}

}  // namespace workitem::gateway
