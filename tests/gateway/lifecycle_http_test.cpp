// The per-item operations and PATCH over HTTP: each route calls its SQL function as the
// caller, and the database's refusals come back with their status and SQLSTATE.
#include "http_fixture.hpp"

namespace workitem::gateway {
namespace {

using namespace http_testing;

json offered_to(const std::vector<std::string>& users, bool skippable = false) {
    return json{{"workflow_id", unique("wf")},
                {"task_name", "Review"},
                {"queue", unique("queue")},
                {"skippable", skippable},
                {"assignment", {{"potential_owners", {{"users", users}}}}}};
}

TEST_F(GatewayOverHttp, EveryPerItemOperation) {
    const auto item = create(offered_to({"ann", "bob"}));
    const auto path = path_of(item);
    const auto ann = token("ann", "user");
    const auto bob = token("bob", "user");
    const auto boss = token("boss", "admin");
    const auto act = [&](const std::string& operation, const std::string& bearer,
                         const json& body = nullptr) {
        const auto answer = send({.method = "POST",
                                  .target = path + "/" + operation,
                                  .body = body.is_null() ? std::string() : body.dump(),
                                  .bearer = bearer});
        EXPECT_EQ(answer.status, 200) << operation << ": " << answer.body;
        return answer.status == 200 ? answer.document() : json::object();
    };

    auto now = act("allocate", boss, {{"to_user", "ann"}});
    EXPECT_EQ(now["state"], "allocated");
    EXPECT_EQ(now["owner"], "ann");
    EXPECT_EQ(act("start", ann)["state"], "started");
    EXPECT_EQ(act("suspend", ann, json::object())["state"], "suspended");
    EXPECT_EQ(act("resume", ann)["state"], "started");
    EXPECT_EQ(act("save-output", ann, {{"output", {{"draft", 1}}}})["output"],
              (json{{"draft", 1}}));
    EXPECT_FALSE(act("heartbeat", ann, {{"lease_seconds", 60}})["lease_until"].is_null());
    EXPECT_EQ(act("stop", ann)["state"], "allocated");
    now = act("delegate", ann, {{"to_user", "bob"}});
    EXPECT_EQ(now["owner"], "bob");
    EXPECT_EQ(now["delegated_from"], "ann");
    EXPECT_EQ(act("resolve", bob)["owner"], "ann");
    now = act("forward", ann, {{"assignment", {{"potential_owners", {{"users", {"carl"}}}}}}});
    EXPECT_EQ(now["state"], "offered");
    now = act("mark-error", boss, {{"fault", {{"code", "E1"}}}});
    EXPECT_EQ(now["state"], "error");
    EXPECT_EQ(now["fault"], (json{{"code", "E1"}}));

    const auto skippable = create(offered_to({"ann"}, true));
    const auto skipped =
        send({.method = "POST", .target = path_of(skippable) + "/skip", .bearer = boss});
    ASSERT_EQ(skipped.status, 200) << skipped.body;
    EXPECT_EQ(skipped.document()["state"], "skipped");

    const auto cancelled = send({.method = "POST",
                                 .target = path_of(create(offered_to({"ann"}))) + "/cancel",
                                 .body = R"({"reason": "duplicate"})",
                                 .bearer = boss});
    ASSERT_EQ(cancelled.status, 200) << cancelled.body;
    EXPECT_EQ(cancelled.document()["state"], "cancelled");
}

TEST_F(GatewayOverHttp, PatchUpdatesWithIfMatch) {
    const auto item = create(offered_to({"ann"}));
    const auto path = path_of(item);
    const auto boss = token("boss", "admin");
    const auto updated = send({.method = "PATCH",
                               .target = path,
                               .body = R"({"priority": 7, "input": {"page": 2}})",
                               .bearer = boss,
                               .headers = {{"If-Match", etag(item)}}});
    ASSERT_EQ(updated.status, 200) << updated.body;
    EXPECT_EQ(updated.document()["priority"], 7);
    EXPECT_EQ(updated.document()["input"], (json{{"page", 2}}));
    EXPECT_EQ(updated.header("ETag"), etag(updated.document()));
    // The version before the update is stale now: the database's WI412.
    expect_problem(send({.method = "PATCH",
                         .target = path,
                         .body = R"({"priority": 8})",
                         .bearer = boss,
                         .headers = {{"If-Match", etag(item)}}}),
                   412, "WI412");
    // A user may not update (the database decides).
    expect_problem(send({.method = "PATCH",
                         .target = path,
                         .body = R"({"priority": 9})",
                         .bearer = token("ann", "user")}),
                   403, "WI403");
}

TEST_F(GatewayOverHttp, OperationRefusals) {
    const auto item = create(offered_to({"ann"}));
    const auto path = path_of(item);
    const auto ann = token("ann", "user");
    const auto boss = token("boss", "admin");
    // Not in a state the operation takes: the database's WI409.
    expect_problem(send({.method = "POST", .target = path + "/stop", .bearer = ann}), 409, "WI409");
    expect_problem(send({.method = "POST", .target = path + "/resume", .bearer = boss}), 409,
                   "WI409");
    // Not the owner's to save.
    expect_problem(send({.method = "POST",
                         .target = path + "/save-output",
                         .body = R"({"output": {}})",
                         .bearer = token("zed", "user")}),
                   404, "WI404");
    // Bodies that do not match the contract's shapes are 400 before the database.
    const std::vector<std::pair<std::string, std::string>> bad{
        {"allocate", "{}"},
        {"allocate", R"({"to_user": 7})"},
        {"delegate", R"({"to": "bob"})"},
        {"forward", R"({"assignment": "ann"})"},
        {"suspend", R"({"until": "tomorrow"})"},
        {"save-output", "{}"},
        {"save-output", R"({"output": null})"},
        {"heartbeat", R"({"lease_seconds": 0})"},
        {"cancel", R"({"reason": 1})"},
        {"start", R"({"now": true})"},
        {"complete", "[1]"},
    };
    for (const auto& [operation, body] : bad) {
        expect_problem(
            send(
                {.method = "POST", .target = path + "/" + operation, .body = body, .bearer = boss}),
            400);
    }
    expect_problem(send({.method = "PATCH", .target = path, .body = "{}", .bearer = boss}), 400);
    expect_problem(send({.method = "PATCH", .target = path, .bearer = boss}), 400);
    expect_problem(
        send({.method = "PATCH", .target = path, .body = R"({"state": "done"})", .bearer = boss}),
        400);
    expect_problem(send({.method = "POST", .target = "/api/v1/workitems/x/stop", .bearer = ann}),
                   400);
    // Untouched by all of it.
    EXPECT_EQ(send({.target = path, .bearer = boss}).document()["version"], item["version"]);
}

}  // namespace
}  // namespace workitem::gateway
