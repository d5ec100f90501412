// Sixteen threads share one Client (also run under ThreadSanitizer): the pool, the breaker and
// the retry state are shared; every call still gets its own answer, and claim_next never hands
// one item to two workers.
#include "test_support.hpp"

#include <mutex>
#include <set>
#include <thread>

namespace workitem::testing {
namespace {

constexpr int thread_count = 16;

class Concurrency : public ServerTest {
  protected:
    // One client for all threads, with a pool smaller than the number of threads.
    static std::unique_ptr<Client> shared_client(int pool_size) {
        auto options = test_options();
        options.pool_size = pool_size;
        options.acquire_timeout = std::chrono::seconds(30);
        return std::make_unique<Client>(options);
    }
};

TEST_F(Concurrency, SixteenThreadsShareOneClient) {
    auto client_for_all = shared_client(4);
    Client& shared = *client_for_all;
    const auto workflow = unique("wf");
    std::atomic<int> completed{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < thread_count; ++t) {
        threads.emplace_back([&, t] {
            const std::string user = workflow + "-user-" + std::to_string(t);
            for (int i = 0; i < 5; ++i) {
                Item item = shared.create(
                    {.workflow_id = workflow, .task_name = "T", .assignment = {.users = {user}}});
                item = shared.claim(item.id, {.actor = user, .expected_version = item.version});
                item = shared.in_transaction(
                    [&](Tx& tx) { return tx.complete(item.id, {.actor = user}); });
                if (item.state == State::completed && item.owner == user) ++completed;
            }
        });
    }
    for (auto& thread : threads) thread.join();
    EXPECT_EQ(completed.load(), thread_count * 5);
    EXPECT_EQ(shared.count({.state = State::completed, .workflow_id = workflow}), thread_count * 5);
    const PoolStats stats = shared.pool_stats();
    EXPECT_LE(stats.open, 4);
    EXPECT_EQ(stats.waiting, 0);
}

TEST_F(Concurrency, ClaimNextNeverHandsOutAnItemTwice) {
    auto client_for_all = shared_client(6);
    Client& shared = *client_for_all;
    const auto queue = unique("queue");
    const auto group = unique("workers");
    std::vector<PutUserCommand> workers;
    for (int t = 0; t < thread_count; ++t)
        workers.push_back({.user_id = group + "-" + std::to_string(t), .groups = {group}});
    shared.put_users(workers);
    std::vector<CreateCommand> commands(64, CreateCommand{.workflow_id = unique("wf"),
                                                          .task_name = "T",
                                                          .assignment = {.groups = {group}},
                                                          .queue = queue});
    for (const auto& row : shared.create_many(commands)) ASSERT_TRUE(row.ok) << row.message;

    std::mutex mutex;
    std::multiset<std::int64_t> claimed;
    std::vector<std::thread> threads;
    for (int t = 0; t < thread_count; ++t) {
        threads.emplace_back([&, t] {
            const std::string worker = group + "-" + std::to_string(t);
            while (auto item = shared.claim_next({.actor = worker, .queue = queue})) {
                std::lock_guard lock(mutex);
                claimed.insert(item->id);
            }
        });
    }
    for (auto& thread : threads) thread.join();
    EXPECT_EQ(claimed.size(), 64u);
    EXPECT_EQ(std::set<std::int64_t>(claimed.begin(), claimed.end()).size(), 64u);
}

}  // namespace
}  // namespace workitem::testing
