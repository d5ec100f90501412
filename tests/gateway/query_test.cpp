// Reading the query string, path captures and paging cursors; the batch forms' array fields of
// a body. No database: every refusal here is decided before a call.
#include "problem.hpp"
#include "query.hpp"
#include "request_body.hpp"
#include "route_support.hpp"

#include <gtest/gtest.h>

namespace workitem::gateway {
namespace {

Request get(std::string target) {
    return Request{http::verb::get, target, 11};
}

template <class Fn>
Problem problem_of(Fn&& fn) {
    try {
        fn();
    } catch (const ProblemError& error) {
        return error.problem();
    }
    ADD_FAILURE() << "no problem thrown";
    return {};
}

TEST(GatewayQuery, ReadsPercentDecodedParametersOfEachType) {
    auto query = QueryParameters::parse(
        get("/api/v1/workitems?queue=in%20voices&state=OFFERED&limit=20&due_before=2030-01-02T03:"
            "04:05Z&min_priority=-3"));
    EXPECT_EQ(query.text("queue"), "in voices");
    EXPECT_EQ(query.state("state"), workitem::State::offered);
    EXPECT_EQ(query.integer("limit", 1, 1000), 20);
    EXPECT_TRUE(query.timestamp("due_before").has_value());
    EXPECT_EQ(query.integer("min_priority", -10, 10), -3);
    EXPECT_EQ(query.text("owner"), std::nullopt);
    EXPECT_NO_THROW(query.refuse_unknown());
}

TEST(GatewayQuery, RefusesBadValuesRepeatsAndUnknownParameters) {
    EXPECT_EQ(problem_of([] { QueryParameters::parse(get("/x?a=1&a=2")); }).status, 400);
    auto query = QueryParameters::parse(get("/x?limit=0&state=asleep&queue=&when=soon&n=1x"));
    EXPECT_EQ(problem_of([&] { query.integer("limit", 1, 1000); }).code, "invalid_parameter");
    EXPECT_EQ(problem_of([&] { query.state("state"); }).code, "invalid_parameter");
    EXPECT_EQ(problem_of([&] { query.text("queue"); }).code, "invalid_parameter");
    EXPECT_EQ(problem_of([&] { query.timestamp("when"); }).code, "invalid_parameter");
    EXPECT_EQ(problem_of([&] { query.integer("n", 0, 9); }).code, "invalid_parameter");
    auto unknown = QueryParameters::parse(get("/x?limit=5&colour=red"));
    unknown.integer("limit", 1, 1000);
    const auto refused = problem_of([&] { unknown.refuse_unknown(); });
    EXPECT_EQ(refused.code, "unknown_parameter");
    EXPECT_NE(refused.detail.find("colour"), std::string::npos);
}

TEST(GatewayQuery, PathCapturesArePercentDecoded) {
    EXPECT_EQ(decoded_segment("workflowId", "wf%2F7%20a"), "wf/7 a");
    EXPECT_EQ(problem_of([] { decoded_segment("workflowId", "%ZZ"); }).status, 400);
    EXPECT_EQ(problem_of([] { decoded_segment("userId", std::string(1001, 'u')); }).status, 400);
}

TEST(GatewayCursor, RoundTripsAnyKeyAndRefusesGarbage) {
    for (const std::string key : {"1", "42", "9223372036854775807", "ann", "wf/ä ö?&=", "ab"}) {
        const auto cursor = encode_cursor(key);
        EXPECT_EQ(cursor.find_first_not_of(
                      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
                  std::string::npos)
            << cursor;
        EXPECT_EQ(decode_cursor(cursor), key);
    }
    for (const std::string& bad :
         std::vector<std::string>{"", "!!", "a", "ab=", "a+b/", std::string(1401, 'A')}) {
        EXPECT_EQ(problem_of([&] { decode_cursor(bad); }).status, 400) << bad;
    }
}

TEST(GatewayCursor, APageIsFullOnlyWhenTheDatabaseHadMore) {
    const std::vector<int> rows{1, 2, 3};
    const auto key = [](int row) { return std::to_string(row); };
    const auto to_json = [](int row) { return nlohmann::json(row); };
    const auto more = page(rows, 2, key, to_json);
    EXPECT_EQ(more["items"], nlohmann::json::array({1, 2}));
    EXPECT_EQ(decode_cursor(more["next"].get<std::string>()), "2");
    const auto last = page(rows, 3, key, to_json);
    EXPECT_EQ(last["items"].size(), 3u);
    EXPECT_TRUE(last["next"].is_null());
}

Request post(std::string body) {
    Request request{http::verb::post, "/api/v1/workitems:batch", 11};
    request.set(http::field::content_type, "application/json");
    request.body() = std::move(body);
    return request;
}

TEST(GatewayRequestBody, ReadsTheBatchFormsArrays) {
    auto body = RequestBody::parse(
        post(R"({"ids": [3, 1], "expected_versions": [2, null], "groups": ["a", "b"]})"), true);
    EXPECT_EQ(body.ids("ids"), (std::vector<std::int64_t>{3, 1}));
    EXPECT_EQ(body.versions("expected_versions"),
              (std::vector<std::optional<std::int64_t>>{2, std::nullopt}));
    EXPECT_EQ(body.names("groups", 10), (std::vector<std::string>{"a", "b"}));
    EXPECT_NO_THROW(body.refuse_unknown_fields());

    for (const std::string bad :
         {R"({"ids": []})", R"({"ids": [1, 1]})", R"({"ids": [0]})", R"({"ids": ["1"]})",
          R"({"ids": 1})", R"({})", R"({"ids": [18446744073709551615]})"}) {
        auto refused = RequestBody::parse(post(bad), true);
        EXPECT_EQ(problem_of([&] { refused.ids("ids"); }).status, 400) << bad;
    }
    auto versions = RequestBody::parse(post(R"({"v": [0]})"), true);
    EXPECT_EQ(problem_of([&] { versions.versions("v"); }).status, 400);
    auto names = RequestBody::parse(post(R"({"g": ["a", "b", "c"]})"), true);
    EXPECT_EQ(problem_of([&] { names.names("g", 2); }).status, 400);
}

TEST(GatewayRequestBody, AnElementNamesItsPlaceInTheProblems) {
    const auto document = nlohmann::json::parse(R"({"task_name": 7, "colour": "red"})");
    auto element = RequestBody::element(document, "items[2]");
    const auto wrong = problem_of([&] { element.text("task_name"); });
    EXPECT_NE(wrong.detail.find("items[2].task_name"), std::string::npos) << wrong.detail;
    const auto unknown = problem_of([&] { element.refuse_unknown_fields(); });
    EXPECT_NE(unknown.detail.find("items[2].colour"), std::string::npos) << unknown.detail;
    EXPECT_EQ(problem_of([] { RequestBody::element(nlohmann::json(1), "items[0]"); }).status, 400);
}

}  // namespace
}  // namespace workitem::gateway
