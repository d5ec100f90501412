// The gateway over real HTTP on loopback against a real PostgreSQL with the extension
// (http_fixture.hpp): the requests refused before the database, credentials, the operational
// routes, and the first slice's item routes.
#include "http_fixture.hpp"

namespace workitem::gateway {
namespace {

using namespace http_testing;
TEST_F(GatewayOverHttp, CreateGetClaimNextComplete) {
    const auto queue = unique("queue");
    const auto created_answer =
        send({.method = "POST",
              .target = "/api/v1/workitems",
              .body = json{{"workflow_id", unique("wf")},
                           {"task_name", "Review"},
                           {"queue", queue},
                           {"assignment", {{"potential_owners", {{"users", {"ann"}}}}}}}
                          .dump(),
              .bearer = token("boss", "admin")});
    ASSERT_EQ(created_answer.status, 201) << created_answer.body;
    const auto created = created_answer.document();
    const auto id = created["id"].get<long long>();
    EXPECT_EQ(created["state"], "offered");
    EXPECT_EQ(created["created_by"], "boss");
    EXPECT_EQ(created["tenant_id"], "acme");
    EXPECT_EQ(created_answer.header("Location"), "/api/v1/workitems/" + std::to_string(id));
    EXPECT_EQ(created_answer.header("ETag"), etag(created));

    const auto item_path = "/api/v1/workitems/" + std::to_string(id);
    const auto got = send({.target = item_path, .bearer = token("ann", "user")});
    ASSERT_EQ(got.status, 200) << got.body;
    EXPECT_EQ(got.document()["id"], id);
    EXPECT_EQ(got.header("ETag"), etag(created));
    const auto not_modified = send({.target = item_path,
                                    .bearer = token("ann", "user"),
                                    .headers = {{"If-None-Match", etag(created)}}});
    EXPECT_EQ(not_modified.status, 304);

    const auto claimed_answer = send({.method = "POST",
                                      .target = "/api/v1/workitems/claim-next",
                                      .body = json{{"queue", queue}, {"lease_seconds", 300}}.dump(),
                                      .bearer = token("ann", "user")});
    ASSERT_EQ(claimed_answer.status, 200) << claimed_answer.body;
    const auto claimed = claimed_answer.document()["items"];
    ASSERT_EQ(claimed.size(), 1u);
    EXPECT_EQ(claimed[0]["id"], id);
    EXPECT_EQ(claimed[0]["state"], "allocated");
    EXPECT_EQ(claimed[0]["owner"], "ann");

    const auto completed_answer = send({.method = "POST",
                                        .target = item_path + "/complete",
                                        .body = json{{"output", {{"approved", true}}}}.dump(),
                                        .bearer = token("ann", "user"),
                                        .headers = {{"If-Match", etag(claimed[0])}}});
    ASSERT_EQ(completed_answer.status, 200) << completed_answer.body;
    const auto completed = completed_answer.document();
    EXPECT_EQ(completed["state"], "completed");
    EXPECT_EQ(completed["output"], (json{{"approved", true}}));
    EXPECT_EQ(completed_answer.header("ETag"), etag(completed));

    const auto nothing_left = send({.method = "POST",
                                    .target = "/api/v1/workitems/claim-next",
                                    .body = json{{"queue", queue}}.dump(),
                                    .bearer = token("ann", "user")});
    ASSERT_EQ(nothing_left.status, 200);
    EXPECT_TRUE(nothing_left.document()["items"].empty());
}

TEST_F(GatewayOverHttp, AStaleIfMatchIs412FromTheDatabase) {
    const auto item = create_item(unique("queue"));
    const auto path = "/api/v1/workitems/" + item["id"].dump();
    const auto claimed = send({.method = "POST",
                               .target = path + "/claim",
                               .bearer = token("ann", "user"),
                               .headers = {{"If-Match", etag(item)}}});
    ASSERT_EQ(claimed.status, 200) << claimed.body;
    // The version of before the claim is stale now.
    const auto stale = send({.method = "POST",
                             .target = path + "/complete",
                             .bearer = token("ann", "user"),
                             .headers = {{"If-Match", etag(item)}}});
    expect_problem(stale, 412, "WI412");
    EXPECT_EQ(stale.document()["code"], "version_conflict");
}

TEST_F(GatewayOverHttp, AnIdempotentRetryGetsTheSameAnswer) {
    const auto queue = unique("queue");
    const auto item = create_item(queue);
    const Send claim_next{.method = "POST",
                          .target = "/api/v1/workitems/claim-next",
                          .body = json{{"queue", queue}, {"max_items", 5}}.dump(),
                          .bearer = token("ann", "user"),
                          .headers = {{"Idempotency-Key", unique("claim-next")}}};
    const auto first = send(claim_next);
    const auto retry = send(claim_next);
    ASSERT_EQ(first.status, 200) << first.body;
    ASSERT_EQ(retry.status, 200) << retry.body;
    EXPECT_EQ(first.document()["items"].size(), 1u);
    EXPECT_EQ(retry.document()["items"], first.document()["items"]);

    const Send complete{.method = "POST",
                        .target = "/api/v1/workitems/" + item["id"].dump() + "/complete",
                        .body = R"({"output": {"n": 1}})",
                        .bearer = token("ann", "user"),
                        .headers = {{"Idempotency-Key", unique("complete")}}};
    const auto completed = send(complete);
    const auto completed_again = send(complete);
    ASSERT_EQ(completed.status, 200) << completed.body;
    EXPECT_EQ(completed_again.status, 200) << completed_again.body;
    EXPECT_EQ(completed_again.document()["version"], completed.document()["version"]);
    EXPECT_EQ(completed_again.header("ETag"), completed.header("ETag"));

    // The same key with another request is the database's WI428.
    Send other = complete;
    other.body = R"({"output": {"n": 2}})";
    expect_problem(send(other), 422, "WI428");
}

// An error answer is kept by the key too (docs/rest.md): the database stores the refusal, so a
// retry gets the same problem from any replica, whatever the item's state has become.
TEST_F(GatewayOverHttp, ARefusedKeyedRequestIsAnsweredTheSameOnRetry) {
    const auto item = create({{"workflow_id", unique("wf")},
                              {"task_name", "Review"},
                              {"assignment", {{"potential_owners", {{"users", {"ann", "bob"}}}}}}});
    const auto path = "/api/v1/workitems/" + item["id"].dump();
    const auto ann = token("ann", "user");
    ASSERT_EQ(send({.method = "POST", .target = path + "/claim", .bearer = ann}).status, 200);
    const Send bob_claims{.method = "POST",
                          .target = path + "/claim",
                          .bearer = token("bob", "user"),
                          .headers = {{"Idempotency-Key", unique("claim")}}};
    const auto refused = send(bob_claims);
    expect_problem(refused, 409, "WI423");
    // ann lets it go: bob's claim would now succeed, but its retry is answered as the first was.
    ASSERT_EQ(send({.method = "POST", .target = path + "/release", .bearer = ann}).status, 200);
    const auto retried = send(bob_claims);
    EXPECT_EQ(retried.status, refused.status);
    EXPECT_EQ(retried.header("Content-Type"), refused.header("Content-Type"));
    EXPECT_EQ(retried.document(), refused.document());
    EXPECT_EQ(send({.target = path, .bearer = ann}).document()["state"], "offered");
    // The same key for another request is still WI428; without a key the claim runs.
    Send other = bob_claims;
    other.body = R"({"lease_seconds": 60})";
    expect_problem(send(other), 422, "WI428");
    const auto unkeyed =
        send({.method = "POST", .target = path + "/claim", .bearer = token("bob", "user")});
    EXPECT_EQ(unkeyed.status, 200) << unkeyed.body;
}

TEST_F(GatewayOverHttp, TheLifecycleRoutesOfThisSlice) {
    const auto item = create_item(unique("queue"));
    const auto path = "/api/v1/workitems/" + item["id"].dump();
    const auto ann = token("ann", "user");
    EXPECT_EQ(send({.method = "POST",
                    .target = path + "/claim",
                    .body = R"({"lease_seconds": 60})",
                    .bearer = ann})
                  .document()["state"],
              "allocated");
    EXPECT_EQ(
        send({.method = "POST", .target = path + "/start", .bearer = ann}).document()["state"],
        "started");
    EXPECT_EQ(
        send({.method = "POST", .target = path + "/release", .bearer = ann}).document()["state"],
        "offered");
    EXPECT_EQ(send({.method = "POST", .target = path + "/claim", .bearer = ann}).status, 200);
    const auto failed = send({.method = "POST",
                              .target = path + "/fail",
                              .body = R"({"fault": {"reason": "scanner broken"}})",
                              .bearer = ann});
    ASSERT_EQ(failed.status, 200) << failed.body;
    EXPECT_EQ(failed.document()["state"], "failed");
    EXPECT_EQ(failed.document()["fault"]["reason"], "scanner broken");
    // Not allowed in its state now: the database's WI409.
    expect_problem(send({.method = "POST", .target = path + "/start", .bearer = ann}), 409,
                   "WI409");
}

TEST_F(GatewayOverHttp, TheDatabaseDecidesWhoMayDoWhat) {
    // A reader may not create (the database's WI403), nor claim.
    const auto refused =
        send({.method = "POST",
              .target = "/api/v1/workitems",
              .body = json{{"workflow_id", unique("wf")}, {"task_name", "T"}}.dump(),
              .bearer = token("rita", "reader")});
    expect_problem(refused, 403, "WI403");
    const auto item = create_item(unique("queue"));
    const auto path = "/api/v1/workitems/" + item["id"].dump();
    expect_problem(
        send({.method = "POST", .target = path + "/claim", .bearer = token("rita", "reader")}), 403,
        "WI403");
    // A user may not create either; a user who is no potential owner does not see the item.
    expect_problem(send({.method = "POST",
                         .target = "/api/v1/workitems",
                         .body = json{{"workflow_id", unique("wf")}, {"task_name", "T"}}.dump(),
                         .bearer = token("ann", "user")}),
                   403, "WI403");
    expect_problem(send({.target = path, .bearer = token("zed", "user")}), 404, "WI404");
    // Another tenant's item is not found, exactly like a missing one.
    expect_problem(send({.target = path, .bearer = token("ann", "user", "globex")}), 404, "WI404");
    expect_problem(
        send({.target = "/api/v1/workitems/999999999", .bearer = token("boss", "admin")}), 404,
        "WI404");
    // A service key acts with the gateway's full rights, as its subject.
    const auto by_service =
        send({.method = "POST",
              .target = "/api/v1/workitems",
              .body = json{{"workflow_id", unique("wf")}, {"task_name", "T"}}.dump(),
              .headers = {{"X-API-Key", service_key}}});
    ASSERT_EQ(by_service.status, 201) << by_service.body;
    EXPECT_EQ(by_service.document()["created_by"], "engine");
    // The database validates the input: WI422 names the field.
    expect_problem(send({.method = "POST",
                         .target = "/api/v1/workitems",
                         .body = json{{"workflow_id", unique("wf")},
                                      {"task_name", "T"},
                                      {"assignment", {{"potential_owner", {{"users", {"ann"}}}}}}}
                                     .dump(),
                         .bearer = token("boss", "admin")}),
                   422, "WI422");
}

TEST_F(GatewayOverHttp, RequestsRefusedBeforeTheDatabase) {
    const auto ann = token("ann", "user");
    auto unknown = send({.target = "/api/v1/nothing", .bearer = ann});
    expect_problem(unknown, 404);
    EXPECT_EQ(unknown.document()["code"], "no_route");

    const auto not_allowed =
        send({.method = "DELETE", .target = "/api/v1/workitems/1", .bearer = ann});
    expect_problem(not_allowed, 405);
    EXPECT_EQ(not_allowed.header("Allow"), "GET, PATCH");

    const auto too_large = send({.method = "POST",
                                 .target = "/api/v1/workitems",
                                 .bearer = ann,
                                 .headers = {{"Content-Type", "application/json"}},
                                 .header_only = true});
    expect_problem(too_large, 413);

    const auto wrong_type = send({.method = "POST",
                                  .target = "/api/v1/workitems",
                                  .body = "workflow_id=1",
                                  .bearer = ann,
                                  .headers = {{"Content-Type", "text/plain"}}});
    expect_problem(wrong_type, 415);

    const auto malformed = send({.method = "POST",
                                 .target = "/api/v1/workitems",
                                 .body = "{\"workflow_id\": ",
                                 .bearer = ann});
    expect_problem(malformed, 400);
    EXPECT_EQ(malformed.document()["code"], "malformed_json");

    expect_problem(send({.method = "POST",
                         .target = "/api/v1/workitems",
                         .body = R"({"colour": "red"})",
                         .bearer = token("boss", "admin")}),
                   400);
    expect_problem(send({.target = "/api/v1/workitems/abc", .bearer = ann}), 400);
    expect_problem(send({.target = "/api/v1/workitems/1?debug=1", .bearer = ann}), 400);
    expect_problem(send({.method = "POST",
                         .target = "/api/v1/workitems/1/claim",
                         .bearer = ann,
                         .headers = {{"If-Match", "3"}}}),
                   400);
}

TEST_F(GatewayOverHttp, CredentialsAreChecked) {
    const auto missing = send({.target = "/api/v1/workitems/1"});
    expect_problem(missing, 401);
    EXPECT_EQ(missing.header("WWW-Authenticate"), R"(Bearer realm="workitem")");

    auto expired_claims = testing::claims("ann", "acme", "user", issuer, audience);
    expired_claims["exp"] = testing::now_seconds() - 3600;
    const auto expired = send(
        {.target = "/api/v1/workitems/1", .bearer = testing::mint_hs256(secret, expired_claims)});
    expect_problem(expired, 401);
    EXPECT_EQ(expired.header("WWW-Authenticate"),
              R"(Bearer realm="workitem", error="invalid_token")");
    expect_problem(send({.target = "/api/v1/workitems/1", .headers = {{"X-API-Key", "wrong"}}}),
                   401);
    expect_problem(send({.target = "/metrics"}), 401);
    expect_problem(send({.target = "/openapi.yaml"}), 401);
}

TEST_F(GatewayOverHttp, OperationalRoutes) {
    const auto live = send({.target = "/livez"});
    EXPECT_EQ(live.status, 200);
    EXPECT_EQ(live.document()["status"], "ok");
    const auto ready = send({.target = "/readyz"});
    EXPECT_EQ(ready.status, 200) << ready.body;
    EXPECT_EQ(ready.document(), (json{{"status", "ok"}, {"checks", {{"database", "ok"}}}}));

    const auto document = send({.target = "/openapi.yaml", .bearer = token("rita", "reader")});
    EXPECT_EQ(document.status, 200);
    EXPECT_EQ(document.header("Content-Type"), "application/yaml");
    EXPECT_EQ(document.body, "openapi: 3.1.0\ninfo: {title: test}\n");

    send({.target = "/api/v1/workitems/999999998", .bearer = token("boss", "admin")});
    const auto metrics = send({.target = "/metrics", .headers = {{"X-API-Key", service_key}}});
    EXPECT_EQ(metrics.status, 200);
    EXPECT_EQ(metrics.header("Content-Type"), "text/plain; version=0.0.4");
    EXPECT_NE(
        metrics.body.find(
            R"(workitem_http_requests_total{method="GET",route="/api/v1/workitems/{id}",code="404"})"),
        std::string::npos)
        << metrics.body;
    EXPECT_NE(metrics.body.find("workitem_db_pool_connections{state=\"in_use\"}"),
              std::string::npos);
    // The GETs above (and /readyz) each waited for a pooled connection: counted, in buckets.
    EXPECT_NE(metrics.body.find("# TYPE workitem_db_pool_wait_seconds histogram"),
              std::string::npos);
    const auto waits = metrics.body.find("\nworkitem_db_pool_wait_seconds_count ");
    ASSERT_NE(waits, std::string::npos) << metrics.body;
    EXPECT_GE(std::stod(metrics.body.substr(waits + 37)), 2.0) << metrics.body;
    EXPECT_NE(metrics.body.find("workitem_db_pool_wait_seconds_bucket{le=\"+Inf\"}"),
              std::string::npos);
    EXPECT_NE(metrics.body.find("# TYPE workitem_wakeups_total counter\n"), std::string::npos);
    EXPECT_NE(metrics.body.find("workitem_build_info{version="), std::string::npos);
    // No item id ever becomes a label.
    // (A latency sum may hold those digits: the raw path may not appear anywhere.)
    EXPECT_EQ(metrics.body.find("/api/v1/workitems/999999998"), std::string::npos);
}

TEST_F(GatewayOverHttp, KeepsAConnectionAliveAcrossRequests) {
    net::io_context io;
    tcp::socket socket(io);
    socket.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port_));
    for (int i = 0; i < 3; ++i) {
        const auto answer = exchange(socket, {.target = "/livez"});
        EXPECT_EQ(answer.status, 200);
        EXPECT_NE(answer.header("Connection"), "close");
    }
}

TEST_F(GatewayOverHttp, TheLogHoldsNoCredential) {
    const auto ann = token("ann", "user");
    send({.target = "/api/v1/workitems/1", .bearer = ann});
    send({.target = "/api/v1/workitems/1", .headers = {{"X-API-Key", service_key}}});
    const auto text = log_->str();
    EXPECT_NE(text.find("\"msg\":\"request\""), std::string::npos);
    EXPECT_EQ(text.find(ann), std::string::npos);
    EXPECT_EQ(text.find(service_key), std::string::npos);
    EXPECT_EQ(text.find(secret), std::string::npos);
}

}  // namespace
}  // namespace workitem::gateway
