// The task inbox (docs/tasklist.md) under /ui/: its static files, public (the page asks for a
// token and sends it with every API call), with headers that keep it to its own origin.
#include "problem.hpp"
#include "responses.hpp"
#include "routes.hpp"
#include "ui_files.hpp"

namespace workitem::gateway {
namespace {

// Scripts, styles and API calls from this origin only; never framed (clickjacking).
constexpr const char* content_security_policy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'";

Response serve(const Call& call, const UiFiles& files, std::string_view name) {
    if (files.empty()) {
        throw_problem(404, "not_configured", "no task inbox is configured (ui-dir)");
    }
    const auto found = files.find(name);
    if (found == files.end()) throw_problem(404, "not_found", "no such file of the task inbox");
    auto response = file_response(call.request, found->second.content_type, found->second.body);
    response.set("Content-Security-Policy", content_security_policy);
    response.set("X-Content-Type-Options", "nosniff");
    response.set("X-Frame-Options", "DENY");
    response.set("Referrer-Policy", "no-referrer");
    return response;
}

}  // namespace

void add_ui_routes(GatewayRouter& router, const UiFiles& files) {
    const auto page = [&files](Call& call) { return serve(call, files, "index.html"); };
    router.add(
        "GET", "/ui",
        Route{.handler =
                  [](Call& call) {
                      Response moved{http::status::permanent_redirect, call.request.version()};
                      moved.set(http::field::location, "/ui/");
                      moved.keep_alive(call.request.keep_alive());
                      return moved;
                  },
              .needs_credential = false,
              .uses_database = false});
    router.add("GET", "/ui/",
               Route{.handler = page, .needs_credential = false, .uses_database = false});
    router.add(
        "GET", "/ui/{file}",
        Route{.handler =
                  [&files](Call& call) { return serve(call, files, call.parameters.at("file")); },
              .needs_credential = false,
              .uses_database = false});
}

}  // namespace workitem::gateway
