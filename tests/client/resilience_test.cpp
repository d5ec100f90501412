// Faults, provoked for real: a full pool, a backend killed in the middle of a call
// (pg_terminate_backend), a call that runs past its timeout, a lock timeout. These tests lock
// tables and kill backends, so CTest runs them alone (RUN_SERIAL).
#include "test_support.hpp"

#include <atomic>
#include <future>
#include <mutex>
#include <thread>

namespace workitem::testing {
namespace {

using namespace std::chrono_literals;

// Counts the client's retries by what its logger is told.
struct RetryCounter {
    std::shared_ptr<std::atomic<int>> retries = std::make_shared<std::atomic<int>>(0);
    Logger logger() const {
        return [retries = retries](LogLevel, std::string_view message) {
            if (message.find("retrying") != std::string_view::npos) ++*retries;
        };
    }
    int count() const { return retries->load(); }
};

// A statement that takes a lock, with its values as parameters.
struct LockSql {
    std::string sql;
    std::vector<Parameter> parameters{};
};

class Resilience : public ServerTest {
  protected:
    void SetUp() override {
        ServerTest::SetUp();
        if (IsSkipped()) return;
        application = unique("victim");
        auto options = test_options(application);
        options.logger = retries.logger();
        victim = std::make_unique<Client>(options);
        locker = std::make_unique<RawConnection>(test_dsn());
        killer = std::make_unique<RawConnection>(test_dsn());
    }

    // The pid of a backend of the victim client that waits for a lock, other than `not_this`.
    std::string waiting_backend(const std::string& not_this = "0") {
        std::string pid;
        eventually([&] {
            pid = killer
                      ->exec(
                          "SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND "
                          "wait_event_type = 'Lock' AND pid <> $2 LIMIT 1",
                          {application, not_this})
                      .value_or("");
            return !pid.empty();
        });
        return pid;
    }

    // Holds `lock_sql` in a transaction, kills the victim's backend once it waits for it, and
    // (when `release_after_retry`) lets go once the retried call waits again.
    template <class Call>
    auto kill_mid_call(const LockSql& lock, bool release_after_retry, Call call) {
        locker->exec("BEGIN");
        locker->exec(lock.sql, lock.parameters);
        auto running = std::async(std::launch::async, call);
        const std::string first = waiting_backend();
        EXPECT_FALSE(first.empty()) << "the call never waited for the lock";
        killer->exec("SELECT pg_terminate_backend($1)", {first});
        if (release_after_retry) {
            EXPECT_FALSE(waiting_backend(first).empty()) << "the call was not retried";
        }
        locker->exec("COMMIT");
        return running.get();
    }

    static LockSql row_lock(const Item& item) {
        return {"SELECT 1 FROM workitem.item WHERE id = $1 FOR UPDATE", {std::to_string(item.id)}};
    }

