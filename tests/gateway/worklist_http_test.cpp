// GET /api/v1/worklist over HTTP: the caller's own worklist, never another user's or tenant's.
#include "http_fixture.hpp"

namespace workitem::gateway {
namespace {

using namespace http_testing;

TEST_F(GatewayOverHttp, WorklistIsTheCallers) {
    const auto queue = unique("queue");
    const auto item = create_item(queue);
    const auto listed = [&](const std::string& bearer) {
        const auto answer =
            send({.target = "/api/v1/worklist?queue=" + queue + "&limit=10", .bearer = bearer});
        EXPECT_EQ(answer.status, 200) << answer.body;
        return answer.status == 200 ? answer.document()["items"] : json::array();
    };
    const auto ann = listed(token("ann", "user"));
    ASSERT_EQ(ann.size(), 1u);
    EXPECT_EQ(ann[0]["id"], item["id"]);
    EXPECT_TRUE(listed(token("zed", "user")).empty());
    EXPECT_TRUE(listed(token("ann", "user", "globex")).empty());

    expect_problem(send({.target = "/api/v1/worklist?limit=0", .bearer = token("ann", "user")}),
                   400);
    expect_problem(send({.target = "/api/v1/worklist?after=abc", .bearer = token("ann", "user")}),
                   400);
    expect_problem(send({.target = "/api/v1/worklist"}), 401);
}

}  // namespace
}  // namespace workitem::gateway
