// Event consumers over HTTP: create (201, then 200), take a batch, read it again by id, finish
// it, rewind, drop; administrators only, and a tenant's batch is not another tenant's.
#include "http_fixture.hpp"

namespace workitem::gateway {
namespace {

using namespace http_testing;

TEST_F(GatewayOverHttp, AConsumerReadsItsBatches) {
    const auto boss = token("boss", "admin");
    const auto name = unique("consumer");
    const auto path = "/api/v1/event-consumers/" + name;
    const auto created = send({.method = "PUT", .target = path, .bearer = boss});
    ASSERT_EQ(created.status, 201) << created.body;
    EXPECT_EQ(created.document(), (json{{"consumer", name}, {"created", true}}));
    const auto again = send({.method = "PUT", .target = path, .body = "{}", .bearer = boss});
    EXPECT_EQ(again.status, 200) << again.body;
    EXPECT_EQ(again.document()["created"], false);

    const auto listed = send({.target = "/api/v1/event-consumers", .bearer = boss});
    ASSERT_EQ(listed.status, 200) << listed.body;
    bool found = false;
    const auto consumers = listed.document();
    for (const auto& row : consumers["items"]) found = found || row["name"] == name;
    EXPECT_TRUE(found) << listed.body;

    const auto item = create_item(unique("queue"));
    const auto batch =
        send({.method = "POST", .target = path + "/next-batch?max_events=1000", .bearer = boss});
    ASSERT_EQ(batch.status, 200) << batch.body;
    const auto document = batch.document();
    const auto batch_id = document["batch_id"].get<long long>();
    ASSERT_FALSE(document["events"].empty());
    bool created_event = false;
    for (const auto& event : document["events"]) {
        created_event = created_event ||
                        (event["aggregateid"] == item["id"] && event["type"] == "workitem.created");
    }
    EXPECT_TRUE(created_event) << batch.body;

    const auto batch_path = "/api/v1/event-batches/" + std::to_string(batch_id);
    const auto reread = send({.target = batch_path, .bearer = boss});
    ASSERT_EQ(reread.status, 200) << reread.body;
    EXPECT_EQ(reread.document()["events"], document["events"]);
    // Another tenant's administrator does not find it.
    expect_problem(send({.target = batch_path, .bearer = token("boss", "admin", "globex")}), 404,
                   "WI404");

    const auto finished =
        send({.method = "POST", .target = batch_path + "/finish", .bearer = boss});
    ASSERT_EQ(finished.status, 200) << finished.body;
    EXPECT_EQ(finished.document()["batch_id"], batch_id);
    EXPECT_EQ(finished.document()["events"], document["events"].size());
    expect_problem(send({.method = "POST", .target = batch_path + "/finish", .bearer = boss}), 404,
                   "WI404");

    const auto rewound = send({.method = "POST",
                               .target = path + "/rewind",
                               .body = json{{"to_seq", document["events"][0]["seq"]}}.dump(),
                               .bearer = boss});
    ASSERT_EQ(rewound.status, 200) << rewound.body;
    EXPECT_TRUE(rewound.document()["from_seq"].is_number_integer());

    EXPECT_EQ(send({.method = "DELETE", .target = path, .bearer = boss}).status, 204);
    expect_problem(send({.method = "DELETE", .target = path, .bearer = boss}), 404, "WI404");
    expect_problem(send({.method = "POST", .target = path + "/next-batch", .bearer = boss}), 404,
                   "WI404");
}

TEST_F(GatewayOverHttp, ConsumerRoutesRefuseBadInput) {
    const auto boss = token("boss", "admin");
    const auto path = "/api/v1/event-consumers/" + unique("consumer");
    expect_problem(
        send(
            {.method = "PUT", .target = path, .body = R"({"all_tenants": "yes"})", .bearer = boss}),
        400);
    // Every tenant's events: a service's alone.
    expect_problem(
        send({.method = "PUT", .target = path, .body = R"({"all_tenants": true})", .bearer = boss}),
        403, "WI403");
    for (const std::string body : {R"({})", R"({"to_seq": 1, "to_time": "2024-01-01T00:00:00Z"})",
                                   R"({"to_seq": -1})", R"({"to_time": "then"})"}) {
        expect_problem(
            send({.method = "POST", .target = path + "/rewind", .body = body, .bearer = boss}),
            400);
    }
    expect_problem(
        send({.method = "POST", .target = path + "/next-batch?max_events=0", .bearer = boss}), 400);
    expect_problem(send({.target = "/api/v1/event-batches/0", .bearer = boss}), 400);
    expect_problem(send({.target = "/api/v1/event-batches/abc", .bearer = boss}), 400);
}

}  // namespace
}  // namespace workitem::gateway