    std::string application;
    RetryCounter retries;
    std::unique_ptr<Client> victim;
    std::unique_ptr<RawConnection> locker;
    std::unique_ptr<RawConnection> killer;
};

TEST_F(Resilience, AnExhaustedPoolTimesOutInsteadOfHanging) {
    auto options = test_options();
    options.pool_size = 1;
    options.acquire_timeout = 200ms;
    Client small(options);
    std::promise<void> holding, release;
    auto holder = std::async(std::launch::async, [&] {
        small.in_transaction([&](Tx& tx) {
            tx.exec("SELECT 1");
            holding.set_value();
            release.get_future().wait();
        });
    });
    holding.get_future().wait();
    const auto started = std::chrono::steady_clock::now();
    expect_error(ErrorKind::pool_timeout, [&] { small.get(1); });
    const auto waited = std::chrono::steady_clock::now() - started;
    EXPECT_GE(waited, 200ms);
    EXPECT_LT(waited, 2s);
    EXPECT_EQ(small.pool_stats().open, 1);
    release.set_value();
    holder.get();
    expect_error(ErrorKind::not_found, [&] { small.get(999999999); });  // the pool works again
}

TEST_F(Resilience, AReadKilledMidCallIsRetried) {
    const Item item = offered_to({unique("ann")});
    const Item read = kill_mid_call({"LOCK TABLE workitem.item IN ACCESS EXCLUSIVE MODE"}, true,
                                    [&] { return victim->get(item.id); });
    EXPECT_EQ(read.id, item.id);
    EXPECT_GE(retries.count(), 1);
}

TEST_F(Resilience, AMutationKilledMidCallWithoutAKeyIsReportedInDoubt) {
    const auto ann = unique("ann");
    const Item item = offered_to({ann});
    const Error error = kill_mid_call(row_lock(item), false, [&] {
        try {
            victim->claim(item.id, {.actor = ann});
        } catch (const Error& caught) {
            return caught;
        }
        return Error(ErrorKind::unexpected_result, "the claim succeeded");
    });
    EXPECT_EQ(error.kind(), ErrorKind::in_doubt) << error.what();
    EXPECT_EQ(retries.count(), 0);
}

TEST_F(Resilience, AMutationKilledMidCallWithAKeyIsRetried) {
    const auto ann = unique("ann");
    const Item item = offered_to({ann});
    const Item claimed = kill_mid_call(row_lock(item), true, [&] {
        return victim->claim(item.id, {.actor = ann, .idempotency_key = unique("key")});
    });
    EXPECT_EQ(claimed.owner, ann);
    EXPECT_EQ(claimed.version, 2);
    EXPECT_GE(retries.count(), 1);
}

TEST_F(Resilience, ClaimNextWithGeneratedKeysIsRetriedAndTakesOneItem) {
    auto options = test_options(application);
    options.generate_idempotency_keys = true;
    options.logger = retries.logger();
    victim = std::make_unique<Client>(options);
    const auto ann = unique("ann");
    const auto queue = unique("queue");
    for (int i = 0; i < 2; ++i) {
        client->create({.workflow_id = unique("wf"),
                        .task_name = "T",
                        .assignment = {.users = {ann}},
                        .queue = queue});
    }
    const auto claimed =
        kill_mid_call({"LOCK TABLE workitem.idempotency_key IN ACCESS EXCLUSIVE MODE"}, true,
                      [&] { return victim->claim_next({.actor = ann, .queue = queue}); });
    ASSERT_TRUE(claimed);
    EXPECT_GE(retries.count(), 1);
    EXPECT_EQ(client->count({.state = State::allocated, .queue = queue}), 1);

    // What makes the retry safe: the same key answers with the same item, however often it is sent.
    const auto key = unique("key");
    const auto first = client->claim_next({.actor = ann, .queue = queue, .idempotency_key = key});
    const auto again = client->claim_next({.actor = ann, .queue = queue, .idempotency_key = key});
    ASSERT_TRUE(first && again);
    EXPECT_EQ(first->id, again->id);
}

TEST_F(Resilience, AConnectionKilledWhileIdleIsReplacedBeforeUse) {
    const auto ann = unique("ann");
    const Item item = offered_to({ann});
    victim->get(item.id);  // a connection is now idle in the pool
    killer->exec(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1",
        {application});
    eventually([&] {
        return killer->exec("SELECT count(*) FROM pg_stat_activity WHERE application_name = $1",
                            {application}) == "0";
    });
    // Past the window in which a connection that just answered is lent unchecked.
    std::this_thread::sleep_for(victim->options().liveness_check_after_idle);
    // A mutation without a key: had the dead connection been used, it would be in doubt.
    EXPECT_EQ(victim->claim(item.id, {.actor = ann}).owner, ann);
}

TEST_F(Resilience, WithNoBypassWindowAConnectionKilledWhileIdleIsReplacedAtOnce) {
    auto options = test_options(application + "-checked");
    options.liveness_check_after_idle = 0ms;
    Client checked(options);
    const auto ann = unique("ann");
    const Item item = offered_to({ann});
    checked.get(item.id);
    killer->exec(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1",
        {options.application_name});
    eventually([&] {
        return killer->exec("SELECT count(*) FROM pg_stat_activity WHERE application_name = $1",
                            {options.application_name}) == "0";
    });
    EXPECT_EQ(checked.claim(item.id, {.actor = ann}).owner, ann);
}

TEST_F(Resilience, BusinessErrorsAreNeverRetried) {
    const auto ann = unique("ann");
    const Item item = claimed_by(ann);
    expect_error(ErrorKind::already_claimed,
                 [&] { victim->claim(item.id, {.actor = unique("bob")}); });
    expect_error(ErrorKind::not_found, [&] { victim->get(999999999); });
    EXPECT_EQ(retries.count(), 0);
}

TEST_F(Resilience, ACallPastTheStatementTimeoutIsCancelled) {
    auto options = test_options(application);
    options.statement_timeout = 200ms;
    options.retry.max_attempts = 2;
    options.logger = retries.logger();
    Client impatient(options);
    const Item item = offered_to({unique("ann")});
    locker->exec("BEGIN");
    locker->exec("LOCK TABLE workitem.item IN ACCESS EXCLUSIVE MODE");
    const auto started = std::chrono::steady_clock::now();
    expect_error(ErrorKind::timeout, [&] { impatient.get(item.id); });
    EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
    EXPECT_EQ(retries.count(), 1);
    locker->exec("COMMIT");
    EXPECT_EQ(impatient.get(item.id).id, item.id);  // the cancelled connection still works
}

TEST_F(Resilience, ALockTimeoutRetriesTheTransaction) {
    const auto ann = unique("ann");
    const Item item = offered_to({ann});
    locker->exec("BEGIN");
    locker->exec("SELECT 1 FROM workitem.item WHERE id = $1 FOR UPDATE", {std::to_string(item.id)});
    std::atomic<int> attempts{0};
    const Item claimed = victim->in_transaction([&](Tx& tx) {
        if (++attempts == 2) locker->exec("COMMIT");
        tx.exec("SET LOCAL lock_timeout = '100ms'");
        return tx.claim(item.id, {.actor = ann});
    });
    EXPECT_EQ(claimed.owner, ann);
    EXPECT_EQ(attempts.load(), 2);
}

}  // namespace
}  // namespace workitem::testing
