// The admin operations through the client: feature flags, custom validators and strategies,
// and the timer's tick, each with its effect on items and who may call it.
#include "test_support.hpp"

#include <unistd.h>

#include <thread>

namespace workitem::testing {
namespace {

using namespace std::chrono_literals;

// A name usable as an SQL identifier and a strategy name: lowercase, digits, underscores.
std::string identifier(std::string_view prefix) {
    std::string name = unique(prefix);
    for (char& c : name) {
        if (c == '-') c = '_';
    }
    return name;
}

class Admin : public ServerTest {
  protected:
    // A client acting in a tenant of its own, so flags and items never touch other tests.
    std::unique_ptr<Client> in_own_tenant() {
        auto options = test_options();
        options.tenant = unique("tenant");
        return std::make_unique<Client>(options);
    }
};

TEST_F(Admin, SetFlagSwitchesAFeatureForOneTenant) {
    auto tenant_client = in_own_tenant();
    const auto& tenant = tenant_client->options().tenant;
    const FeatureFlag off = client->set_flag("idempotency", false, {.tenant = tenant});
    EXPECT_EQ(off.tenant_id, tenant);
    EXPECT_EQ(off.name, "idempotency");
    EXPECT_FALSE(off.enabled);
    expect_error(ErrorKind::feature_disabled, [&] {
        tenant_client->create(
            {.workflow_id = unique("wf"), .task_name = "Review", .idempotency_key = unique("k")});
    });
    EXPECT_TRUE(client->set_flag("idempotency", true, {.tenant = tenant}).enabled);
    EXPECT_NO_THROW(tenant_client->create(
        {.workflow_id = unique("wf"), .task_name = "Review", .idempotency_key = unique("k")}));
    expect_error(ErrorKind::invalid_input, [&] { client->set_flag("no_such_flag", true); });
}

// A worker's claim without lease_seconds takes its queue's default (docs/domain.md §5).
TEST_F(Admin, SetLeaseDefaultLeasesAWorkersClaimInTheQueue) {
    const auto queue = unique("queue");
    const auto ann = unique("ann");
    EXPECT_FALSE(client->set_lease_default({.queue = queue}, 120));
    EXPECT_EQ(client->set_lease_default({.queue = queue}, 60), 120);
    client->create({.workflow_id = unique("wf"),
                    .task_name = "T",
                    .assignment = Assignment{.users = {ann}},
                    .queue = queue});
    const auto item = client->claim_next({.actor = ann, .queue = queue});
    ASSERT_TRUE(item);
    ASSERT_TRUE(item->lease_until);
    EXPECT_GT(*item->lease_until, item->updated_at + 50s);
    EXPECT_LT(*item->lease_until, item->updated_at + 70s);
    EXPECT_FALSE(item->lease_seconds);  // the default is not the item's own lease
    EXPECT_EQ(client->set_lease_default({.queue = queue}, std::nullopt), 60);
    expect_error(ErrorKind::invalid_input, [&] { client->set_lease_default({}, 10); });
}

TEST_F(Admin, ATaskFormIsSetReadReplacedAndRemoved) {
    const auto task = unique("Approve");
    EXPECT_FALSE(client->task_form(task));
    EXPECT_FALSE(client->set_task_form(task, R"({"type": "object"})"));
    EXPECT_EQ(client->set_task_form(task, R"({"type": "object", "required": ["ok"]})"),
              R"({"type": "object"})");
    EXPECT_EQ(client->task_form(task), R"({"type": "object", "required": ["ok"]})");
    EXPECT_TRUE(client->set_task_form(task, std::nullopt));
    EXPECT_FALSE(client->task_form(task));
    expect_error(ErrorKind::invalid_input, [&] { client->set_task_form(task, "[1]"); });
}

TEST_F(Admin, ARegisteredValidatorDeniesUntilUnregistered) {
    const auto function = identifier("deny");
    superuser->exec("CREATE FUNCTION " + superuser->identifier(function) +
                    "(item workitem.item, operation text, actor text) RETURNS text "
                    "LANGUAGE sql SET search_path = pg_catalog, pg_temp AS $$ SELECT 'closed for "
                    "audit'::text $$");
    const auto task = unique("Audited");
    const CustomValidator validator =
        client->register_validator(function, {.task_name = task, .operation = "claim"});
    EXPECT_GT(validator.id, 0);
    EXPECT_EQ(validator.tenant_id, "*");
    EXPECT_EQ(validator.task_name, task);
    EXPECT_EQ(validator.operation, "claim");
    EXPECT_NE(validator.function.find(function), std::string::npos);

    const Item item = offered_to({"ann"}, task);
    const Error denied = expect_error(ErrorKind::denied_by_validator,
                                      [&] { client->claim(item.id, {.actor = "ann"}); });
    EXPECT_EQ(denied.message().rfind("closed for audit", 0), 0u) << denied.message();

    EXPECT_TRUE(client->unregister_validator(validator.id));
    EXPECT_FALSE(client->unregister_validator(validator.id));
    EXPECT_EQ(client->claim(item.id, {.actor = "ann"}).owner, "ann");

    expect_error(ErrorKind::invalid_input, [&] { client->register_validator("pg_catalog.now"); });
    expect_error(ErrorKind::invalid_input,
                 [&] { client->register_validator(function, {.operation = "no_such_operation"}); });
}

TEST_F(Admin, ARegisteredStrategyChoosesTheOwner) {
    const auto function = identifier("pick_last");
    superuser->exec("CREATE FUNCTION " + superuser->identifier(function) +
                    "(task_name text, workflow_id text, input jsonb, eligible text[]) RETURNS text "
                    "LANGUAGE sql SET search_path = pg_catalog, pg_temp AS $$ SELECT max(u) FROM "
                    "unnest(eligible) AS u $$");
    const auto name = identifier("last");
    const CustomStrategy strategy = client->register_strategy(name, function);
    EXPECT_EQ(strategy.name, name);
    EXPECT_NE(strategy.function.find(function), std::string::npos);
    EXPECT_EQ(client->register_strategy(name, function).name, name);  // replaces: no error

    auto tenant_client = in_own_tenant();
    tenant_client->put_user({.user_id = "ann"});
    tenant_client->put_user({.user_id = "bob"});
    const Item item =
        tenant_client->create({.workflow_id = unique("wf"),
                               .task_name = "Review",
                               .assignment = {.users = {"ann", "bob"}, .strategy = name}});
    EXPECT_EQ(item.owner, "bob");
    EXPECT_EQ(item.state, State::allocated);

    expect_error(ErrorKind::invalid_input, [&] { client->register_strategy("offer", function); });
    expect_error(ErrorKind::invalid_input,
                 [&] { client->register_strategy(name, "pg_catalog.now"); });
}

TEST_F(Admin, TickActivatesDueItems) {
    auto tenant_client = in_own_tenant();
    const auto activate_at = to_timestamp(std::chrono::system_clock::now() + 500ms);
    const Item item = tenant_client->create({.workflow_id = unique("wf"),
                                             .task_name = "Later",
                                             .assignment = {.users = {"ann"}},
                                             .activate_at = activate_at});
    EXPECT_EQ(item.state, State::created);
    std::this_thread::sleep_until(activate_at + 100ms);
    const auto rows = tenant_client->tick(100);
    ASSERT_FALSE(rows.empty());
    EXPECT_TRUE(std::any_of(rows.begin(), rows.end(),
                            [](const TickResult& row) { return row.action == "activate"; }));
    // The tick, or the background worker just before it, activated it.
    EXPECT_EQ(tenant_client->get(item.id).state, State::offered);
    expect_error(ErrorKind::invalid_input, [&] { client->tick(0); });
}

// docs/security.md: tick needs the service capability (it acts on every tenant's items); an
// administrator may not tick.
TEST_F(Admin, OnlySuperusersRegisterOnlyServicesTickAndAdministratorsFlag) {
    auto login_as = [&](const std::string& workitem_role) {
        const auto role = unique(workitem_role);
        superuser->exec("CREATE ROLE " + superuser->identifier(role) + " LOGIN IN ROLE " +
                        superuser->identifier(workitem_role));
        auto options = test_options();
        options.dsn = test_dsn() + "?user=" + role;
        return std::make_unique<Client>(options);
    };
    auto service = login_as("workitem_service");
    auto admin = login_as("workitem_admin");
    auto user = login_as("workitem_user");
    EXPECT_NO_THROW(service->tick(1));
    expect_error(ErrorKind::permission_denied, [&] { admin->tick(1); });
    expect_error(ErrorKind::permission_denied,
                 [&] { admin->register_validator("pg_catalog.now"); });
    expect_error(ErrorKind::permission_denied, [&] { admin->unregister_validator(1); });
    expect_error(ErrorKind::permission_denied,
                 [&] { admin->register_strategy("x", "pg_catalog.now"); });
    expect_error(ErrorKind::permission_denied, [&] { user->tick(1); });
    expect_error(ErrorKind::permission_denied, [&] { user->set_flag("idempotency", true); });
}

}  // namespace
}  // namespace workitem::testing
