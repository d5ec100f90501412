// in_transaction: the work item's change and the application's SQL commit together or not at
// all; business errors are not retried, transient ones retry the whole transaction.
#include "test_support.hpp"

#include <stdexcept>

namespace workitem::testing {
namespace {

class Transactions : public ServerTest {
  protected:
    void SetUp() override {
        ServerTest::SetUp();
        if (IsSkipped()) return;
        table = superuser->identifier(unique("app_table"));
        superuser->exec("CREATE TABLE " + table + " (id bigint PRIMARY KEY, note text)");
    }
    std::string rows_in_table() {
        return superuser->exec("SELECT count(*) FROM " + table).value_or("?");
    }
    std::string table;
};

TEST_F(Transactions, ItemAndApplicationRowCommitTogether) {
    const auto ann = unique("ann");
    const Item item = claimed_by(ann);
    const Item done = client->in_transaction([&](Tx& tx) {
        tx.exec("INSERT INTO " + table + " VALUES ($1, $2)", item.id, "approved");
        return tx.complete(item.id, {.actor = ann, .output = R"({"ok": true})"});
    });
    EXPECT_EQ(done.state, State::completed);
    EXPECT_EQ(rows_in_table(), "1");
    EXPECT_EQ(client->get(item.id).state, State::completed);
}

TEST_F(Transactions, AnExceptionRollsBackBoth) {
    const auto ann = unique("ann");
    const Item item = claimed_by(ann);
    EXPECT_THROW(client->in_transaction([&](Tx& tx) {
        tx.complete(item.id, {.actor = ann});
        tx.exec("INSERT INTO " + table + " VALUES ($1, NULL)", item.id);
        throw std::runtime_error("the application changed its mind");
    }),
                 std::runtime_error);
    EXPECT_EQ(rows_in_table(), "0");
    EXPECT_EQ(client->get(item.id).state, State::allocated);
}

TEST_F(Transactions, BusinessErrorsRollBackAndAreNotRetried) {
    const auto ann = unique("ann");
    const Item item = claimed_by(ann);
    int attempts = 0;
    expect_error(ErrorKind::already_claimed, [&] {
        client->in_transaction([&](Tx& tx) {
            ++attempts;
            tx.exec("INSERT INTO " + table + " VALUES (1, 'x')");
            tx.claim(item.id, {.actor = unique("bob")});
        });
    });
    EXPECT_EQ(attempts, 1);
    EXPECT_EQ(rows_in_table(), "0");
}

TEST_F(Transactions, ATransientFailureRetriesTheWholeTransaction) {
    int attempts = 0;
    client->in_transaction([&](Tx& tx) {
        ++attempts;
        tx.exec("INSERT INTO " + table + " VALUES ($1, 'attempt')", attempts);
        if (attempts == 1)
            tx.exec("DO $$ BEGIN RAISE EXCEPTION 'conflict' USING ERRCODE = '40001'; END $$");
    });
    EXPECT_EQ(attempts, 2);
    EXPECT_EQ(superuser->exec("SELECT string_agg(id::text, ',') FROM " + table), "2");
}

TEST_F(Transactions, IsolationLevelAndTenantApply) {
    auto options = test_options();
    options.tenant = unique("tenant");
    Client tenant_client(options);
    const auto answer =
        tenant_client.in_transaction({.isolation = IsolationLevel::serializable}, [](Tx& tx) {
            return tx.exec(
                "SELECT current_setting('transaction_isolation'), "
                "current_setting('workitem.tenant')");
        });
    ASSERT_EQ(answer.rows.size(), 1u);
    EXPECT_EQ(answer.rows[0][0], "serializable");
    EXPECT_EQ(answer.rows[0][1], options.tenant);
    EXPECT_EQ(answer.columns.size(), 2u);
}

TEST_F(Transactions, AFailedStatementSwallowedByTheApplicationStillRollsBack) {
    const auto ann = unique("ann");
    const Item item = claimed_by(ann);
    expect_error(ErrorKind::database_error, [&] {
        client->in_transaction([&](Tx& tx) {
            tx.complete(item.id, {.actor = ann});
            try {
                tx.exec("SELECT * FROM no_such_table");
            } catch (const Error&) {
                // swallowed: the transaction is still aborted, so the commit must not claim success
            }
        });
    });
    EXPECT_EQ(client->get(item.id).state, State::allocated);
}

TEST_F(Transactions, ExecReportsAffectedRowsAndNulls) {
    const auto result = client->in_transaction([&](Tx& tx) {
        tx.exec("INSERT INTO " + table + " VALUES (1, NULL), (2, 'b')");
        return tx.exec("UPDATE " + table + " SET note = $1 WHERE note IS NULL RETURNING id, note",
                       nullptr);
    });
    EXPECT_EQ(result.affected_rows, 1);
    ASSERT_EQ(result.rows.size(), 1u);
    EXPECT_FALSE(result.rows[0][1].has_value());
}

}  // namespace
}  // namespace workitem::testing
