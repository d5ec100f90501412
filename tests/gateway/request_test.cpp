// Reading a request: its JSON body field by field and the headers that become call arguments.
#include "problem.hpp"
#include "request_body.hpp"
#include "request_headers.hpp"

#include <gtest/gtest.h>

namespace workitem::gateway {
namespace {

Request json_request(std::string body, std::string content_type = "application/json") {
    Request request{http::verb::post, "/api/v1/workitems", 11};
    if (!content_type.empty()) request.set(http::field::content_type, content_type);
    request.body() = std::move(body);
    return request;
}

// The problem a call throws, or a failed test when it throws none.
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

TEST(GatewayRequestBody, ReadsFieldsOfEachType) {
    auto body = RequestBody::parse(
        json_request(R"({"queue": "q", "max_items": 3, "skippable": true, "input": {"a": [1]},
                        "due_at": "2030-01-02T03:04:05Z", "output": null})"),
        true);
    EXPECT_EQ(body.text("queue"), "q");
    EXPECT_EQ(body.integer("max_items", 1, 10), 3);
    EXPECT_EQ(body.boolean("skippable"), true);
    EXPECT_EQ(body.document("input"), R"({"a":[1]})");
    EXPECT_TRUE(body.timestamp("due_at").has_value());
    EXPECT_EQ(body.document("output"), std::nullopt);
    EXPECT_EQ(body.text("absent"), std::nullopt);
    EXPECT_NO_THROW(body.refuse_unknown_fields());
}

TEST(GatewayRequestBody, RefusesWhatItCannotRead) {
    EXPECT_EQ(problem_of([] { RequestBody::parse(json_request("{\"a\": "), true); }).code,
              "malformed_json");
    EXPECT_EQ(problem_of([] { RequestBody::parse(json_request("[1]"), true); }).status, 400);
    // A number no double holds is nlohmann's out_of_range, not a parse error: 400 all the same.
    EXPECT_EQ(problem_of([] { RequestBody::parse(json_request(R"({"a": 1e400})"), true); }).code,
              "malformed_json");
    EXPECT_EQ(problem_of([] { RequestBody::parse(json_request("{}", "text/plain"), true); }).status,
              415);
    EXPECT_EQ(problem_of([] { RequestBody::parse(json_request("{}", ""), true); }).status, 415);
    EXPECT_EQ(problem_of([] {
                  RequestBody::parse(json_request("{}", "application/json; charset=latin1"), true);
              }).status,
              415);
    EXPECT_NO_THROW(
        RequestBody::parse(json_request("{}", "Application/JSON; charset=UTF-8"), true));
    EXPECT_EQ(problem_of([] { RequestBody::parse(json_request(""), true); }).code, "body_required");
    EXPECT_NO_THROW(RequestBody::parse(json_request("", ""), false));
}

// Nesting is bounded while parsing: 64 levels pass, 65 do not, and a million opening brackets
// are refused at the 65th (no stack is spent on the rest).
TEST(GatewayRequestBody, RefusesNestingDeeperThan64) {
    const auto nested = [](int levels) {
        std::string text = "{\"a\": ";
        for (int i = 1; i < levels - 1; ++i) text += "[";
        text += levels > 1 ? "{}" : "1";
        for (int i = 1; i < levels - 1; ++i) text += "]";
        return text + "}";
    };
    EXPECT_NO_THROW(RequestBody::parse(json_request(nested(64)), true));
    const auto refused = problem_of([&] { RequestBody::parse(json_request(nested(65)), true); });
    EXPECT_EQ(refused.status, 400);
    EXPECT_EQ(refused.code, "malformed_json");
    EXPECT_NE(refused.detail.find("deeper than 64"), std::string::npos) << refused.detail;
    EXPECT_EQ(problem_of([] {
                  RequestBody::parse(json_request("{\"a\": " + std::string(1000000, '[')), true);
              }).code,
              "malformed_json");
    // Invalid UTF-8 and numbers out of range stay 400 too.
    EXPECT_EQ(
        problem_of([] { RequestBody::parse(json_request("{\"a\": \"\xff\xfe\"}"), true); }).status,
        400);
    EXPECT_EQ(problem_of([] { RequestBody::parse(json_request(R"({"a": -1e999})"), true); }).status,
              400);
}

TEST(GatewayRequestBody, RefusesWrongTypesAndUnknownFields) {
    auto body =
        RequestBody::parse(json_request(R"({"queue": 1, "max_items": 0, "extra": 1})"), true);
    EXPECT_EQ(problem_of([&] { body.text("queue"); }).code, "invalid_field");
    EXPECT_EQ(problem_of([&] { body.integer("max_items", 1, 10); }).code, "invalid_field");
    EXPECT_EQ(problem_of([&] { body.refuse_unknown_fields(); }).detail, "unknown field extra");
    auto huge =
        RequestBody::parse(json_request(R"({"n": 18446744073709551615, "t": "soon"})"), true);
    EXPECT_EQ(problem_of([&] { huge.integer("n", 1, 10); }).status, 400);
    EXPECT_EQ(problem_of([&] { huge.timestamp("t"); }).status, 400);
}

TEST(GatewayRequestHeaders, IfMatchIsTheExpectedVersion) {
    Request request{http::verb::post, "/", 11};
    EXPECT_EQ(expected_version(request), std::nullopt);
    request.set(http::field::if_match, "\"7\"");
    EXPECT_EQ(expected_version(request), 7);
    request.set(http::field::if_match, "*");
    EXPECT_EQ(expected_version(request), std::nullopt);
    request.set(http::field::if_match, "W/\"7\"");
    EXPECT_EQ(problem_of([&] { expected_version(request); }).status, 412);
    for (const char* malformed : {"7", "\"\"", "\"x\"", "\"-1\"", "\"99999999999999999999\""}) {
        request.set(http::field::if_match, malformed);
        EXPECT_EQ(problem_of([&] { expected_version(request); }).status, 400) << malformed;
    }
}

TEST(GatewayRequestHeaders, IdempotencyKeysAreVisibleAscii) {
    Request request{http::verb::post, "/", 11};
    EXPECT_EQ(idempotency_key(request), std::nullopt);
    request.set("Idempotency-Key", "order-17/attempt");
    EXPECT_EQ(idempotency_key(request), "order-17/attempt");
    request.set("Idempotency-Key", std::string(256, 'k'));
    EXPECT_EQ(problem_of([&] { idempotency_key(request); }).status, 400);
    request.set("Idempotency-Key", "with space");
    EXPECT_EQ(problem_of([&] { idempotency_key(request); }).status, 400);
}

TEST(GatewayRequestHeaders, IfNoneMatchComparesWeakly) {
    Request request{http::verb::get, "/", 11};
    EXPECT_FALSE(if_none_match_hits(request, "\"3\""));
    request.set(http::field::if_none_match, "\"2\", W/\"3\"");
    EXPECT_TRUE(if_none_match_hits(request, "\"3\""));
    EXPECT_FALSE(if_none_match_hits(request, "\"4\""));
}

TEST(GatewayRequestHeaders, TraceparentIsPassedOnOnlyWhenWellFormed) {
    const std::string valid = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    auto with = [](std::string value) {
        Request request{http::verb::get, "/", 11};
        request.set("traceparent", value);
        return request;
    };
    EXPECT_EQ(trace_context(with(valid)), valid);
    EXPECT_EQ(trace_context(Request{http::verb::get, "/", 11}), "");
    for (const std::string bad :
         {"01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",  // another version
          "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",  // upper case
          "00-00000000000000000000000000000000-00f067aa0ba902b7-01",  // trace id all zero
          "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",  // parent id all zero
          "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra", "garbage",
          "00-4bf92f3577b34da6a3ce929d0e0e4736x00f067aa0ba902b7-01"}) {
        EXPECT_EQ(trace_context(with(bad)), "") << bad;
    }
}

}  // namespace
}  // namespace workitem::gateway
