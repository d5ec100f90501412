// The directory's reads and removal through the client (issue 18): one user with their groups,
// users and groups keyset-paged, removal, and another tenant's directory out of sight.
#include "test_support.hpp"

namespace workitem::testing {
namespace {

class Directory : public ServerTest {
  protected:
    // A client acting in a tenant of its own, so the listings hold only this test's users.
    std::unique_ptr<Client> in_own_tenant() {
        auto options = test_options();
        options.tenant = unique("directory");
        return std::make_unique<Client>(options);
    }

    static std::vector<std::string> ids(const std::vector<DirectoryUser>& users) {
        std::vector<std::string> names;
        for (const auto& user : users) names.push_back(user.user_id);
        return names;
    }
};

TEST_F(Directory, ReadsUsersWithTheirGroupsAPageAtATime) {
    auto tenant = in_own_tenant();
    tenant->put_user({.user_id = "ann", .groups = {"zeta", "alpha, \"quoted\""}, .capacity = 3});
    tenant->put_user({.user_id = "bob", .groups = {"zeta"}, .available = false});
    tenant->put_user({.user_id = "cy"});

    const DirectoryUser ann = tenant->get_user("ann");
    EXPECT_EQ(ann.tenant_id, tenant->options().tenant);
    EXPECT_EQ(ann.groups, (std::vector<std::string>{"alpha, \"quoted\"", "zeta"}));
    EXPECT_EQ(ann.capacity, 3);
    EXPECT_TRUE(tenant->get_user("cy").groups.empty());
    EXPECT_FALSE(tenant->get_user("bob").available);

    EXPECT_EQ(ids(tenant->list_users()), (std::vector<std::string>{"ann", "bob", "cy"}));
    EXPECT_EQ(ids(tenant->list_users({.page_size = 2})), (std::vector<std::string>{"ann", "bob"}));
    EXPECT_EQ(ids(tenant->list_users({.after = "bob"})), (std::vector<std::string>{"cy"}));
    EXPECT_EQ(ids(tenant->list_users({.group_id = "zeta"})),
              (std::vector<std::string>{"ann", "bob"}));

    const auto groups = tenant->list_groups();
    ASSERT_EQ(groups.size(), 2u);
    EXPECT_EQ(groups[0].group_id, "alpha, \"quoted\"");
    EXPECT_EQ(groups[0].members, 1);
    EXPECT_EQ(groups[1].group_id, "zeta");
    EXPECT_EQ(groups[1].members, 2);
    EXPECT_EQ(tenant->list_groups({.after = "alpha, \"quoted\"", .page_size = 1}).size(), 1u);

    expect_error(ErrorKind::invalid_input, [&] { tenant->list_users({.page_size = 0}); });
    expect_error(ErrorKind::not_found, [&] { tenant->get_user("nobody"); });
}

TEST_F(Directory, RemovesAUserAndTheirMembershipsButNotTheirItems) {
    auto tenant = in_own_tenant();
    tenant->put_user({.user_id = "ann", .groups = {"team"}});
    tenant->put_user({.user_id = "bob", .groups = {"team"}});
    const Item held = tenant->claim(tenant
                                        ->create({.workflow_id = unique("wf"),
                                                  .task_name = "Review",
                                                  .assignment = {.users = {"bob"}}})
                                        .id,
                                    {.actor = "bob"});

    EXPECT_TRUE(tenant->delete_user("bob"));
    EXPECT_FALSE(tenant->delete_user("bob"));  // a second removal finds nobody
    expect_error(ErrorKind::not_found, [&] { tenant->get_user("bob"); });
    EXPECT_EQ(ids(tenant->list_users({.group_id = "team"})), (std::vector<std::string>{"ann"}));

    const Item still = tenant->get(held.id);
    EXPECT_EQ(still.owner, "bob");
    EXPECT_EQ(still.state, State::allocated);
    EXPECT_EQ(still.version, held.version);
}

TEST_F(Directory, AnotherTenantsUsersAreOutOfSight) {
    auto mine = in_own_tenant();
    auto theirs = in_own_tenant();
    const std::string user = unique("user");
    mine->put_user({.user_id = user, .groups = {"team"}});

    expect_error(ErrorKind::not_found, [&] { theirs->get_user(user); });
    EXPECT_TRUE(theirs->list_users().empty());
    EXPECT_TRUE(theirs->list_groups().empty());
    EXPECT_FALSE(theirs->delete_user(user));
    EXPECT_EQ(mine->get_user(user).user_id, user);
}

}  // namespace
}  // namespace workitem::testing
