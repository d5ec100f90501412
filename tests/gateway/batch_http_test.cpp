// The batch routes over HTTP: :batch (one row per id, refused rows carry their own status),
// :batch-create, acknowledge-and-claim-next and the cancel of a workflow.
#include "http_fixture.hpp"

namespace workitem::gateway {
namespace {

using namespace http_testing;

TEST_F(GatewayOverHttp, BatchAnswersEveryIdInItsRow) {
    const auto queue = unique("queue");
    const auto first = create_item(queue);
    const auto second = create_item(queue);
    const auto ann = token("ann", "user");
    const auto answer = send({.method = "POST",
                              .target = "/api/v1/workitems:batch",
                              .body = json{{"operation", "claim"},
                                           {"ids", {first["id"], second["id"], 999999999}},
                                           {"lease_seconds", 120}}
                                          .dump(),
                              .bearer = ann});
    ASSERT_EQ(answer.status, 200) << answer.body;
    const auto rows = answer.document()["results"];
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_TRUE(rows[0]["ok"]);
    EXPECT_EQ(rows[0]["item"]["owner"], "ann");
    EXPECT_TRUE(rows[0]["sqlstate"].is_null());
    EXPECT_TRUE(rows[1]["ok"]);
    EXPECT_FALSE(rows[2]["ok"]);
    EXPECT_EQ(rows[2]["id"], 999999999);
    EXPECT_EQ(rows[2]["sqlstate"], "WI404");
    EXPECT_EQ(rows[2]["status"], 404);
    EXPECT_EQ(rows[2]["code"], "not_found");
    EXPECT_TRUE(rows[2]["item"].is_null());

    // Complete both with expected versions: the stale one is refused in its row.
    const auto completed =
        send({.method = "POST",
              .target = "/api/v1/workitems:batch",
              .body = json{{"operation", "complete"},
                           {"ids", {first["id"], second["id"]}},
                           {"expected_versions", {rows[0]["item"]["version"], 1}},
                           {"output", {{"ok", true}}}}
                          .dump(),
              .bearer = ann});
    ASSERT_EQ(completed.status, 200) << completed.body;
    const auto outcome = completed.document()["results"];
    EXPECT_EQ(outcome[0]["item"]["state"], "completed");
    EXPECT_EQ(outcome[1]["status"], 412);
    EXPECT_EQ(outcome[1]["sqlstate"], "WI412");

    // Another tenant's ids are not found, row by row.
    const auto other =
        send({.method = "POST",
              .target = "/api/v1/workitems:batch",
              .body = json{{"operation", "heartbeat"}, {"ids", {second["id"]}}}.dump(),
              .bearer = token("ann", "user", "globex")});
    ASSERT_EQ(other.status, 200) << other.body;
    EXPECT_EQ(other.document()["results"][0]["sqlstate"], "WI404");
}

TEST_F(GatewayOverHttp, BatchRefusesBadBodies) {
    const auto boss = token("boss", "admin");
    for (const std::string body :
         {R"({"operation": "fly", "ids": [1]})", R"({"operation": "claim", "ids": []})",
          R"({"operation": "claim", "ids": [1, 1]})", R"({"operation": "claim", "ids": [0]})",
          R"({"operation": "claim"})", R"({"ids": [1]})",
          R"({"operation": "allocate", "ids": [1]})",
          R"({"operation": "heartbeat", "ids": [1], "expected_versions": [1]})",
          R"({"operation": "claim", "ids": [1], "expected_versions": ["1"]})",
          R"({"operation": "start", "ids": [1], "lease_seconds": 5})"}) {
        expect_problem(send({.method = "POST",
                             .target = "/api/v1/workitems:batch",
                             .body = body,
                             .bearer = boss}),
                       400);
    }
    // One version per id, or none: the SDK refuses other counts before sending.
    expect_problem(
        send({.method = "POST",
              .target = "/api/v1/workitems:batch",
              .body = R"({"operation": "start", "ids": [1, 2], "expected_versions": [1]})",
              .bearer = boss}),
        400);
}

TEST_F(GatewayOverHttp, BatchCreate) {
    const auto queue = unique("queue");
    const auto answer =
        send({.method = "POST",
              .target = "/api/v1/workitems:batch-create",
              .body = json{{"items",
                            {{{"workflow_id", unique("wf")}, {"task_name", "A"}, {"queue", queue}},
                             {{"workflow_id", unique("wf")},
                              {"task_name", "B"},
                              {"assignment", {{"potential_owner", "ann"}}}}}}}
                          .dump(),
              .bearer = token("boss", "admin")});
    ASSERT_EQ(answer.status, 200) << answer.body;
    const auto rows = answer.document()["results"];
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0]["element"], 1);
    EXPECT_TRUE(rows[0]["ok"]);
    EXPECT_EQ(rows[0]["id"], rows[0]["item"]["id"]);
    EXPECT_EQ(rows[0]["item"]["queue"], queue);
    EXPECT_FALSE(rows[1]["ok"]);
    EXPECT_EQ(rows[1]["status"], 422);
    EXPECT_EQ(rows[1]["sqlstate"], "WI422");

