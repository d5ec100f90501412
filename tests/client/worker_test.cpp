// workitem::Worker against the real server (also run under ThreadSanitizer): items get done by
// concurrent handlers, failures become faults, a stop gives back what was not started, a dead
// worker's items come back when their leases run out, an idle worker wakes up for a new item,
// and heartbeats keep a long handler's lease alive.
#include "test_support.hpp"

#include <nlohmann/json.hpp>

#include <csignal>
#include <spawn.h>
#include <sys/wait.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

extern char** environ;  // NOLINT: posix_spawn passes it on

namespace workitem::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

class Workers : public ServerTest {
  protected:
    void SetUp() override {
        ServerTest::SetUp();
        if (IsSkipped()) return;
        queue = unique("queue");
        actor = unique("worker");
        auto options = test_options("workitem-worker-test");
        options.pool_size = 8;
        worker_client = std::make_unique<Client>(options);
    }

    Item offer(const std::string& input = "{}") {
        return client->create({.workflow_id = unique("wf"),
                               .task_name = "Job",
                               .assignment = {.users = {actor}},
                               .input = input,
                               .queue = queue});
    }

    WorkerOptions options() const {
        return {.actor = actor,
                .queue = queue,
                .idle_poll = 200ms,
                .wake_on_notify = false,
                .grace_period = 10s};
    }

    std::int64_t count(State state) { return client->count({.state = state, .queue = queue}); }

    // Runs the worker on a thread of its own; stop and join with finish().
    void start(Worker& worker) {
        runner = std::jthread([&worker] { worker.run(); });
    }
    void finish(Worker& worker) {
        worker.stop();
        runner.join();
    }

    std::string queue;
    std::string actor;
    std::unique_ptr<Client> worker_client;
    std::jthread runner;
};

TEST_F(Workers, FourHandlersDoEveryItem) {
    std::vector<std::int64_t> ids;
    for (int i = 0; i < 24; ++i) ids.push_back(offer(R"({"n": )" + std::to_string(i) + "}").id);
    std::atomic<int> now_running{0}, most_running{0};
    auto options = this->options();
    options.concurrency = 4;
    options.prefetch = 2;
    options.ack_batch_size = 5;
    Worker worker(*worker_client, options, [&](const Item& item, WorkerContext& context) {
        EXPECT_EQ(context.item().id, item.id);
        const int running = ++now_running;
        int most = most_running.load();
        while (running > most && !most_running.compare_exchange_weak(most, running)) {
        }
        std::this_thread::sleep_for(20ms);
        --now_running;
        const auto n = nlohmann::json::parse(*item.input).at("n").get<int>();
        // Half share one output (a batched complete), half have their own.
        return n % 2 ? std::string(R"({"odd": true})") : R"({"n": )" + std::to_string(n) + "}";
    });
    start(worker);
    EXPECT_TRUE(eventually([&] { return count(State::completed) == 24; }, 20));
    finish(worker);
    EXPECT_EQ(worker.stats().completed, 24);
    EXPECT_EQ(worker.stats().claimed, 24);
    EXPECT_LE(most_running.load(), 4);
    EXPECT_GT(most_running.load(), 1);
    for (const std::int64_t id : ids) {
        const Item item = client->get(id);
        const auto n = nlohmann::json::parse(*item.input).at("n").get<int>();
        const auto output = nlohmann::json::parse(item.output.value_or("null"));
        const nlohmann::json expected =
            n % 2 ? nlohmann::json{{"odd", true}} : nlohmann::json{{"n", n}};
        EXPECT_EQ(output, expected) << id;
        EXPECT_EQ(item.owner, actor);
    }
    // The claim and the completion carried idempotency keys.
    for (const Event& event : client->history(ids.front())) {
        if (event.type != "workitem.created") {
            EXPECT_TRUE(event.idempotency_key) << event.type;
        }
    }
}

TEST_F(Workers, OutcomesAndTheNextClaimsShareOneCommit) {
    for (int i = 0; i < 30; ++i) offer();
    auto options = this->options();
    options.concurrency = 2;
    options.prefetch = 4;
    options.ack_batch_size = 3;
    Worker worker(*worker_client, options, [](const Item&, WorkerContext&) {
        std::this_thread::sleep_for(5ms);
        return std::string(R"({"ok": true})");
    });
    start(worker);
    EXPECT_TRUE(eventually([&] { return count(State::completed) == 30; }, 20));
    finish(worker);
    EXPECT_EQ(worker.stats().completed, 30);
    // acknowledge_and_claim_next: some claims were committed by the transaction that completed
    // the items before them (one round trip for both).
    RawConnection observer(test_dsn());
    const auto shared = observer.exec(
        "SELECT count(*) FROM workitem.event a JOIN workitem.item i ON i.id = a.aggregateid "
        "WHERE i.queue = $1 AND a.type = 'workitem.allocated' AND EXISTS (SELECT FROM "
        "workitem.event c WHERE c.txid = a.txid AND c.type = 'workitem.completed')",
        {queue});
    EXPECT_GT(std::stoi(shared.value_or("0")), 0);
}

