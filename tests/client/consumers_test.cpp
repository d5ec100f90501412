// Event consumers through the client: every method, at-least-once delivery (a batch whose
// handler failed comes again), rewinds, lag, the wake-up and who may consume. Each test reads a
// tenant of its own, so the events of tests running at the same time never reach it.
#include "test_support.hpp"

#include <unistd.h>

#include <mutex>
#include <thread>

namespace workitem::testing {
namespace {

using namespace std::chrono_literals;

class Consumers : public ServerTest {
  protected:
    void SetUp() override {
        ServerTest::SetUp();
        if (IsSkipped()) return;
        auto options = test_options();
        options.tenant = unique("tenant");
        tenant_client = std::make_unique<Client>(options);
        consumer = unique("consumer");
        ASSERT_TRUE(tenant_client->consumer_create(consumer));
    }

    Item create_item() {
        return tenant_client->create(
            {.workflow_id = unique("wf"), .task_name = "Review", .assignment = {.users = {"ann"}}});
    }

    std::vector<std::int64_t> item_ids(const EventBatch& batch) {
        std::vector<std::int64_t> ids;
        for (const auto& event : batch.events) ids.push_back(event.item_id);
        return ids;
    }

    std::unique_ptr<Client> tenant_client;
    std::string consumer;
};

TEST_F(Consumers, CreateSaysWhetherItExistedAndDropRemovesIt) {
    EXPECT_FALSE(tenant_client->consumer_create(consumer));
    tenant_client->consumer_drop(consumer);
    expect_error(ErrorKind::not_found, [&] { tenant_client->consumer_drop(consumer); });
    expect_error(ErrorKind::not_found, [&] { tenant_client->next_batch(consumer); });
    expect_error(ErrorKind::invalid_input, [&] { tenant_client->consumer_create(""); });
}

TEST_F(Consumers, NothingNewIsNoBatch) {
    EXPECT_FALSE(tenant_client->next_batch(consumer).has_value());
}

TEST_F(Consumers, ABatchCarriesEveryFieldOfTheCommittedEventsInOrder) {
    const std::string traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    const Item item = tenant_client->in_transaction([&](Tx& tx) {
        tx.exec("SELECT pg_catalog.set_config('workitem.trace_context', $1, true)", traceparent);
        return tx.create({.workflow_id = unique("wf"),
                          .task_name = "Review",
                          .assignment = {.users = {"ann"}},
                          .input = R"({"invoice": 1017})"});
    });
    tenant_client->claim(item.id, {.actor = "ann", .idempotency_key = unique("key")});

    const auto batch = tenant_client->next_batch(consumer);
    ASSERT_TRUE(batch.has_value());
    ASSERT_EQ(batch->events.size(), 2u);
    const ConsumedEvent& created = batch->events[0];
    const ConsumedEvent& claimed = batch->events[1];
    EXPECT_LT(created.seq, claimed.seq);
    EXPECT_EQ(created.item_id, item.id);
    EXPECT_EQ(created.item_version, 1);
    EXPECT_EQ(claimed.item_version, 2);
    EXPECT_EQ(created.type, "workitem.created");
    EXPECT_EQ(created.operation, "create");
    EXPECT_EQ(claimed.operation, "claim");
    EXPECT_EQ(claimed.actor, "ann");
    EXPECT_TRUE(claimed.idempotency_key.has_value());
    EXPECT_EQ(created.id.size(), 36u);  // a uuid
    EXPECT_EQ(created.tenant_id, tenant_client->options().tenant);
    EXPECT_EQ(created.trace_context, traceparent);
    EXPECT_FALSE(claimed.trace_context.has_value());
    EXPECT_EQ(created.payload.value("/input/invoice"_json_pointer, 0), 1017);
    EXPECT_EQ(created.payload.value("/item/id"_json_pointer, std::int64_t{0}), item.id);
    EXPECT_LE(created.occurred_at, to_timestamp(std::chrono::system_clock::now()));
    EXPECT_EQ(created.aggregatetype, "workitem");
    EXPECT_FALSE(created.txid.empty());
    EXPECT_TRUE(created.login.has_value());
    EXPECT_TRUE(claimed.capability.has_value());

    // The same batch read again by its id, as history reads events.
    const auto reread = tenant_client->batch_events(batch->id);
    ASSERT_EQ(reread.size(), 2u);
    EXPECT_EQ(reread[0].id, created.id);
    EXPECT_EQ(reread[1].seq, claimed.seq);
    EXPECT_EQ(reread[0].txid, created.txid);
    EXPECT_EQ(reread[1].capability, claimed.capability);

    EXPECT_EQ(tenant_client->finish_batch(batch->id), 2);
    EXPECT_FALSE(tenant_client->next_batch(consumer).has_value());
    expect_error(ErrorKind::not_found, [&] { tenant_client->finish_batch(batch->id); });
    expect_error(ErrorKind::not_found, [&] { tenant_client->batch_events(batch->id); });
}

TEST_F(Consumers, MaxEventsCutsBatches) {
    std::vector<std::int64_t> created;
    for (int i = 0; i < 3; ++i) created.push_back(create_item().id);
    // A batch spans at most max_events seqs: other tests write other tenants' events meanwhile,
    // so a batch of this tenant's consumer may hold fewer; every one holds at most two, and
    // together they hold the three events, in order.
    std::vector<std::int64_t> delivered;
    for (int taken = 0; taken < 4 && delivered.size() < created.size(); ++taken) {
        const auto batch = tenant_client->next_batch(consumer, {.max_events = 2});
        ASSERT_TRUE(batch.has_value());
        EXPECT_GE(batch->events.size(), 1u);
        EXPECT_LE(batch->events.size(), 2u);
        for (const auto id : item_ids(*batch)) delivered.push_back(id);
        tenant_client->finish_batch(batch->id);
    }
    EXPECT_EQ(delivered, created);
    EXPECT_FALSE(tenant_client->next_batch(consumer, {.max_events = 2}).has_value());
    expect_error(ErrorKind::invalid_input,
                 [&] { tenant_client->next_batch(consumer, {.max_events = 0}); });
}

TEST_F(Consumers, AFailedHandlerLeavesTheBatchToBeDeliveredAgain) {
    const Item item = create_item();
    EventConsumer reader(*tenant_client, consumer);
    std::vector<std::int64_t> failed_batch;
    EXPECT_THROW(reader.handle_next([&](const EventBatch& batch) {
        failed_batch = item_ids(batch);
        throw std::runtime_error("the sink is down");
    }),
                 std::runtime_error);
    EXPECT_EQ(failed_batch, std::vector<std::int64_t>{item.id});

    std::vector<std::int64_t> delivered;
    EXPECT_TRUE(reader.handle_next([&](const EventBatch& batch) { delivered = item_ids(batch); }));
    EXPECT_EQ(delivered, failed_batch);  // the same batch again
    EXPECT_FALSE(reader.handle_next([](const EventBatch&) { FAIL() << "finished already"; }));
}

TEST_F(Consumers, InATransactionTheHandlersWritesAndTheFinishCommitTogether) {
    const std::string table = superuser->identifier(
        "consumed_" + std::to_string(::getpid()) + "_" +
        std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
    superuser->exec("CREATE TABLE " + table + " (event_id uuid PRIMARY KEY)");
    create_item();
    EventConsumer reader(*tenant_client, consumer);
    auto record = [&](Tx& tx, const EventBatch& batch) {
        for (const auto& event : batch.events)
            tx.exec("INSERT INTO " + table + " VALUES ($1)", event.id);
    };
    EXPECT_THROW(reader.handle_next_in_transaction([&](Tx& tx, const EventBatch& batch) {
        record(tx, batch);
        throw std::runtime_error("rolled back");
    }),
                 std::runtime_error);
    EXPECT_EQ(superuser->exec("SELECT count(*) FROM " + table), "0");
    EXPECT_TRUE(reader.handle_next_in_transaction(record));
    EXPECT_EQ(superuser->exec("SELECT count(*) FROM " + table), "1");
    EXPECT_FALSE(reader.handle_next_in_transaction(record));
    superuser->exec("DROP TABLE " + table);
}

TEST_F(Consumers, RewindReplaysFromASeqOrATime) {
    const auto before = to_timestamp(std::chrono::system_clock::now()) - 1s;
    const Item item = create_item();
    const auto batch = tenant_client->next_batch(consumer);
    ASSERT_TRUE(batch.has_value());
    const auto first_seq = batch->events.front().seq;
    tenant_client->finish_batch(batch->id);

    EXPECT_EQ(tenant_client->consumer_rewind(consumer, {.to_seq = first_seq}), first_seq);
    auto again = tenant_client->next_batch(consumer);
    ASSERT_TRUE(again.has_value());
    EXPECT_EQ(item_ids(*again), std::vector<std::int64_t>{item.id});

    // A rewind abandons the open batch.
    EXPECT_LE(tenant_client->consumer_rewind(consumer, {.to_time = before}), first_seq);
    expect_error(ErrorKind::not_found, [&] { tenant_client->finish_batch(again->id); });
    again = tenant_client->next_batch(consumer);
    ASSERT_TRUE(again.has_value());
    EXPECT_EQ(item_ids(*again), std::vector<std::int64_t>{item.id});

    expect_error(ErrorKind::invalid_input, [&] { tenant_client->consumer_rewind(consumer, {}); });
    expect_error(ErrorKind::invalid_input, [&] {
        tenant_client->consumer_rewind(consumer, {.to_seq = 1, .to_time = before});
    });
}

TEST_F(Consumers, LagCountsWhatIsNotFinished) {
    auto lag_of_consumer = [&] {
        for (const auto& row : tenant_client->event_lag()) {
            if (row.kind == "consumer" && row.name == consumer) return row;
        }
        ADD_FAILURE() << "no lag row for " << consumer;
        return EventLag{};
    };
    EXPECT_EQ(lag_of_consumer().events_behind, 0);
    create_item();
    create_item();
    EventLag lag = lag_of_consumer();
    EXPECT_EQ(lag.events_behind, 2);
    EXPECT_GE(lag.seconds_behind.value_or(-1), 0.0);
    EXPECT_EQ(lag.tenant_id, tenant_client->options().tenant);
    EXPECT_FALSE(lag.open_batch.has_value());

    const auto batch = tenant_client->next_batch(consumer);
    ASSERT_TRUE(batch.has_value());
    EXPECT_EQ(lag_of_consumer().open_batch, batch->id);
    tenant_client->finish_batch(batch->id);
    lag = lag_of_consumer();
    EXPECT_EQ(lag.events_behind, 0);
    EXPECT_EQ(lag.seconds_behind, 0.0);
    EXPECT_TRUE(lag.last_finished_at.has_value());
    EXPECT_EQ(lag.status, "ok");
}

TEST_F(Consumers, RunHandlesBatchesUntilStopped) {
    EventConsumer reader(*tenant_client, consumer, {.batch = {.max_events = 2}, .idle_wait = 20ms});
    std::mutex mutex;
    std::vector<std::int64_t> seen;
    std::jthread loop([&](std::stop_token stop) {
        reader.run(
            [&](const EventBatch& batch) {
                std::lock_guard lock(mutex);
                for (auto id : item_ids(batch)) seen.push_back(id);
            },
            stop);
    });
    std::vector<std::int64_t> created;
    for (int i = 0; i < 5; ++i) created.push_back(create_item().id);
    EXPECT_TRUE(eventually([&] {
        std::lock_guard lock(mutex);
        return seen.size() >= created.size();
    }));
    loop.request_stop();
    loop.join();
    EXPECT_EQ(seen, created);
}

TEST_F(Consumers, ANewEventEndsTheWaitEarly) {
    // No workitem_event_notify: the wait registers the consumer (workitem_await_events), and the
    // next commit that writes an event of its tenant notifies it; each wait registers again.
    EventConsumer reader(*tenant_client, consumer, {.idle_wait = 60s, .wake_on_notify = true});
    for (int round = 0; round < 2; ++round) {
        std::jthread writer([&] {
            std::this_thread::sleep_for(300ms);
            create_item();
        });
        const auto started = std::chrono::steady_clock::now();
        reader.wait_for_events();
        const auto waited = std::chrono::steady_clock::now() - started;
        EXPECT_LT(waited, 10s) << "round " << round;
        writer.join();
        EXPECT_TRUE(reader.handle_next(
            [](const EventBatch& batch) { EXPECT_FALSE(batch.events.empty()); }));
    }
}

TEST_F(Consumers, AStopRequestEndsTheWait) {
    EventConsumer reader(*tenant_client, consumer, {.idle_wait = 60s});
    std::stop_source stop;
    std::jthread stopper([&] {
        std::this_thread::sleep_for(100ms);
        stop.request_stop();
    });
    const auto started = std::chrono::steady_clock::now();
    reader.wait_for_events(stop.get_token());
    EXPECT_LT(std::chrono::steady_clock::now() - started, 10s);
}

// Login roles with one workitem role each, acting in the default tenant.
class ConsumerRoles : public ServerTest {
  protected:
    std::unique_ptr<Client> as(const std::string& workitem_role) {
        const auto role = unique(workitem_role);
        superuser->exec("CREATE ROLE " + superuser->identifier(role) + " LOGIN IN ROLE " +
                        superuser->identifier(workitem_role));
        auto options = test_options();
        options.dsn = test_dsn() + "?user=" + role;
        return std::make_unique<Client>(options);
    }
};

TEST_F(ConsumerRoles, ServicesAndAdministratorsConsumeUsersMayNot) {
    auto service = as("workitem_service");
    auto admin = as("workitem_admin");
    auto user = as("workitem_user");
    auto reader = as("workitem_reader");

    EXPECT_TRUE(service->consumer_create(unique("relay"), {.all_tenants = true}));
    const auto mine = unique("admins");
    EXPECT_TRUE(admin->consumer_create(mine));
    expect_error(ErrorKind::not_authorized,
                 [&] { admin->consumer_create(unique("all"), {.all_tenants = true}); });
    EXPECT_NO_THROW(admin->next_batch(mine));
    EXPECT_NO_THROW(admin->event_lag());
    admin->consumer_drop(mine);

    expect_error(ErrorKind::permission_denied, [&] { user->consumer_create(unique("no")); });
    expect_error(ErrorKind::permission_denied, [&] { user->event_lag(); });
    expect_error(ErrorKind::permission_denied, [&] { reader->next_batch("any"); });
}

}  // namespace
}  // namespace workitem::testing