    for (const std::string body :
         {R"({"items": []})", R"({"items": [1]})", R"({"items": [{"task_name": "A"}]})",
          R"({"items": [{"workflow_id": "w", "task_name": "A", "x": 1}]})", R"({"things": []})"}) {
        expect_problem(send({.method = "POST",
                             .target = "/api/v1/workitems:batch-create",
                             .body = body,
                             .bearer = token("boss", "admin")}),
                       400);
    }
    // A user may not create: the whole call is the database's WI403.
    expect_problem(send({.method = "POST",
                         .target = "/api/v1/workitems:batch-create",
                         .body = R"({"items": [{"workflow_id": "w", "task_name": "A"}]})",
                         .bearer = token("ann", "user")}),
                   403, "WI403");
}

TEST_F(GatewayOverHttp, AcknowledgeAndClaimNext) {
    const auto queue = unique("queue");
    const auto first = create_item(queue);
    const auto second = create_item(queue);
    const auto ann = token("ann", "user");
    const auto claimed = send({.method = "POST",
                               .target = "/api/v1/workitems/claim-next",
                               .body = json{{"queue", queue}}.dump(),
                               .bearer = ann});
    ASSERT_EQ(claimed.status, 200) << claimed.body;
    const auto held = claimed.document()["items"][0];

    const auto answer = send({.method = "POST",
                              .target = "/api/v1/workitems/acknowledge-and-claim-next",
                              .body = json{{"outcomes",
                                            {{{"id", held["id"]},
                                              {"output", {{"done", true}}},
                                              {"expected_version", held["version"]}}}},
                                           {"queue", queue},
                                           {"max_items", 1}}
                                          .dump(),
                              .bearer = ann});
    ASSERT_EQ(answer.status, 200) << answer.body;
    const auto document = answer.document();
    ASSERT_EQ(document["outcomes"].size(), 1u);
    EXPECT_TRUE(document["outcomes"][0]["ok"]);
    EXPECT_EQ(document["outcomes"][0]["kind"], "complete");
    EXPECT_EQ(document["outcomes"][0]["item"]["state"], "completed");
    ASSERT_EQ(document["claimed"].size(), 1u);
    const auto next_id = document["claimed"][0]["id"];
    EXPECT_TRUE(next_id == first["id"] || next_id == second["id"]);
    EXPECT_NE(next_id, held["id"]);

    // Failing the one held now, claiming nothing more: a fail row; a stale one refused in its row.
    const auto failed = send({.method = "POST",
                              .target = "/api/v1/workitems/acknowledge-and-claim-next",
                              .body = json{{"outcomes",
                                            {{{"id", next_id}, {"fault", {{"why", "broken"}}}},
                                             {{"id", held["id"]}, {"output", json::object()}}}},
                                           {"max_items", 0}}
                                          .dump(),
                              .bearer = ann});
    ASSERT_EQ(failed.status, 200) << failed.body;
    const auto rows = failed.document()["outcomes"];
    EXPECT_EQ(rows[0]["kind"], "fail");
    EXPECT_EQ(rows[0]["item"]["state"], "failed");
    EXPECT_EQ(rows[1]["kind"], "complete");
    EXPECT_FALSE(rows[1]["ok"]);
    EXPECT_EQ(rows[1]["sqlstate"], "WI409");
    EXPECT_TRUE(failed.document()["claimed"].empty());

    for (const std::string body :
         {R"({})", R"({"outcomes": [{"output": {}}]})",
          R"({"outcomes": [{"id": 1, "fault": 1, "output": 2}]})",
          R"({"outcomes": [], "max_items": -1})", R"({"outcomes": "none"})"}) {
        expect_problem(send({.method = "POST",
                             .target = "/api/v1/workitems/acknowledge-and-claim-next",
                             .body = body,
                             .bearer = ann}),
                       400);
    }
}

TEST_F(GatewayOverHttp, CancelAWorkflow) {
    const auto workflow = unique("wf/with a slash");
    for (const auto& task : {"A", "B"}) {
        create({{"workflow_id", workflow}, {"task_name", task}});
    }
    std::string encoded;
    for (const char c : workflow) {
        if (c == '/')
            encoded += "%2F";
        else if (c == ' ')
            encoded += "%20";
        else
            encoded += c;
    }
    const auto target = "/api/v1/workflows/" + encoded + "/cancel";
    expect_problem(send({.method = "POST", .target = target, .bearer = token("ann", "user")}), 403,
                   "WI403");
    const auto answer = send({.method = "POST",
                              .target = target,
                              .body = R"({"reason": "withdrawn"})",
                              .bearer = token("boss", "admin")});
    ASSERT_EQ(answer.status, 200) << answer.body;
    const auto items = answer.document()["items"];
    ASSERT_EQ(items.size(), 2u);
    EXPECT_EQ(items[0]["state"], "cancelled");
    EXPECT_EQ(items[0]["workflow_id"], workflow);
    expect_problem(send({.method = "POST",
                         .target = "/api/v1/workflows/%ZZ/cancel",
                         .bearer = token("boss", "admin")}),
                   400);
}

}  // namespace
}  // namespace workitem::gateway
