#include "router.hpp"

#include <gtest/gtest.h>

namespace workitem::gateway {
namespace {

Router<std::string> item_routes() {
    Router<std::string> router;
    router.add("POST", "/api/v1/workitems", "create");
    router.add("GET", "/api/v1/workitems/{id}", "get");
    router.add("PATCH", "/api/v1/workitems/{id}", "update");
    router.add("POST", "/api/v1/workitems/{id}/claim", "claim");
    router.add("POST", "/api/v1/workitems/claim-next", "claim_next");
    router.add("POST", "/api/v1/workitems:batch", "batch");
    router.add("GET", "/livez", "livez");
    return router;
}

TEST(GatewayRouter, FindsTheTargetAndCapturesParameters) {
    const auto router = item_routes();
    const auto result = router.match("POST", "/api/v1/workitems/42/claim");
    const auto* found = std::get_if<Router<std::string>::Found>(&result);
    ASSERT_NE(found, nullptr);
    EXPECT_EQ(*found->target, "claim");
    EXPECT_EQ(found->route_template, "/api/v1/workitems/{id}/claim");
    EXPECT_EQ(found->parameters.at("id"), "42");
}

TEST(GatewayRouter, ALiteralSegmentWinsOverACapture) {
    const auto router = item_routes();
    const auto result = router.match("POST", "/api/v1/workitems/claim-next");
    const auto* found = std::get_if<Router<std::string>::Found>(&result);
    ASSERT_NE(found, nullptr);
    EXPECT_EQ(*found->target, "claim_next");
    // GET on it is a method the literal route does not have, not an item id.
    const auto get = router.match("GET", "/api/v1/workitems/claim-next");
    const auto* not_allowed = std::get_if<Router<std::string>::MethodNotAllowed>(&get);
    ASSERT_NE(not_allowed, nullptr);
    EXPECT_EQ(not_allowed->allow, "POST");
}

TEST(GatewayRouter, AnotherMethodIs405WithTheAllowedOnes) {
    const auto router = item_routes();
    const auto result = router.match("DELETE", "/api/v1/workitems/7");
    const auto* not_allowed = std::get_if<Router<std::string>::MethodNotAllowed>(&result);
    ASSERT_NE(not_allowed, nullptr);
    EXPECT_EQ(not_allowed->allow, "GET, PATCH");
    EXPECT_EQ(not_allowed->route_template, "/api/v1/workitems/{id}");
}

TEST(GatewayRouter, UnknownPathsAre404) {
    const auto router = item_routes();
    for (const char* path : {"/", "", "/api", "/api/v1/workitems/", "/api/v1/workitems/7/claim/x",
                             "/api/v1/workitems//claim", "/livez/", "/api/v1/workitem",
                             "api/v1/workitems", "/API/v1/workitems"}) {
        EXPECT_TRUE(
            std::holds_alternative<Router<std::string>::NotFound>(router.match("GET", path)))
            << path;
    }
}

TEST(GatewayRouter, ColonSuffixesAreLiterals) {
    const auto router = item_routes();
    const auto result = router.match("POST", "/api/v1/workitems:batch");
    const auto* found = std::get_if<Router<std::string>::Found>(&result);
    ASSERT_NE(found, nullptr);
    EXPECT_EQ(*found->target, "batch");
}

TEST(GatewayRouter, MethodsAreCaseSensitive) {
    const auto router = item_routes();
    EXPECT_TRUE(std::holds_alternative<Router<std::string>::MethodNotAllowed>(
        router.match("get", "/livez")));
}

TEST(GatewayRouter, RefusesBadTemplatesAndDuplicates) {
    Router<std::string> router;
    router.add("GET", "/a/{id}", "a");
    EXPECT_THROW(router.add("GET", "/a/{id}", "again"), std::invalid_argument);
    EXPECT_THROW(router.add("GET", "a", "relative"), std::invalid_argument);
    EXPECT_THROW(router.add("GET", "/a//b", "empty"), std::invalid_argument);
    EXPECT_NO_THROW(router.add("POST", "/a/{id}", "a post"));
}

TEST(GatewayRouter, ATrailingSlashIsItsOwnRoute) {
    Router<std::string> router;
    router.add("GET", "/ui", "redirect");
    router.add("GET", "/ui/", "page");
    router.add("GET", "/ui/{file}", "file");
    const auto target = [&](std::string_view path) {
        const auto result = router.match("GET", path);
        const auto* found = std::get_if<Router<std::string>::Found>(&result);
        return found ? *found->target : std::string("none");
    };
    EXPECT_EQ(target("/ui"), "redirect");
    EXPECT_EQ(target("/ui/"), "page");
    EXPECT_EQ(target("/ui/app.js"), "file");
    EXPECT_EQ(target("/ui//"), "none");
    EXPECT_THROW(router.add("GET", "/ui//x", "empty"), std::invalid_argument);
}

TEST(GatewayRouter, ListsEveryRouteForTheContractTest) {
    const auto routes = item_routes().routes();
    ASSERT_EQ(routes.size(), 7u);
    EXPECT_EQ(routes[0], (std::pair<std::string, std::string>{"POST", "/api/v1/workitems"}));
    EXPECT_EQ(routes[2], (std::pair<std::string, std::string>{"PATCH", "/api/v1/workitems/{id}"}));
    EXPECT_EQ(routes[6], (std::pair<std::string, std::string>{"GET", "/livez"}));
}

}  // namespace
}  // namespace workitem::gateway