TEST_F(Workers, AThrowingHandlerFailsTheItemWithAFault) {
    const Item item = offer();
    const Item other = offer();
    Worker worker(*worker_client, options(), [&](const Item& it, WorkerContext&) -> HandlerResult {
        if (it.id == item.id) throw std::runtime_error("no invoice number");
        return HandlerResult::failed(R"({"reason": "declined"})");
    });
    start(worker);
    EXPECT_TRUE(eventually([&] { return count(State::failed) == 2; }, 10));
    finish(worker);
    const auto fault = nlohmann::json::parse(client->get(item.id).fault.value_or("null"));
    EXPECT_EQ(fault,
              (nlohmann::json{{"error", "no invoice number"}, {"type", "std::runtime_error"}}));
    EXPECT_EQ(nlohmann::json::parse(client->get(other.id).fault.value_or("null")),
              (nlohmann::json{{"reason", "declined"}}));
    EXPECT_EQ(worker.stats().failed, 2);
}

TEST_F(Workers, AGracefulStopReleasesPrefetchedItemsAndLetsRunningOnesFinish) {
    for (int i = 0; i < 4; ++i) offer();
    std::mutex mutex;
    std::condition_variable changed;
    bool started = false, go_on = false;
    auto options = this->options();
    options.prefetch = 3;
    Worker worker(*worker_client, options, [&](const Item&, WorkerContext& context) {
        std::unique_lock lock(mutex);
        started = true;
        changed.notify_all();
        changed.wait(lock, [&] { return go_on; });
        EXPECT_TRUE(context.stopping());
        return HandlerResult{};
    });
    start(worker);
    {
        std::unique_lock lock(mutex);
        ASSERT_TRUE(changed.wait_for(lock, 10s, [&] { return started; }));
    }
    ASSERT_TRUE(eventually([&] { return worker.stats().claimed == 4; }, 10));
    worker.stop();
    // The three not started are offered again at once; the running one is still held.
    EXPECT_TRUE(eventually([&] { return count(State::offered) == 3; }, 5));
    EXPECT_EQ(count(State::allocated), 1);
    {
        const std::lock_guard lock(mutex);
        go_on = true;
        changed.notify_all();
    }
    runner.join();
    EXPECT_EQ(count(State::completed), 1);
    EXPECT_EQ(count(State::offered), 3);
    EXPECT_EQ(worker.stats().released, 3);
    EXPECT_EQ(worker.stats().completed, 1);
}

TEST_F(Workers, StopNowReleasesTheRunningItemsToo) {
    const Item item = offer();
    std::atomic<bool> running{false};
    Worker worker(*worker_client, options(), [&](const Item&, WorkerContext& context) {
        running = true;
        while (!context.stopping()) std::this_thread::sleep_for(10ms);
        std::this_thread::sleep_for(300ms);  // past stop_now's release
        return HandlerResult{};
    });
    start(worker);
    ASSERT_TRUE(eventually([&] { return running.load(); }, 10));
    worker.stop_now();
    runner.join();
    EXPECT_EQ(client->get(item.id).state, State::offered);
    EXPECT_EQ(worker.stats().completed, 0);
    EXPECT_EQ(worker.stats().released, 1);
}

// A worker process killed with SIGKILL (the CLI's `workitem work`, whose handler blocks): its
// items come back when their leases run out (the test server's timer ticks every second).
TEST_F(Workers, AKilledWorkersItemsComeBackWhenTheirLeasesRunOut) {
    const Item first = offer();
    const Item second = offer();
    const std::string dsn = test_dsn();
    std::vector<std::string> arguments = {WORKITEM_CLI,
                                          "--dsn",
                                          dsn,
                                          "work",
                                          "--actor",
                                          actor,
                                          "--queue",
                                          queue,
                                          "--concurrency",
                                          "2",
                                          "--lease-seconds",
                                          "1",
                                          "--",
                                          "sleep",
                                          "3"};
    std::vector<char*> argv;
    for (auto& argument : arguments) argv.push_back(argument.data());
    argv.push_back(nullptr);
    pid_t pid = 0;
    ASSERT_EQ(posix_spawn(&pid, WORKITEM_CLI, nullptr, nullptr, argv.data(), environ), 0);
    const bool claimed = eventually([&] { return count(State::allocated) == 2; }, 10);
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    ASSERT_TRUE(claimed);
    EXPECT_TRUE(eventually(
        [&] {
            superuser->exec("SELECT count(*) FROM workitem_tick()");
            return count(State::offered) == 2;
        },
        10));
    EXPECT_EQ(client->get(first.id).lease_expiries, 1);
    EXPECT_EQ(client->get(second.id).lease_expiries, 1);
}

