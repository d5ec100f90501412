// Every route the router serves, given malformed bodies and query strings: the answer is a 4xx
// problem, never a 5xx or a dropped connection (the issue's fuzz pass, over the routes of this
// slice; bodies are refused before the database is called).
#include "http_fixture.hpp"

#include <regex>

namespace workitem::gateway {
namespace {

using namespace http_testing;

// The route's template with every capture filled: ids with 1, names with a name.
std::string concrete(const std::string& route_template) {
    static const std::regex id_capture(R"(\{(id|batchId)\})");
    static const std::regex any_capture(R"(\{[A-Za-z]+\})");
    return std::regex_replace(std::regex_replace(route_template, id_capture, "1"), any_capture,
                              "fuzz");
}

TEST_F(GatewayOverHttp, MalformedRequestsToEveryRouteAreRefusedWith4xx) {
    std::string nested;
    for (int i = 0; i < 200; ++i) nested += "{\"a\":";
    nested += "1";
    for (int i = 0; i < 200; ++i) nested += "}";
    const std::vector<std::string> bodies{
        "{",
        "[]",
        "null",
        R"({"zzz": 1})",
        R"({"operation": 1, "ids": "x", "items": {}, "outcomes": 7, "users": null})",
        R"({"zzz": 1e400})",
        R"({"zzz": -99999999999999999999999999})",
        "{\"zzz\": \"\xff\xfe\"}",
        nested,
        // Deeper than any stack would hold if parsing recursed: refused at level 65.
        "{\"zzz\": " + std::string(60000, '['),
        "{\"zzz\": " + std::string(30000, '[') + std::string(30000, ']') + "}",
        "{\"zzz\": " + std::string(30000, '{') + "}",
    };
    const auto boss = token("boss", "admin");
    int requests = 0;
    for (const auto& [method, route] : gateway_->routes()) {
        if (route == "/livez" || route == "/readyz") continue;
        const auto target = concrete(route);
        for (const auto& body : bodies) {
            if (method == "GET" || method == "DELETE") break;
            const auto answer =
                send({.method = method, .target = target, .body = body, .bearer = boss});
            ++requests;
            EXPECT_GE(answer.status, 400) << method << ' ' << target << ' ' << body;
            EXPECT_LT(answer.status, 500)
                << method << ' ' << target << ' ' << body << ' ' << answer.body;
        }
        for (const std::string query : {"?%zz", "?after=%ff%fe", "?limit=-1", "?zzz"}) {
            const auto answer = send({.method = method, .target = target + query, .bearer = boss});
            ++requests;
            EXPECT_GE(answer.status, 400) << method << ' ' << target << query;
            EXPECT_LT(answer.status, 500) << method << ' ' << target << query << ' ' << answer.body;
        }
    }
    EXPECT_GT(requests, 300);
}

// The issue's "deeply nested JSON": 100,000 opening brackets. Within the body limit they are
// 400 malformed_json, decided at the 65th; over it, 413 before a byte of the body is read.
TEST_F(GatewayOverHttp, DeeplyNestedBodiesAre400AndNeverACrash) {
    const auto boss = token("boss", "admin");
    const std::string deep = std::string(body_limit - 10, '[');
    auto answer =
        send({.method = "POST", .target = "/api/v1/workitems", .body = deep, .bearer = boss});
    expect_problem(answer, 400);
    EXPECT_EQ(answer.document()["code"], "malformed_json");
    EXPECT_NE(answer.document()["detail"].get<std::string>().find("deeper than 64"),
              std::string::npos);
    answer = send({.method = "POST",
                   .target = "/api/v1/workitems",
                   .body = std::string(100000, '['),
                   .bearer = boss});
    expect_problem(answer, 413);
    // The gateway is still there.
    EXPECT_EQ(send({.target = "/livez"}).status, 200);
}

}  // namespace
}  // namespace workitem::gateway
