// Reading items over HTTP: list and count with the contract's filters and keyset paging,
// history and allowed operations; another tenant's token sees nothing of them.
#include "http_fixture.hpp"

#include <cctype>
#include <string>
#include <vector>

namespace workitem::gateway {
namespace {

using namespace http_testing;

TEST_F(GatewayOverHttp, ListAndCountFilterAndPage) {
    const auto queue = unique("queue");
    for (int i = 0; i < 3; ++i) create_item(queue);
    const auto boss = token("boss", "admin");

    const auto first =
        send({.target = "/api/v1/workitems?queue=" + queue + "&limit=2", .bearer = boss});
    ASSERT_EQ(first.status, 200) << first.body;
    const auto first_page = first.document();
    ASSERT_EQ(first_page["items"].size(), 2u);
    ASSERT_TRUE(first_page["next"].is_string());
    EXPECT_LT(first_page["items"][0]["id"], first_page["items"][1]["id"]);

    const auto second = send({.target = "/api/v1/workitems?queue=" + queue +
                                        "&limit=2&after=" + first_page["next"].get<std::string>(),
                              .bearer = boss});
    ASSERT_EQ(second.status, 200) << second.body;
    const auto second_page = second.document();
    ASSERT_EQ(second_page["items"].size(), 1u);
    EXPECT_TRUE(second_page["next"].is_null());
    EXPECT_GT(second_page["items"][0]["id"], first_page["items"][1]["id"]);

    // A last page that is exactly full says so: next is null.
    const auto whole =
        send({.target = "/api/v1/workitems?queue=" + queue + "&limit=3", .bearer = boss});
    ASSERT_EQ(whole.status, 200) << whole.body;
    EXPECT_EQ(whole.document()["items"].size(), 3u);
    EXPECT_TRUE(whole.document()["next"].is_null());

    const auto counted = send(
        {.target = "/api/v1/workitems/count?queue=" + queue + "&state=OFFERED", .bearer = boss});
    ASSERT_EQ(counted.status, 200) << counted.body;
    EXPECT_EQ(counted.document(), (json{{"count", 3}}));
    EXPECT_EQ(send({.target = "/api/v1/workitems/count?queue=" + queue + "&state=completed",
                    .bearer = boss})
                  .document()["count"],
              0);
    // A user sees what is offered to them; someone else sees nothing.
    EXPECT_EQ(
        send({.target = "/api/v1/workitems/count?queue=" + queue, .bearer = token("ann", "user")})
            .document()["count"],
        3);
    EXPECT_EQ(
        send({.target = "/api/v1/workitems/count?queue=" + queue, .bearer = token("zed", "user")})
            .document()["count"],
        0);
}

TEST_F(GatewayOverHttp, ListRefusesBadParameters) {
    const auto boss = token("boss", "admin");
    for (const std::string query :
         {"limit=0", "limit=1001", "limit=ten", "state=asleep", "after=!!", "after=", "colour=red",
          "due_before=yesterday", "min_priority=99999999999", "queue=a&queue=b"}) {
        const auto answer = send({.target = "/api/v1/workitems?" + query, .bearer = boss});
        expect_problem(answer, 400);
        EXPECT_TRUE(answer.document()["code"] == "invalid_parameter" ||
                    answer.document()["code"] == "unknown_parameter")
            << query << ": " << answer.body;
    }
    expect_problem(send({.target = "/api/v1/workitems/count?limit=5", .bearer = boss}), 400);
}

// A query parameter's value, percent-encoded (JSON and paths hold characters a query may not).
std::string encoded(const std::string& value) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (const unsigned char c : value) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

std::vector<long long> ids_of(const json& items) {
    std::vector<long long> ids;
    for (const auto& item : items) ids.push_back(item["id"].get<long long>());
    return ids;
}

TEST_F(GatewayOverHttp, ListCountAndWorklistFilterByBusinessDataAndSort) {
    const auto queue = unique("queue");
    const auto item = [&](const std::string& tier, int amount, int priority) {
        return create({{"workflow_id", unique("wf")},
                       {"task_name", "Review"},
                       {"queue", queue},
                       {"priority", priority},
                       {"assignment", {{"potential_owners", {{"users", {"ann"}}}}}},
                       {"input", {{"tier", tier}, {"amount", amount}}}})["id"]
            .get<long long>();
    };
    const auto small_gold = item("gold", 10, 1);
    const auto large_gold = item("gold", 20, 3);
    const auto silver = item("silver", 30, 2);
    const auto boss = token("boss", "admin");
    const auto base = "/api/v1/workitems?queue=" + queue;

    const auto gold = "&input_contains=" + encoded(R"({"tier": "gold"})");
    const auto counted =
        send({.target = "/api/v1/workitems/count?queue=" + queue + gold, .bearer = boss});
    ASSERT_EQ(counted.status, 200) << counted.body;
    EXPECT_EQ(counted.document()["count"], 2);
    const auto over_15 =
        send({.target = base + "&input_path=" + encoded("$.amount > 15"), .bearer = boss});
    ASSERT_EQ(over_15.status, 200) << over_15.body;
    EXPECT_EQ(ids_of(over_15.document()["items"]), (std::vector<long long>{large_gold, silver}));
    // No output yet: an output filter matches nothing.
    EXPECT_EQ(send({.target = "/api/v1/workitems/count?queue=" + queue +
                              "&output_contains=" + encoded(R"({"ok": true})") +
                              "&output_path=" + encoded("$.ok == true"),
                    .bearer = boss})
                  .document()["count"],
              0);
    const auto worklist =
        send({.target = "/api/v1/worklist?queue=" + queue + gold, .bearer = token("ann", "user")});
    ASSERT_EQ(worklist.status, 200) << worklist.body;
    EXPECT_EQ(worklist.document()["items"].size(), 2u);

    // Sorted by priority, highest first, one per page: the cursor carries the sort key.
    std::vector<long long> paged;
    std::string after;
    std::string first_cursor;
    for (int page = 0; page < 4; ++page) {
        const auto answer = send(
            {.target = base + "&sort=priority&descending=true&limit=1" + after, .bearer = boss});
        ASSERT_EQ(answer.status, 200) << answer.body;
        const auto document = answer.document();
        for (const auto id : ids_of(document["items"])) paged.push_back(id);
        if (document["next"].is_null()) break;
        if (first_cursor.empty()) first_cursor = document["next"].get<std::string>();
        after = "&after=" + document["next"].get<std::string>();
    }
    EXPECT_EQ(paged, (std::vector<long long>{large_gold, silver, small_gold}));

    // A cursor of another sort, or an id cursor under a sort, is not a cursor of this page.
    expect_problem(send({.target = base + "&sort=created&descending=true&after=" + first_cursor,
                         .bearer = boss}),
                   400);
    expect_problem(send({.target = base + "&sort=priority&after=" + first_cursor, .bearer = boss}),
                   400);
    const auto by_id = send({.target = base + "&limit=1", .bearer = boss}).document();
    expect_problem(
        send({.target = base + "&sort=priority&after=" + by_id["next"].get<std::string>(),
              .bearer = boss}),
        400);
    // What only the database knows: an unknown sort, an undeclared field.
    expect_problem(send({.target = base + "&sort=colour", .bearer = boss}), 422);
    expect_problem(
        send({.target = base + "&fields=" + encoded(R"({"undeclared": 1})"), .bearer = boss}), 422);
}

TEST_F(GatewayOverHttp, BusinessDataFiltersAreBoundedAndWellFormed) {
    const auto boss = token("boss", "admin");
    for (const std::string& query :
         std::vector<std::string>{"input_contains=" + encoded("{bad"), "fields=" + encoded("[1,"),
                                  "output_contains=", "input_path=" + std::string(4097, 'x'),
                                  "descending=yes", "sort="}) {
        const auto answer = send({.target = "/api/v1/workitems?" + query, .bearer = boss});
        expect_problem(answer, 400);
        EXPECT_EQ(answer.document()["code"], "invalid_parameter") << query << ": " << answer.body;
    }
    expect_problem(send({.target = "/api/v1/worklist?input_contains=" + encoded("{bad"),
                         .bearer = token("ann", "user")}),
                   400);
    expect_problem(send({.target = "/api/v1/workitems/count?sort=priority", .bearer = boss}), 400);
}

TEST_F(GatewayOverHttp, AnotherTenantSeesNothing) {
    const auto queue = unique("queue");
    const auto item = create_item(queue);
    const auto path = path_of(item);
    for (const auto& capability : {"admin", "user", "reader"}) {
        const auto other = token("ann", capability, "globex");
        expect_problem(send({.target = path, .bearer = other}), 404, "WI404");
        expect_problem(send({.target = path + "/history", .bearer = other}), 404, "WI404");
        const auto listed = send({.target = "/api/v1/workitems?queue=" + queue, .bearer = other});
        ASSERT_EQ(listed.status, 200) << listed.body;
        EXPECT_TRUE(listed.document()["items"].empty());
        EXPECT_EQ(send({.target = "/api/v1/workitems/count?queue=" + queue, .bearer = other})
                      .document()["count"],
                  0);
    }
    expect_problem(send({.method = "POST",
                         .target = path + "/claim",
                         .bearer = token("ann", "user", "globex")}),
                   404, "WI404");
    // Untouched in its own tenant.
    EXPECT_EQ(send({.target = path, .bearer = token("boss", "admin")}).document()["state"],
              "offered");
}

TEST_F(GatewayOverHttp, HistoryAndAllowedOperations) {
    const auto item = create_item(unique("queue"));
    const auto path = path_of(item);
    const auto ann = token("ann", "user");
    ASSERT_EQ(send({.method = "POST", .target = path + "/claim", .bearer = ann}).status, 200);

    const auto history = send({.target = path + "/history", .bearer = ann});
    ASSERT_EQ(history.status, 200) << history.body;
    const auto events = history.document()["events"];
    ASSERT_GE(events.size(), 2u);
    EXPECT_EQ(events[0]["type"], "workitem.created");
    EXPECT_EQ(events[0]["aggregatetype"], "workitem");
    EXPECT_EQ(events[0]["aggregateid"], item["id"]);
    EXPECT_TRUE(events[0]["txid"].is_string());
    EXPECT_TRUE(events[0]["payload"].is_object());
    EXPECT_EQ(events.back()["actor"], "ann");
    EXPECT_TRUE(events.back()["capability"].is_string()) << events.back();

    const auto allowed = send({.target = path + "/allowed-operations", .bearer = ann});
    ASSERT_EQ(allowed.status, 200) << allowed.body;
    const auto operations = allowed.document()["operations"];
    EXPECT_NE(std::find(operations.begin(), operations.end(), "start"), operations.end());
    EXPECT_EQ(std::find(operations.begin(), operations.end(), "claim"), operations.end());
    // Someone who is no stakeholder does not see the item at all.
    expect_problem(send({.target = path + "/history", .bearer = token("zed", "user")}), 404,
                   "WI404");
    expect_problem(send({.target = "/api/v1/workitems/0/history", .bearer = ann}), 400);
}

TEST_F(GatewayOverHttp, TraceparentIsRecordedWithTheEventsOfTheCall) {
    const auto item = create_item(unique("queue"));
    const auto path = path_of(item);
    const auto ann = token("ann", "user");
    const std::string trace = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    ASSERT_EQ(send({.method = "POST",
                    .target = path + "/claim",
                    .bearer = ann,
                    .headers = {{"traceparent", trace}}})
                  .status,
              200);
    ASSERT_EQ(send({.method = "POST",
                    .target = path + "/start",
                    .bearer = ann,
                    .headers = {{"traceparent", "not-a-traceparent"}}})
                  .status,
              200);
    const auto events = send({.target = path + "/history", .bearer = ann}).document()["events"];
    ASSERT_EQ(events.size(), 3u) << events;
    EXPECT_TRUE(events[0]["trace_context"].is_null());  // created without one
    EXPECT_EQ(events[1]["trace_context"], trace);
    EXPECT_TRUE(events[2]["trace_context"].is_null());  // malformed: dropped, not refused
}

TEST_F(GatewayOverHttp, WaitZeroAnswersAtOnceALongerWaitIsBounded) {
    const auto queue = unique("queue");
    const auto ann = token("ann", "user");
    const auto nothing = send({.method = "POST",
                               .target = "/api/v1/workitems/claim-next?wait=0",
                               .body = json{{"queue", queue}}.dump(),
                               .bearer = ann});
    ASSERT_EQ(nothing.status, 200) << nothing.body;
    EXPECT_TRUE(nothing.document()["items"].empty());
    // At most the configured maximum (60 s), in the contract's form; the query string is
    // refused before the body is read.
    for (const std::string target :
         {"/api/v1/workitems/claim-next?wait=61s", "/api/v1/workitems/claim-next?wait=2m",
          "/api/v1/workitems/claim-next?wait=60001ms", "/api/v1/workitems/claim-next?wait=1h",
          "/api/v1/workitems/claim-next?wait=-1", "/api/v1/workitems/claim-next?wait=05s",
          "/api/v1/workitems/claim-next?wait=", "/api/v1/workitems/claim-next?limit=1",
          "/api/v1/workitems/acknowledge-and-claim-next?wait=1m1s",
          "/api/v1/event-consumers/any/next-batch?wait=2m"}) {
        const auto refused = send(
            {.method = "POST", .target = target, .body = R"({"outcomes": []})", .bearer = ann});
        expect_problem(refused, 400);
        const std::string code = refused.document()["code"];
        EXPECT_TRUE(code == "invalid_parameter" || code == "unknown_parameter") << refused.body;
    }
}

TEST_F(GatewayOverHttp, AnItemCarriesEveryFieldOfTheContract) {
    const auto item = create({{"workflow_id", unique("wf")},
                              {"task_name", "Review"},
                              {"assignment",
                               {{"potential_owners", {{"users", {"ann"}}}},
                                {"excluded_owners", {{"users", {"zed"}}}},
                                {"administrators", {{"groups", {"leads"}}}}}}});
    EXPECT_EQ(item["candidates"], json::array({"u:ann"}));
    EXPECT_EQ(item["excluded"], json::array({"u:zed"}));
    EXPECT_EQ(item["administrators"], json::array({"g:leads"}));
    EXPECT_TRUE(item["lease_expired_owner"].is_null());
    EXPECT_TRUE(item["deadlines"].is_array());
    // Every property openapi.yaml's WorkItem requires (client/gateway/openapi.yaml).
    for (const auto* field : {"id",
                              "tenant_id",
                              "workflow_id",
                              "run_id",
                              "step_ref",
                              "task_name",
                              "created_by",
                              "created_at",
                              "skippable",
                              "activate_at",
                              "input",
                              "queue",
                              "priority",
                              "assignment",
                              "candidates",
                              "excluded",
                              "administrators",
                              "due_at",
                              "follow_up_at",
                              "expires_at",
                              "deadlines",
                              "escalation_level",
                              "delegated_from",
                              "delegation_state",
                              "resume_to",
                              "suspended_until",
                              "lease_seconds",
                              "lease_expiries",
                              "lease_expired_owner",
                              "fault",
                              "state",
                              "owner",
                              "version",
                              "lease_until",
                              "updated_at",
                              "completed_at",
                              "output"}) {
        EXPECT_TRUE(item.contains(field)) << field;
    }
}

}  // namespace
}  // namespace workitem::gateway