TEST_F(Workers, AnIdleWorkerTakesANewItemWithinAPoll) {
    auto options = this->options();
    options.idle_poll = 1000ms;
    Worker worker(*worker_client, options, [](const Item&, WorkerContext&) { return "{}"; });
    start(worker);
    std::this_thread::sleep_for(1500ms);  // idle by now
    const Item item = offer();
    const auto created = Clock::now();
    EXPECT_TRUE(eventually([&] { return client->get(item.id).state == State::completed; }, 5));
    EXPECT_LT(Clock::now() - created, 1600ms);
    finish(worker);
}

TEST_F(Workers, ANewItemWakesAnIdleWorkerAtOnce) {
    // No workitem_event_notify: the worker registers what it waits for (workitem_await_work),
    // and only the commits that offer it work notify it; each wake-up is registered again.
    auto options = this->options();
    options.idle_poll = 30s;  // only a wake-up can bring it in time
    options.wake_on_notify = true;
    Worker worker(*worker_client, options, [](const Item&, WorkerContext&) { return "{}"; });
    start(worker);
    for (int round = 0; round < 2; ++round) {
        std::this_thread::sleep_for(500ms);  // idle, waiting
        const Item item = offer();
        const auto created = Clock::now();
        const bool done =
            eventually([&] { return client->get(item.id).state == State::completed; }, 10);
        EXPECT_TRUE(done) << "round " << round;
        EXPECT_LT(Clock::now() - created, 2s) << "round " << round;
    }
    worker.stop();
    const auto stopping = Clock::now();
    runner.join();
    EXPECT_LT(Clock::now() - stopping, 2s);  // a stop ends the idle wait too
}

TEST_F(Workers, HeartbeatsKeepALongHandlersLeaseAlive) {
    const Item item = offer();
    auto options = this->options();
    options.lease_seconds = 2;  // heartbeats every third of it
    Worker worker(*worker_client, options, [&](const Item&, WorkerContext& context) {
        // The timer ticks every second anyway; these make sure it looked past the lease.
        RawConnection ticker(test_dsn());
        const auto until = Clock::now() + 4500ms;
        while (Clock::now() < until) {
            ticker.exec("SELECT count(*) FROM workitem_tick()");
            std::this_thread::sleep_for(200ms);
        }
        EXPECT_FALSE(context.lease_lost());
        context.heartbeat();  // by hand too
        return "{}";
    });
    start(worker);
    EXPECT_TRUE(eventually([&] { return client->get(item.id).state == State::completed; }, 10));
    finish(worker);
    EXPECT_EQ(client->get(item.id).lease_expiries, 0);
    EXPECT_EQ(worker.stats().completed, 1);
}

TEST_F(Workers, AWorkerGoesOnWhenItsConnectionsAreDropped) {
    for (int i = 0; i < 10; ++i) offer();
    auto client_options = test_options(unique("worker-dropped"));
    const std::string application = client_options.application_name;
    auto options = this->options();
    options.concurrency = 2;
    options.wake_on_notify = true;  // its LISTEN connection is dropped too
    Worker worker(client_options, options, [](const Item&, WorkerContext&) {
        std::this_thread::sleep_for(50ms);
        return "{}";
    });
    start(worker);
    ASSERT_TRUE(eventually([&] { return count(State::completed) >= 3; }, 10));
    superuser->exec(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
        "WHERE application_name LIKE $1 || '%'",
        {application});
    EXPECT_TRUE(eventually([&] { return count(State::completed) == 10; }, 15));
    finish(worker);
}

TEST_F(Workers, AnErrorRetryingCannotFixEndsRun) {
    // Keys while the idempotency flag is off (in a tenant of its own): WI501 at the first claim.
    const std::string tenant = unique("tenant");
    client->set_flag("idempotency", false, {.tenant = tenant});
    auto options = test_options("workitem-worker-test");
    options.tenant = tenant;
    Worker worker(options, this->options(), [](const Item&, WorkerContext&) { return "{}"; });
    const Error error = expect_error(ErrorKind::feature_disabled, [&] { worker.run(); });
    EXPECT_EQ(error.sqlstate(), "WI501");
}

TEST_F(Workers, BadOptionsAreRefusedAtOnce) {
    const auto handler = [](const Item&, WorkerContext&) { return HandlerResult{}; };
    expect_error(ErrorKind::invalid_argument,
                 [&] { Worker worker(*worker_client, {.actor = ""}, handler); });
    expect_error(ErrorKind::invalid_argument, [&] {
        Worker worker(*worker_client, {.actor = actor, .concurrency = 0}, handler);
    });
}

}  // namespace
}  // namespace workitem::testing
