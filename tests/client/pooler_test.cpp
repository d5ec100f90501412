// Refusals remembered by idempotency keys through a transaction pooler (docs/sdk.md): the
// harness puts a real pgbouncer (pool_mode = transaction, its server sessions handed out round
// robin) in front of the test server. A refused keyed call, then its retries - after the item
// changed, through many server sessions - must get the same refusal every time, for a plain
// call, a scoped call (the gateway's path) and a call in a transaction.
#include "test_support.hpp"

#include <cstdlib>
#include <functional>
#include <string>
#include <thread>
#include <vector>

namespace workitem::testing {
namespace {

// The pgbouncer in front of the test server, or empty (scripts/test-client sets it).
std::string bouncer_dsn() {
    const char* dsn = std::getenv("WORKITEM_TEST_BOUNCER_DSN");
    return dsn ? dsn : "";
}

class ThroughPooler : public ServerTest {
  protected:
    void SetUp() override {
        ServerTest::SetUp();
        if (IsSkipped()) return;
        if (bouncer_dsn().empty())
            GTEST_SKIP() << "WORKITEM_TEST_BOUNCER_DSN is not set (scripts/test-client sets it)";
        options = test_options("workitem-test-pooler");
        options.dsn = bouncer_dsn();
        options.tenant = unique("tenant");
        // A transient error is retried on a connection the pooler may route anywhere.
        bounced = std::make_unique<Client>(options);
        open_every_server_session();
    }

    // Holds as many pooler connections busy at once as it has server sessions (and more), so
    // that every server session exists before the test and the round robin has them all to
    // rotate through.
    void open_every_server_session() {
        std::vector<std::jthread> sleepers;
        for (int i = 0; i < 8; ++i) {
            sleepers.emplace_back([this] {
                Client sleeper(options);
                sleeper.exec("SELECT pg_catalog.pg_sleep(0.2)");
            });
        }
    }

    // `count` items offered to ann and bob, each claimed by ann.
    std::vector<Item> claimed_by_ann(int count) {
        std::vector<Item> items;
        for (int i = 0; i < count; ++i) {
            const Item item = bounced->create({.workflow_id = unique("wf"),
                                               .task_name = "Review",
                                               .assignment = {.users = {ann, bob}}});
            items.push_back(bounced->claim(item.id, {.actor = ann}));
        }
        return items;
    }

    // bob's claim of each item with its own key is refused (ann holds it); ann then releases
    // every item, and each retry of bob's claim - several, from another client, in the round
    // robin of server sessions - must be refused alike, the items left offered.
    void expect_refusals_remembered(
        const std::function<void(const Item&, const std::string&)>& claim) {
        constexpr int count = 6;
        const std::vector<Item> items = claimed_by_ann(count);
        std::vector<std::string> keys;
        std::vector<Error> first;
        for (const Item& item : items) {
            keys.push_back(unique("key"));
            first.push_back(
                expect_error(ErrorKind::already_claimed, [&] { claim(item, keys.back()); }));
        }
        for (const Item& item : items) bounced->release(item.id, {.actor = ann});
        Client other(options);
        for (int round = 0; round < 3; ++round) {
            for (std::size_t i = 0; i < items.size(); ++i) {
                const Error retried = expect_error(ErrorKind::already_claimed, [&] {
                    other.claim(items[i].id, {.actor = bob, .idempotency_key = keys[i]});
                });
                EXPECT_EQ(retried.message(), first[i].message()) << "key " << keys[i];
            }
        }
        for (const Item& item : items) EXPECT_EQ(other.get(item.id).state, State::offered);
    }

    ClientOptions options;
    std::unique_ptr<Client> bounced;
    const std::string ann = unique("ann");
    const std::string bob = unique("bob");
};

TEST_F(ThroughPooler, PlainCallsRefusalIsRemembered) {
    expect_refusals_remembered([&](const Item& item, const std::string& key) {
        bounced->claim(item.id, {.actor = bob, .idempotency_key = key});
    });
}

// The gateway's path: the tenant, the capability and the trace context pipelined before the call.
TEST_F(ThroughPooler, ScopedCallsRefusalIsRemembered) {
    expect_refusals_remembered([&](const Item& item, const std::string& key) {
        bounced->scoped({.tenant = options.tenant, .on_behalf = "user"})
            .claim(item.id, {.actor = bob, .idempotency_key = key});
    });
}

TEST_F(ThroughPooler, RefusalInATransactionIsRemembered) {
    expect_refusals_remembered([&](const Item& item, const std::string& key) {
        bounced->in_transaction(
            [&](Tx& tx) { tx.claim(item.id, {.actor = bob, .idempotency_key = key}); });
    });
}

// Caught in a savepoint, the transaction commits: the refusal is stored with the commit.
TEST_F(ThroughPooler, RefusalCaughtInASavepointIsRemembered) {
    expect_refusals_remembered([&](const Item& item, const std::string& key) {
        std::optional<Error> refused;
        bounced->in_transaction([&](Tx& tx) {
            try {
                tx.savepoint([&](Tx& inner) {
                    inner.claim(item.id, {.actor = bob, .idempotency_key = key});
                });
            } catch (const Error& error) {
                refused = error;
            }
        });
        if (refused) throw_error(*refused);
    });
}

// A successful keyed call through the pooler commits (its BEGIN and COMMIT ride in its pipeline),
// and a failed one that is no refusal rolls its block back: either way the connection goes back
// to the pool and serves the next call.
TEST_F(ThroughPooler, KeyedCallsCommitOrRollBack) {
    const Item item = claimed_by_ann(1).front();
    const int open = bounced->pool_stats().open;
    const auto key = unique("key");
    const Item released = bounced->release(item.id, {.actor = ann, .idempotency_key = key});
    EXPECT_EQ(bounced->get(item.id).state, State::offered);
    EXPECT_EQ(bounced->release(item.id, {.actor = ann, .idempotency_key = key}).version,
              released.version);
    const Item held = bounced->claim(item.id, {.actor = bob, .idempotency_key = unique("key")});
    EXPECT_EQ(held.owner, bob);
    expect_error(ErrorKind::bad_value, [&] {
        bounced->complete(item.id,
                          {.actor = bob, .output = "{not json", .idempotency_key = unique("key")});
    });
    EXPECT_EQ(bounced->get(item.id).state, State::allocated);
    EXPECT_EQ(bounced->pool_stats().open, open);
    EXPECT_EQ(bounced->pool_stats().idle, open);
}

}  // namespace
}  // namespace workitem::testing
