// The administrator's routes over HTTP: the monitoring views, the tick, feature flags and
// default leases. A user token is refused by the database (WI403) where the function or view
// needs more; a tick needs a service.
#include "http_fixture.hpp"

namespace workitem::gateway {
namespace {

using namespace http_testing;

TEST_F(GatewayOverHttp, AdminReadsTheMonitoringViews) {
    const auto queue = unique("queue");
    create({{"workflow_id", unique("wf")},
            {"task_name", "Late"},
            {"queue", queue},
            {"due_at", "2020-01-01T00:00:00Z"},
            {"assignment", {{"potential_owners", {{"users", {"ann"}}}}}}});
    const auto boss = token("boss", "admin");

    const auto overview = send({.target = "/api/v1/admin/overview", .bearer = boss});
    ASSERT_EQ(overview.status, 200) << overview.body;
    const auto document = overview.document();
    EXPECT_GE(document["overdue_items"].get<long long>(), 1);
    bool counted = false;
    for (const auto& row : document["items_by_state"]) {
        if (row["queue"] == queue) counted = row["state"] == "offered" && row["items"] == 1;
    }
    EXPECT_TRUE(counted) << overview.body;
    bool oldest = false;
    for (const auto& row : document["oldest_offered"]) {
        if (row["queue"] == queue) oldest = row["offered_items"] == 1;
    }
    EXPECT_TRUE(oldest) << overview.body;

    const auto overdue =
        send({.target = "/api/v1/admin/overdue-items?queue=" + queue + "&limit=5", .bearer = boss});
    ASSERT_EQ(overdue.status, 200) << overdue.body;
    ASSERT_EQ(overdue.document()["items"].size(), 1u);
    EXPECT_EQ(overdue.document()["items"][0]["task_name"], "Late");
    EXPECT_GT(overdue.document()["items"][0]["overdue_by_seconds"].get<double>(), 0.0);
    EXPECT_TRUE(overdue.document()["next"].is_null());

    const auto stranded =
        send({.target = "/api/v1/admin/stranded-items?queue=" + queue, .bearer = boss});
    ASSERT_EQ(stranded.status, 200) << stranded.body;
    EXPECT_TRUE(stranded.document()["items"].empty());

    const auto timer = send({.target = "/api/v1/admin/timer", .bearer = boss});
    ASSERT_EQ(timer.status, 200) << timer.body;
    EXPECT_TRUE(timer.document()["status"].is_array());
    EXPECT_TRUE(timer.document()["failures"].is_array());

    // Another tenant's administrator sees none of it.
    const auto other = send({.target = "/api/v1/admin/overdue-items?queue=" + queue,
                             .bearer = token("boss", "admin", "globex")});
    ASSERT_EQ(other.status, 200) << other.body;
    EXPECT_TRUE(other.document()["items"].empty());

    expect_problem(send({.target = "/api/v1/admin/overdue-items?limit=0", .bearer = boss}), 400);
    expect_problem(send({.target = "/api/v1/admin/overview?x=1", .bearer = boss}), 400);
}

TEST_F(GatewayOverHttp, AUserTokenIsRefusedOnAdminRoutes) {
    const auto ann = token("ann", "user");
    expect_problem(send({.target = "/api/v1/admin/timer", .bearer = ann}), 403, "WI403");
    expect_problem(send({.method = "POST", .target = "/api/v1/admin/tick", .bearer = ann}), 403,
                   "WI403");
    expect_problem(send({.method = "PUT",
                         .target = "/api/v1/admin/feature-flags/strategy.random",
                         .body = R"({"enabled": true})",
                         .bearer = ann}),
                   403, "WI403");
    expect_problem(send({.method = "PUT",
                         .target = "/api/v1/admin/lease-defaults/queues/" + unique("queue"),
                         .body = R"({"lease_seconds": 60})",
                         .bearer = ann}),
                   403, "WI403");
    expect_problem(send({.method = "PUT",
                         .target = "/api/v1/event-consumers/" + unique("consumer"),
                         .bearer = ann}),
                   403, "WI403");
    // An overview under a user token reads as the gateway's login: nothing (openapi.yaml).
    const auto overview = send({.target = "/api/v1/admin/overdue-items", .bearer = ann});
    ASSERT_EQ(overview.status, 200) << overview.body;
    EXPECT_TRUE(overview.document()["items"].empty());
}

TEST_F(GatewayOverHttp, TaskFormsAreSetByAdministratorsAndReadByTheTenant) {
    const auto boss = token("boss", "admin");
    const auto form = "/api/v1/task-forms/" + unique("Approve");
    expect_problem(send({.target = form, .bearer = boss}), 404);
    const auto body = R"({"output_schema": {"type": "object", "required": ["ok"]}})";
    const auto set = send({.method = "PUT", .target = form, .body = body, .bearer = boss});
    ASSERT_EQ(set.status, 200) << set.body;
    EXPECT_EQ(set.document()["output_schema"]["required"][0], "ok");
    // Every capability of the tenant reads it; only administrators change it; another tenant
    // sees none.
    const auto read = send({.target = form, .bearer = token("rita", "reader")});
    ASSERT_EQ(read.status, 200) << read.body;
    EXPECT_EQ(read.document()["output_schema"]["type"], "object");
    expect_problem(
        send({.method = "PUT", .target = form, .body = body, .bearer = token("ann", "user")}), 403,
        "WI403");
    expect_problem(send({.target = form, .bearer = token("boss", "admin", "other")}), 404);
    for (const std::string bad : {R"({})", R"({"output_schema": [1]})", R"({"output_schema": "x"})",
                                  R"({"output_schema": {}, "extra": 1})"}) {
        expect_problem(send({.method = "PUT", .target = form, .body = bad, .bearer = boss}), 400);
    }
    EXPECT_EQ(send({.method = "DELETE", .target = form, .bearer = boss}).status, 204);
    expect_problem(send({.method = "DELETE", .target = form, .bearer = boss}), 404);
}

TEST_F(GatewayOverHttp, TheTaskInboxIsNotFoundWhenNotConfigured) {
    expect_problem(send({.target = "/ui/"}), 404);
    expect_problem(send({.target = "/ui/app.js"}), 404);
    const auto moved = send({.target = "/ui"});
    EXPECT_EQ(moved.status, 308);
}

TEST_F(GatewayOverHttp, TickFlagsAndLeaseDefaults) {
    const auto boss = token("boss", "admin");
    // The tick acts on every tenant: a service's, not an administrator's.
    expect_problem(send({.method = "POST", .target = "/api/v1/admin/tick", .bearer = boss}), 403,
                   "WI403");
    const auto ticked = send({.method = "POST",
                              .target = "/api/v1/admin/tick",
                              .body = R"({"max_items": 10})",
                              .headers = {{"X-API-Key", service_key}}});
    ASSERT_EQ(ticked.status, 200) << ticked.body;
    EXPECT_TRUE(ticked.document()["actions"].is_array());

    const auto flag = send({.method = "PUT",
                            .target = "/api/v1/admin/feature-flags/strategy.random",
                            .body = R"({"enabled": true, "scope": "tenant"})",
                            .bearer = boss});
    ASSERT_EQ(flag.status, 200) << flag.body;
    EXPECT_EQ(flag.document()["tenant_id"], "acme");
    EXPECT_EQ(flag.document()["name"], "strategy.random");
    EXPECT_EQ(flag.document()["enabled"], true);
    expect_problem(send({.method = "PUT",
                         .target = "/api/v1/admin/feature-flags/no.such.flag",
                         .body = R"({"enabled": true})",
                         .bearer = boss}),
                   422, "WI422");

    const auto queue = "/api/v1/admin/lease-defaults/queues/" + unique("queue");
    const auto set = send(
        {.method = "PUT", .target = queue, .body = R"({"lease_seconds": 120})", .bearer = boss});
    ASSERT_EQ(set.status, 200) << set.body;
    EXPECT_TRUE(set.document()["replaced_lease_seconds"].is_null());
    EXPECT_EQ(
        send({.method = "PUT", .target = queue, .body = R"({"lease_seconds": 90})", .bearer = boss})
            .document()["replaced_lease_seconds"],
        120);
    EXPECT_EQ(send({.method = "DELETE", .target = queue, .bearer = boss})
                  .document()["replaced_lease_seconds"],
              90);
    const auto task = "/api/v1/admin/lease-defaults/tasks/" + unique("task");
    EXPECT_EQ(
        send({.method = "PUT", .target = task, .body = R"({"lease_seconds": 30})", .bearer = boss})
            .status,
        200);

    for (const std::string body : {R"({})", R"({"lease_seconds": 0})", R"({"lease_seconds": "60"})",
                                   R"({"lease_seconds": 60, "queue": "q"})"}) {
        expect_problem(send({.method = "PUT", .target = queue, .body = body, .bearer = boss}), 400);
    }
    for (const std::string body :
         {R"({})", R"({"enabled": "yes"})", R"({"enabled": true, "scope": "world"})"}) {
        expect_problem(send({.method = "PUT",
                             .target = "/api/v1/admin/feature-flags/strategy.random",
                             .body = body,
                             .bearer = boss}),
                       400);
    }
    expect_problem(send({.method = "POST",
                         .target = "/api/v1/admin/tick",
                         .body = R"({"max_items": 0})",
                         .headers = {{"X-API-Key", service_key}}}),
                   400);
    // A malformed Idempotency-Key is refused even where the function takes no key.
    expect_problem(
        send({.method = "POST",
              .target = "/api/v1/admin/tick",
              .headers = {{"X-API-Key", service_key}, {"Idempotency-Key", "two words"}}}),
        400);
}

}  // namespace
}  // namespace workitem::gateway
