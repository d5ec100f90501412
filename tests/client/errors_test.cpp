// Every error kind the client can report, each provoked for real against the server.
#include "test_support.hpp"

#include <thread>

namespace workitem::testing {
namespace {

using namespace std::chrono_literals;

class Errors : public ServerTest {};

TEST_F(Errors, NotFound) {
    const Error error = expect_error(ErrorKind::not_found, [&] { client->get(999999999); });
    EXPECT_EQ(error.sqlstate(), "WI404");
    EXPECT_FALSE(error.transient());
}

TEST_F(Errors, InvalidInput) {
    expect_error(ErrorKind::invalid_input, [&] { client->worklist("ann", {.page_size = 0}); });
}

TEST_F(Errors, StateConflict) {
    const auto ann = unique("ann");
    const Item item = claimed_by(ann);
    client->complete(item.id, {.actor = ann});
    const Error error =
        expect_error(ErrorKind::state_conflict, [&] { client->complete(item.id, {.actor = ann}); });
    EXPECT_FALSE(error.detail().empty());
    EXPECT_FALSE(error.hint().empty());
}

TEST_F(Errors, VersionConflict) {
    const auto ann = unique("ann");
    const Item item = offered_to({ann});
    expect_error(ErrorKind::version_conflict,
                 [&] { client->claim(item.id, {.actor = ann, .expected_version = 7}); });
}

TEST_F(Errors, AlreadyClaimed) {
    const auto ann = unique("ann");
    const auto bob = unique("bob");
    const Item item = offered_to({ann, bob});
    client->claim(item.id, {.actor = ann});
    expect_error(ErrorKind::already_claimed, [&] { client->claim(item.id, {.actor = bob}); });
}

TEST_F(Errors, NotAuthorized) {
    const Item item = offered_to({unique("ann")});
    expect_error(ErrorKind::not_authorized,
                 [&] { client->claim(item.id, {.actor = unique("stranger")}); });
}

TEST_F(Errors, ConstraintViolated) {
    const auto ann = unique("ann");
    const Item item = client->create({.workflow_id = unique("wf"),
                                      .task_name = "T",
                                      .assignment = {.users = {ann}, .excluded_users = {ann}}});
    expect_error(ErrorKind::constraint_violated, [&] { client->claim(item.id, {.actor = ann}); });
}

TEST_F(Errors, NotActiveYet) {
    const auto ann = unique("ann");
    const Item item =
        client->create({.workflow_id = unique("wf"),
                        .task_name = "T",
                        .assignment = {.users = {ann}},
                        .activate_at = to_timestamp(std::chrono::system_clock::now() + 1h)});
    EXPECT_EQ(item.state, State::created);
    expect_error(ErrorKind::not_active_yet, [&] { client->claim(item.id, {.actor = ann}); });
}

TEST_F(Errors, ExpiredAndLeaseLost) {
    const auto ann = unique("ann");
    const Item expiring =
        client->create({.workflow_id = unique("wf"),
                        .task_name = "T",
                        .assignment = {.users = {ann}},
                        .expires_at = to_timestamp(std::chrono::system_clock::now() + 1s)});
    const Item leased = client->claim(offered_to({ann}).id, {.actor = ann, .lease_seconds = 1});
    std::this_thread::sleep_for(1200ms);
    expect_error(ErrorKind::expired, [&] { client->claim(expiring.id, {.actor = ann}); });
    expect_error(ErrorKind::lease_lost, [&] { client->complete(leased.id, {.actor = ann}); });
}

TEST_F(Errors, IdempotencyKeyReused) {
    const auto ann = unique("ann");
    const auto key = unique("key");
    const Item first = offered_to({ann});
    const Item second = offered_to({ann});
    const Item claimed = client->claim(first.id, {.actor = ann, .idempotency_key = key});
    // The same request with the same key replays the outcome; another request is refused.
    EXPECT_EQ(client->claim(first.id, {.actor = ann, .idempotency_key = key}).version,
              claimed.version);
    expect_error(ErrorKind::idempotency_key_reused,
                 [&] { client->claim(second.id, {.actor = ann, .idempotency_key = key}); });
}

// A refused call with the application's key stores its refusal (docs/sdk.md): a retry - from
// another client, after the item changed - gets the same error instead of running again.
TEST_F(Errors, RefusalRememberedByKey) {
    const auto ann = unique("ann");
    const auto bob = unique("bob");
    const auto key = unique("key");
    const Item item = offered_to({ann, bob});
    client->claim(item.id, {.actor = ann});
    const Error first = expect_error(ErrorKind::already_claimed, [&] {
        client->claim(item.id, {.actor = bob, .idempotency_key = key});
    });
    client->release(item.id, {.actor = ann});
    Client other(test_options("workitem-test-retry"));
    const Error retried = expect_error(ErrorKind::already_claimed, [&] {
        other.claim(item.id, {.actor = bob, .idempotency_key = key});
    });
    EXPECT_EQ(retried.message(), first.message());
    EXPECT_EQ(retried.detail(), first.detail());
    EXPECT_EQ(other.get(item.id).state, State::offered);
    // The same in a transaction: stored once it is rolled back.
    const auto tx_key = unique("key");
    client->claim(item.id, {.actor = ann});
    expect_error(ErrorKind::already_claimed, [&] {
        client->in_transaction(
            [&](Tx& tx) { tx.claim(item.id, {.actor = bob, .idempotency_key = tx_key}); });
    });
    client->release(item.id, {.actor = ann});
    expect_error(ErrorKind::already_claimed,
                 [&] { other.claim(item.id, {.actor = bob, .idempotency_key = tx_key}); });
}

TEST_F(Errors, DeniedByValidator) {
    const auto task = unique("DeniedTask");
    superuser->exec(
        "CREATE OR REPLACE FUNCTION public.client_test_deny(workitem.item, text, text) "
        "RETURNS text LANGUAGE sql SET search_path = pg_catalog, pg_temp "
        "AS $$ SELECT 'closed for the holidays' $$");
    superuser->exec(
        "SELECT workitem_register_validator('public.client_test_deny', task_name => $1, "
        "operation => 'claim')",
        {task});
    const auto ann = unique("ann");
    const Item item = offered_to({ann}, task);
    const Error error = expect_error(ErrorKind::denied_by_validator,
                                     [&] { client->claim(item.id, {.actor = ann}); });
    EXPECT_NE(error.message().find("closed for the holidays"), std::string::npos);
}

TEST_F(Errors, FeatureDisabled) {
    auto options = test_options();
    options.tenant = unique("tenant");
    superuser->exec("SELECT workitem_set_flag('strategy.random', false, tenant => $1)",
                    {options.tenant});
    Client tenant_client(options);
    expect_error(ErrorKind::feature_disabled, [&] {
        tenant_client.create({.workflow_id = unique("wf"),
                              .task_name = "T",
                              .assignment = {.users = {"ann"}, .strategy = "random"}});
    });
}

TEST_F(Errors, BadValue) {
    const auto ann = unique("ann");
    const Item item = claimed_by(ann);
    const Error error = expect_error(ErrorKind::bad_value, [&] {
        client->complete(item.id, {.actor = ann, .output = "{not json"});
    });
    EXPECT_EQ(error.sqlstate(), "22P02");
}

TEST_F(Errors, PermissionDenied) {
    const auto role = unique("nobody");
    superuser->exec("CREATE ROLE " + superuser->identifier(role) + " LOGIN");
    auto options = test_options();
    options.dsn = test_dsn() + "?user=" + role;
    Client nobody(options);
    expect_error(ErrorKind::permission_denied, [&] { nobody.get(1); });
}

TEST_F(Errors, DatabaseErrorForAnythingElse) {
    expect_error(ErrorKind::database_error, [&] {
        client->in_transaction([](Tx& tx) { tx.exec("SELECT * FROM no_such_table"); });
    });
}

TEST_F(Errors, TransientSqlstatesKeepTheirKindAfterTheLastAttempt) {
    const std::vector<std::pair<const char*, ErrorKind>> raised{
        {"40001", ErrorKind::serialization_failure},
        {"40P01", ErrorKind::deadlock},
        {"55P03", ErrorKind::lock_not_available},
        {"57014", ErrorKind::query_cancelled}};
    for (const auto& [sqlstate, kind] : raised) {
        int attempts = 0;
        expect_error(kind, [&] {
            client->in_transaction([&](Tx& tx) {
                ++attempts;
                // A DO block takes no parameters: the SQLSTATE reaches it as a setting.
                tx.exec("SELECT pg_catalog.set_config('workitem_test.sqlstate', $1, true)",
                        sqlstate);
                tx.exec(
                    "DO $$ BEGIN RAISE EXCEPTION 'raised' USING ERRCODE = "
                    "current_setting('workitem_test.sqlstate'); END $$");
            });
        });
        EXPECT_EQ(attempts, client->options().retry.max_attempts) << sqlstate;
    }
}

TEST_F(Errors, ConnectionLostAndThenCircuitOpen) {
    auto options = test_options();
    options.dsn = "postgresql://postgres@127.0.0.1:1/nothing";
    options.retry.max_attempts = 1;
    options.circuit_breaker = {.failure_threshold = 2, .open_for = 60s};
    Client unreachable(options);
    expect_error(ErrorKind::connection_lost, [&] { unreachable.get(1); });
    expect_error(ErrorKind::connection_lost, [&] { unreachable.get(1); });
    const auto started = std::chrono::steady_clock::now();
    expect_error(ErrorKind::circuit_open, [&] { unreachable.get(1); });
    EXPECT_LT(std::chrono::steady_clock::now() - started, 100ms);
}

TEST_F(Errors, InvalidArgumentBeforeAnythingIsSent) {
    expect_error(ErrorKind::invalid_argument, [&] {
        client->create(
            {.workflow_id = "w", .task_name = "t", .assignment = {.users = {"a"}, .json = "{}"}});
    });
    expect_error(ErrorKind::invalid_argument,
                 [&] { client->create_many({{.workflow_id = "w", .input = "{nope"}}); });
    // The actor and the key of create_many are the call's (CreateManyOptions), not an item's.
    expect_error(ErrorKind::invalid_argument, [&] {
        client->create_many({{.actor = "ann", .workflow_id = "w", .task_name = "t"}});
    });
    expect_error(ErrorKind::invalid_argument, [&] {
        client->create_many({{.workflow_id = "w", .task_name = "t", .idempotency_key = "k"}});
    });
}

}  // namespace
}  // namespace workitem::testing
