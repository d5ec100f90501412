// The directory routes over HTTP: put, get, list (keyset-paged), sync, delete; changing it is
// for administrators (the database's WI403), and another tenant's directory is not visible.
#include "http_fixture.hpp"

namespace workitem::gateway {
namespace {

using namespace http_testing;

TEST_F(GatewayOverHttp, DirectoryUsersAndGroups) {
    const auto boss = token("boss", "admin");
    const auto group = unique("group");
    const auto user = unique("user");
    const auto path = "/api/v1/directory/users/" + user;

    const auto put = send({.method = "PUT",
                           .target = path,
                           .body = json{{"groups", {group}}, {"capacity", 3}}.dump(),
                           .bearer = boss});
    ASSERT_EQ(put.status, 200) << put.body;
    EXPECT_EQ(put.document()["user_id"], user);
    EXPECT_EQ(put.document()["capacity"], 3);
    EXPECT_EQ(put.document()["tenant_id"], "acme");

    const auto got = send({.target = path, .bearer = boss});
    ASSERT_EQ(got.status, 200) << got.body;
    EXPECT_EQ(got.document()["groups"], json::array({group}));

    const auto second = unique("user");
    const auto synced =
        send({.method = "POST",
              .target = "/api/v1/directory/users:sync",
              .body = json{{"users", {{{"user_id", second}, {"groups", {group}}}}}}.dump(),
              .bearer = boss});
    ASSERT_EQ(synced.status, 200) << synced.body;
    EXPECT_EQ(synced.document()["users_written"], 1);
    EXPECT_EQ(synced.document()["users_removed"], 0);

    const auto first_page =
        send({.target = "/api/v1/directory/users?group=" + group + "&limit=1", .bearer = boss});
    ASSERT_EQ(first_page.status, 200) << first_page.body;
    ASSERT_EQ(first_page.document()["items"].size(), 1u);
    ASSERT_TRUE(first_page.document()["next"].is_string());
    const auto second_page =
        send({.target = "/api/v1/directory/users?group=" + group +
                        "&limit=1&after=" + first_page.document()["next"].get<std::string>(),
              .bearer = boss});
    ASSERT_EQ(second_page.status, 200) << second_page.body;
    ASSERT_EQ(second_page.document()["items"].size(), 1u);
    EXPECT_NE(second_page.document()["items"][0]["user_id"],
              first_page.document()["items"][0]["user_id"]);

    const auto groups = send({.target = "/api/v1/directory/groups?limit=1000", .bearer = boss});
    ASSERT_EQ(groups.status, 200) << groups.body;
    bool found = false;
    const auto group_page = groups.document();
    for (const auto& row : group_page["items"]) {
        if (row["group_id"] == group) found = row["members"] == 2;
    }
    EXPECT_TRUE(found) << groups.body;

    // Another tenant's directory does not have them.
    expect_problem(send({.target = path, .bearer = token("boss", "admin", "globex")}), 404,
                   "WI404");
    // A user may not change the directory.
    expect_problem(
        send({.method = "PUT", .target = path, .body = "{}", .bearer = token("ann", "user")}), 403,
        "WI403");

    const auto removed = send({.method = "DELETE", .target = path, .bearer = boss});
    EXPECT_EQ(removed.status, 204) << removed.body;
    expect_problem(send({.method = "DELETE", .target = path, .bearer = boss}), 404);
    expect_problem(send({.target = path, .bearer = boss}), 404, "WI404");
}

TEST_F(GatewayOverHttp, DirectoryRefusesBadInput) {
    const auto boss = token("boss", "admin");
    for (const std::string body :
         {R"({"groups": "g"})", R"({"groups": [""]})", R"({"capacity": -1})",
          R"({"available": "yes"})", R"({"away_until": "soon"})", R"({"user_id": "x"})"}) {
        expect_problem(send({.method = "PUT",
                             .target = "/api/v1/directory/users/" + unique("user"),
                             .body = body,
                             .bearer = boss}),
                       400);
    }
    for (const std::string body :
         {R"({})", R"({"users": [{"groups": []}]})", R"({"users": [], "replace_all": 1})"}) {
        expect_problem(send({.method = "POST",
                             .target = "/api/v1/directory/users:sync",
                             .body = body,
                             .bearer = boss}),
                       400);
    }
    expect_problem(send({.target = "/api/v1/directory/users?after=%%", .bearer = boss}), 400);
    expect_problem(send({.target = "/api/v1/directory/groups?group=g", .bearer = boss}), 400);
}

}  // namespace
}  // namespace workitem::gateway
