// Every operation of the client against a real server: what it sends arrives, what comes back
// is decoded into the right fields.
#include "test_support.hpp"

#include <algorithm>

namespace workitem::testing {
namespace {

using namespace std::chrono_literals;

class Operations : public ServerTest {};

bool contains(const std::vector<std::string>& list, const std::string& value) {
    return std::find(list.begin(), list.end(), value) != list.end();
}

TEST_F(Operations, CreateSendsEveryFieldAndGetReadsItBack) {
    const auto workflow = unique("wf");
    const auto due =
        std::chrono::floor<std::chrono::microseconds>(std::chrono::system_clock::now()) + 48h;
    const Item created =
        client->create({.actor = "initiator",
                        .workflow_id = workflow,
                        .task_name = "ApproveInvoice",
                        .assignment = {.users = {"ann"}, .groups = {"approvers"}},
                        .input = R"({"invoice": 1017})",
                        .priority = 7,
                        .queue = "invoices",
                        .due_at = due,
                        .step_ref = "approve",
                        .run_id = "run-1",
                        .deadlines = R"([{"after": "2 days", "action": "notify"}])"});
    EXPECT_EQ(created.state, State::offered);
    EXPECT_EQ(created.version, 1);
    const Item read = client->get(created.id);
    EXPECT_EQ(read.workflow_id, workflow);
    EXPECT_EQ(read.task_name, "ApproveInvoice");
    EXPECT_EQ(read.input, R"({"invoice": 1017})");
    EXPECT_EQ(read.priority, 7);
    EXPECT_EQ(read.queue, "invoices");
    EXPECT_EQ(read.due_at, due);
    EXPECT_EQ(read.step_ref, "approve");
    EXPECT_EQ(read.run_id, "run-1");
    EXPECT_NE(read.deadlines.find(R"("action": "notify")"), std::string::npos) << read.deadlines;
    EXPECT_EQ(read.created_by, "initiator");
    EXPECT_NE(read.assignment.find("approvers"), std::string::npos);
    EXPECT_LE(read.created_at, read.updated_at);
    // The principals the database derived from the assignment.
    EXPECT_EQ(read.candidates, (std::vector<std::string>{"u:ann", "g:approvers"}));
    EXPECT_TRUE(read.excluded.empty());
    EXPECT_TRUE(read.administrators.empty());
    EXPECT_EQ(read.lease_expired_owner, std::nullopt);
}

TEST_F(Operations, CreateOfTheSameStepReturnsTheSameItem) {
    const CreateCommand command{
        .workflow_id = unique("wf"), .task_name = "Review", .step_ref = "s1"};
    EXPECT_EQ(client->create(command).id, client->create(command).id);
}

TEST_F(Operations, CreateManyAnswersOneRowPerElement) {
    const auto workflow = unique("wf");
    const auto rows =
        client->create_many({{.workflow_id = workflow, .task_name = "A"},
                             {.workflow_id = workflow, .task_name = ""},
                             {.workflow_id = workflow,
                              .task_name = "C",
                              .priority = 3,
                              .deadlines = R"([{"after": 3600, "action": "escalate"}])"}});
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_TRUE(rows[0].ok);
    EXPECT_EQ(rows[0].element, 1);
    ASSERT_TRUE(rows[0].item);
    EXPECT_EQ(rows[0].item->task_name, "A");
    EXPECT_FALSE(rows[1].ok);
    EXPECT_EQ(rows[1].sqlstate, "WI422");
    EXPECT_EQ(rows[1].error, ErrorKind::invalid_input);
    EXPECT_FALSE(rows[1].item);
    ASSERT_TRUE(rows[2].item);
    EXPECT_EQ(rows[2].item->priority, 3);
    EXPECT_NE(rows[2].item->deadlines.find("escalate"), std::string::npos);
}

TEST_F(Operations, ListFiltersAndPagesAndCountAgrees) {
    const auto workflow = unique("wf");
    for (int i = 0; i < 3; ++i)
        client->create({.workflow_id = workflow, .task_name = "T", .priority = i});
    const auto first = client->list({.workflow_id = workflow, .page_size = 2});
    ASSERT_EQ(first.size(), 2u);
    const auto second =
        client->list({.workflow_id = workflow, .after_id = first.back().id, .page_size = 2});
    ASSERT_EQ(second.size(), 1u);
    EXPECT_GT(second[0].id, first[1].id);
    EXPECT_EQ(client->count({.workflow_id = workflow}), 3);
    EXPECT_EQ(client->count({.workflow_id = workflow, .min_priority = 1}), 2);
    EXPECT_EQ(client->list({.state = State::completed, .workflow_id = workflow}).size(), 0u);
}

std::vector<std::int64_t> ids_of(const std::vector<Item>& items) {
    std::vector<std::int64_t> ids;
    for (const auto& item : items) ids.push_back(item.id);
    return ids;
}

// docs/search.md: the business-data filters, a declared field's filter and sort, and keyset
// paging on that sort with after_key_of.
TEST_F(Operations, ListCountAndWorklistFilterAndSortByBusinessData) {
    const auto workflow = unique("wf");
    const auto task = unique("Search");
    const auto ann = unique("ann");
    auto field = unique("amount");
    std::replace(field.begin(), field.end(), '-', '_');  // a key path is identifiers
    EXPECT_EQ(client->index_field(task, field, "numeric"), 0);
    const auto create = [&](const std::string& tier, int amount) {
        return client
            ->create({.workflow_id = workflow,
                      .task_name = task,
                      .assignment = {.users = {ann}},
                      .input = R"({"tier": ")" + tier + R"(", ")" + field +
                               "\": " + std::to_string(amount) + "}"})
            .id;
    };
    const auto gold_30 = create("gold", 30);
    const auto gold_10 = create("gold", 10);
    const auto silver_20 = create("silver", 20);

    EXPECT_EQ(client->count({.workflow_id = workflow, .input_contains = R"({"tier": "gold"})"}), 2);
    EXPECT_EQ(
        ids_of(client->list({.workflow_id = workflow, .input_path = R"($.tier == "silver")"})),
        (std::vector<std::int64_t>{silver_20}));
    const auto at_least_20 = R"({")" + field + R"(": {">=": 20}})";
    EXPECT_EQ(ids_of(client->list({.workflow_id = workflow, .fields = at_least_20})),
              (std::vector<std::int64_t>{gold_30, silver_20}));
    EXPECT_EQ(client->count({.workflow_id = workflow,
                             .output_contains = R"({"done": true})",
                             .output_path = "$.done == true"}),
              0);
    EXPECT_EQ(ids_of(client->worklist(ann, {.input_contains = R"({"tier": "gold"})",
                                            .input_path = "$.tier != \"silver\"",
                                            .fields = at_least_20})),
              (std::vector<std::int64_t>{gold_30}));

    // By the field, largest first, one per page: each page continues after (key, id).
    ListFilter page{
        .workflow_id = workflow, .sort = "field:" + field, .descending = true, .page_size = 1};
    std::vector<std::int64_t> paged;
    for (auto items = client->list(page); !items.empty(); items = client->list(page)) {
        paged.push_back(items.back().id);
        page.after_id = items.back().id;
        page.after_key = after_key_of(items.back(), *page.sort);
        ASSERT_LE(paged.size(), 3u);
    }
    EXPECT_EQ(paged, (std::vector<std::int64_t>{gold_30, silver_20, gold_10}));

    const auto declared = client->index_fields();
    EXPECT_TRUE(std::any_of(declared.begin(), declared.end(), [&](const IndexedField& f) {
        return f.field == field && f.task_name == task && f.type == "numeric";
    }));
    EXPECT_TRUE(client->drop_index_field(task, field));
    EXPECT_FALSE(client->drop_index_field(task, field));
    expect_error(ErrorKind::invalid_input,
                 [&] { client->list({.workflow_id = workflow, .fields = at_least_20}); });
    expect_error(ErrorKind::invalid_input,
                 [&] { client->list({.workflow_id = workflow, .input_path = "$.tier ==="}); });
}

TEST_F(Operations, WorklistShowsOfferedAndHeldItems) {
    const auto ann = unique("ann");
    const Item offered = offered_to({ann});
    const Item held = claimed_by(ann);
    const auto worklist = client->worklist(ann);
    std::vector<std::int64_t> ids;
    for (const auto& item : worklist) ids.push_back(item.id);
    EXPECT_NE(std::find(ids.begin(), ids.end(), offered.id), ids.end());
    EXPECT_NE(std::find(ids.begin(), ids.end(), held.id), ids.end());
}

TEST_F(Operations, HistoryListsEveryChange) {
    const auto ann = unique("ann");
    const Item item = claimed_by(ann);
    const auto events = client->history(item.id);
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[0].item_version, 1);
    EXPECT_EQ(events[1].item_version, 2);
    EXPECT_EQ(events[1].actor, ann);
    EXPECT_EQ(events[1].item_id, item.id);
    EXPECT_NE(events[1].type.find("workitem."), std::string::npos);
    EXPECT_NE(events[1].payload.find("owner"), std::string::npos);
}

TEST_F(Operations, AllowedOperationsFollowTheState) {
    const auto ann = unique("ann");
    const Item item = offered_to({ann});
    EXPECT_TRUE(contains(client->allowed_operations(item.id, ann), "claim"));
    client->claim(item.id, {.actor = ann});
    const auto allowed = client->allowed_operations(item.id, ann);
    EXPECT_FALSE(contains(allowed, "claim"));
    EXPECT_TRUE(contains(allowed, "complete"));
}

TEST_F(Operations, ClaimStartStopReleaseCompleteWalkTheLifecycle) {
    const auto ann = unique("ann");
    Item item = offered_to({ann});
    item = client->claim(item.id,
                         {.actor = ann, .expected_version = item.version, .lease_seconds = 600});
    EXPECT_EQ(item.state, State::allocated);
    EXPECT_EQ(item.owner, ann);
    EXPECT_TRUE(item.lease_until);
    item = client->start(item.id, {.actor = ann, .expected_version = item.version});
    EXPECT_EQ(item.state, State::started);
    item = client->stop(item.id, {.actor = ann});
    EXPECT_EQ(item.state, State::allocated);
    item = client->release(item.id, {.actor = ann});
    EXPECT_EQ(item.state, State::offered);
    EXPECT_FALSE(item.owner);
    item = client->claim(item.id, {.actor = ann});
    item = client->complete(item.id, {.actor = ann, .output = R"({"approved": true})"});
    EXPECT_EQ(item.state, State::completed);
    EXPECT_EQ(item.output, R"({"approved": true})");
    EXPECT_TRUE(item.completed_at);
}

TEST_F(Operations, ClaimNextTakesTheBestItemThenNothing) {
    const auto ann = unique("ann");
    const auto queue = unique("queue");
    const auto workflow = unique("wf");
    const Assignment to_ann{.users = {ann}};
    client->create({.workflow_id = workflow,
                    .task_name = "T",
                    .assignment = to_ann,
                    .priority = 1,
                    .queue = queue});
    const Item urgent = client->create({.workflow_id = workflow,
                                        .task_name = "T",
                                        .assignment = to_ann,
                                        .priority = 5,
                                        .queue = queue});
    const auto first = client->claim_next({.actor = ann, .queue = queue});
    ASSERT_TRUE(first);
    EXPECT_EQ(first->id, urgent.id);
    EXPECT_EQ(first->state, State::allocated);
    EXPECT_TRUE(client->claim_next({.actor = ann, .queue = queue}));
    EXPECT_FALSE(client->claim_next({.actor = ann, .queue = queue}));
}

TEST_F(Operations, ClaimNextManyTakesSeveralBestFirstWithLeases) {
    const auto ann = unique("ann");
    const auto queue = unique("queue");
    const auto workflow = unique("wf");
    const Assignment to_ann{.users = {ann}};
    std::vector<std::int64_t> ids;
    for (int priority : {1, 3, 2}) {
        ids.push_back(client
                          ->create({.workflow_id = workflow,
                                    .task_name = "T",
                                    .assignment = to_ann,
                                    .priority = priority,
                                    .queue = queue})
                          .id);
    }
    const auto taken =
        client->claim_next_many({.actor = ann, .queue = queue, .lease_seconds = 60}, 2);
    ASSERT_EQ(taken.size(), 2u);
    EXPECT_EQ(taken[0].id, ids[1]);  // priority 3
    EXPECT_EQ(taken[1].id, ids[2]);  // priority 2
    for (const Item& item : taken) {
        EXPECT_EQ(item.state, State::allocated);
        EXPECT_TRUE(item.lease_until.has_value());
    }
    EXPECT_EQ(client->claim_next_many({.actor = ann, .queue = queue}, 5).size(), 1u);
    EXPECT_TRUE(client->claim_next_many({.actor = ann, .queue = queue}, 5).empty());
}

TEST_F(Operations, AcknowledgeAndClaimNextSettlesThenTakesMore) {
    const auto ann = unique("ann");
    const auto queue = unique("queue");
    const auto workflow = unique("wf");
    std::vector<std::int64_t> ids;
    for (int priority : {5, 4, 3, 2}) {
        ids.push_back(client
                          ->create({.workflow_id = workflow,
                                    .task_name = "T",
                                    .assignment = {.users = {ann}},
                                    .priority = priority,
                                    .queue = queue})
                          .id);
    }
    const ClaimNextOptions next{.actor = ann, .queue = queue, .lease_seconds = 60};
    const auto held = client->claim_next_many(next, 2);
    ASSERT_EQ(held.size(), 2u);
    const auto answer = client->acknowledge_and_claim_next(
        {{.id = ids[0], .output = R"({"done": true})"},
         {.id = ids[1], .fault = R"({"why": "no"})", .expected_version = held[1].version},
         {.id = ids[3], .output = "{}"}},  // not held: refused in its own row
        next, 5);
    ASSERT_EQ(answer.outcomes.size(), 3u);
    EXPECT_TRUE(answer.outcomes[0].ok);
    EXPECT_EQ(answer.outcomes[0].item->state, State::completed);
    EXPECT_EQ(answer.outcomes[0].item->output, R"({"done": true})");
    EXPECT_TRUE(answer.outcomes[1].ok);
    EXPECT_EQ(answer.outcomes[1].item->state, State::failed);
    EXPECT_FALSE(answer.outcomes[2].ok);
    EXPECT_EQ(answer.outcomes[2].error, ErrorKind::state_conflict);
    EXPECT_FALSE(answer.outcomes[2].item.has_value());
    ASSERT_EQ(answer.claimed.size(), 2u);  // the two left, best first, leased
    EXPECT_EQ(answer.claimed[0].id, ids[2]);
    EXPECT_EQ(answer.claimed[1].id, ids[3]);
    EXPECT_TRUE(answer.claimed[1].lease_until.has_value());
    // An output that is not JSON is refused before anything is sent.
    EXPECT_THROW(
        client->acknowledge_and_claim_next({{.id = ids[2], .output = "not json"}}, next, 0), Error);
}

TEST_F(Operations, AllocateDelegateResolveForward) {
    const auto admin = unique("admin");
    const auto ann = unique("ann");
    const auto bob = unique("bob");
    Item item =
        client->create({.workflow_id = unique("wf"),
                        .task_name = "T",
                        .assignment = {.users = {ann, bob}, .administrator_users = {admin}}});
    item = client->allocate(item.id, {.actor = admin, .to_user = ann});
    EXPECT_EQ(item.owner, ann);
    item = client->delegate(item.id, {.actor = ann, .to_user = bob});
    EXPECT_EQ(item.owner, bob);
    EXPECT_EQ(item.delegated_from, ann);
    EXPECT_EQ(item.delegation_state, DelegationState::pending);
    item = client->resolve(item.id, {.actor = bob});
    EXPECT_EQ(item.owner, ann);
    EXPECT_EQ(item.delegation_state, DelegationState::resolved);
    item = client->allocate(item.id, {.actor = admin, .to_user = bob, .override = true});
    EXPECT_EQ(item.owner, bob);
    item = client->forward(item.id, {.actor = admin, .assignment = {.users = {ann}}});
    EXPECT_EQ(item.state, State::offered);
    EXPECT_FALSE(item.owner);
    EXPECT_NE(item.assignment.find(ann), std::string::npos);
}

TEST_F(Operations, SuspendAndResumeReturnToTheFormerState) {
    const auto ann = unique("ann");
    Item item = claimed_by(ann);
    const auto until =
        std::chrono::floor<std::chrono::microseconds>(std::chrono::system_clock::now()) + 1h;
    item = client->suspend(item.id, {.actor = ann, .until = until});
    EXPECT_EQ(item.state, State::suspended);
    EXPECT_EQ(item.resume_to, State::allocated);
    EXPECT_EQ(item.suspended_until, until);
    item = client->resume(item.id, {.actor = ann});
    EXPECT_EQ(item.state, State::allocated);
}

TEST_F(Operations, FailMarkErrorSkipCancelEndAnItem) {
    const auto ann = unique("ann");
    const auto admin = unique("admin");
    Item failed = client->fail(claimed_by(ann).id, {.actor = ann, .fault = R"({"code": 7})"});
    EXPECT_EQ(failed.state, State::failed);
    EXPECT_EQ(failed.fault, R"({"code": 7})");

    const Item held =
        client->create({.workflow_id = unique("wf"),
                        .task_name = "T",
                        .assignment = {.users = {ann}, .administrator_users = {admin}}});
    EXPECT_EQ(client->mark_error(held.id, {.actor = admin, .fault = R"({"why": "x"})"}).state,
              State::error);

    const Item skippable = client->create(
        {.actor = "initiator", .workflow_id = unique("wf"), .task_name = "T", .skippable = true});
    EXPECT_EQ(client->skip(skippable.id, {.actor = "initiator"}).state, State::skipped);

    const Item cancelled =
        client->create({.actor = "initiator", .workflow_id = unique("wf"), .task_name = "T"});
    EXPECT_EQ(client->cancel(cancelled.id, {.actor = "initiator", .reason = "not needed"}).state,
              State::cancelled);
    EXPECT_EQ(client->history(cancelled.id).back().reason, "not needed");
}

TEST_F(Operations, CancelWorkflowCancelsEveryActiveItem) {
    const auto workflow = unique("wf");
    client->create({.actor = "engine", .workflow_id = workflow, .task_name = "A"});
    client->create({.actor = "engine", .workflow_id = workflow, .task_name = "B"});
    const auto cancelled =
        client->cancel_workflow(workflow, {.actor = "engine", .reason = "aborted"});
    ASSERT_EQ(cancelled.size(), 2u);
    for (const auto& item : cancelled) EXPECT_EQ(item.state, State::cancelled);
}

TEST_F(Operations, HeartbeatExtendsTheLeaseWithoutANewVersion) {
    const auto ann = unique("ann");
    const Item item = offered_to({ann});
    const Item claimed = client->claim(item.id, {.actor = ann, .lease_seconds = 5});
    const Item beaten = client->heartbeat(item.id, {.actor = ann, .lease_seconds = 600});
    EXPECT_EQ(beaten.version, claimed.version);
    ASSERT_TRUE(beaten.lease_until && claimed.lease_until);
    EXPECT_GT(*beaten.lease_until, *claimed.lease_until);
}

TEST_F(Operations, UpdateChangesOnlyWhatIsGiven) {
    const Item item = client->create(
        {.actor = "initiator", .workflow_id = unique("wf"), .task_name = "T", .priority = 1});
    const Item updated =
        client->update(item.id, {.actor = "initiator", .priority = 9, .input = R"({"a": 1})"});
    EXPECT_EQ(updated.priority, 9);
    EXPECT_EQ(updated.input, R"({"a": 1})");
    EXPECT_EQ(updated.task_name, "T");
    EXPECT_EQ(updated.deadlines, "[]");
    const Item with_deadline = client->update(
        item.id, {.actor = "initiator", .deadlines = R"([{"after": 60, "action": "notify"}])"});
    EXPECT_NE(with_deadline.deadlines.find("notify"), std::string::npos);
    EXPECT_EQ(with_deadline.priority, 9);
    const auto batch = client->update_batch({item.id}, {.actor = "initiator", .deadlines = "[]"});
    ASSERT_EQ(batch.size(), 1u);
    ASSERT_TRUE(batch[0].item) << batch[0].message;
    EXPECT_EQ(batch[0].item->deadlines, "[]");
}

TEST_F(Operations, SavedOutputIsKeptByACompleteWithoutOutput) {
    const auto ann = unique("ann");
    const Item item = claimed_by(ann);
    client->save_output(item.id, {.actor = ann, .output = R"({"draft": true})"});
    EXPECT_EQ(client->complete(item.id, {.actor = ann}).output, R"({"draft": true})");
}

TEST_F(Operations, BatchFormsAnswerOneRowPerId) {
    const auto ann = unique("ann");
    const auto bob = unique("bob");
    const auto admin = unique("admin");
    const Assignment people{.users = {ann, bob}, .administrator_users = {admin}};
    const auto workflow = unique("wf");
    auto create_items = [&](int count) {
        std::vector<std::int64_t> created;
        for (int i = 0; i < count; ++i) {
            const CreateCommand command{.actor = admin,
                                        .workflow_id = workflow,
                                        .task_name = "T",
                                        .assignment = people,
                                        .skippable = true};
            created.push_back(client->create(command).id);
        }
        return created;
    };
    const auto ids = create_items(2);
    const std::vector<std::int64_t> with_missing{ids[0], ids[1], 999999999};
    auto rows = client->claim_batch(with_missing, {.actor = ann}, {1, 1, std::nullopt});
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_TRUE(rows[0].ok && rows[1].ok);
    EXPECT_EQ(rows[2].id, 999999999);
    EXPECT_EQ(rows[2].error, ErrorKind::not_found);
    ASSERT_TRUE(rows[0].item);
    EXPECT_EQ(rows[0].item->owner, ann);

    auto all_ok = [](const std::vector<BatchResult>& results) {
        return std::all_of(results.begin(), results.end(),
                           [](const BatchResult& r) { return r.ok; });
    };
    EXPECT_TRUE(all_ok(client->heartbeat_batch(ids, {.actor = ann, .lease_seconds = 60})));
    EXPECT_TRUE(all_ok(client->start_batch(ids, {.actor = ann})));
    EXPECT_TRUE(all_ok(client->save_output_batch(ids, {.actor = ann, .output = "{}"})));
    EXPECT_TRUE(all_ok(client->stop_batch(ids, {.actor = ann})));
    EXPECT_TRUE(all_ok(client->delegate_batch(ids, {.actor = ann, .to_user = bob})));
    EXPECT_TRUE(all_ok(client->resolve_batch(ids, {.actor = bob})));
    EXPECT_TRUE(all_ok(client->suspend_batch(ids, {.actor = ann})));
    EXPECT_TRUE(all_ok(client->resume_batch(ids, {.actor = ann})));
    EXPECT_TRUE(all_ok(client->release_batch(ids, {.actor = ann})));
    EXPECT_TRUE(all_ok(client->allocate_batch(ids, {.actor = admin, .to_user = bob})));
    EXPECT_TRUE(all_ok(client->forward_batch(ids, {.actor = admin, .assignment = people})));
    EXPECT_TRUE(all_ok(client->update_batch(ids, {.actor = admin, .priority = 4})));
    EXPECT_TRUE(all_ok(client->claim_batch(ids, {.actor = bob})));
    EXPECT_TRUE(all_ok(client->complete_batch({ids[0]}, {.actor = bob, .output = "{}"})));
    EXPECT_TRUE(all_ok(client->fail_batch({ids[1]}, {.actor = bob})));

    const auto more = create_items(3);
    EXPECT_TRUE(all_ok(client->skip_batch({more[0]}, {.actor = admin})));
    EXPECT_TRUE(all_ok(client->cancel_batch({more[1]}, {.actor = admin, .reason = "r"})));
    EXPECT_TRUE(all_ok(client->mark_error_batch({more[2]}, {.actor = admin})));
    for (auto id : more) EXPECT_TRUE(is_terminal(client->get(id).state));
}

TEST_F(Operations, BatchRefusesASingleExpectedVersion) {
    expect_error(ErrorKind::invalid_argument,
                 [&] { client->claim_batch({1}, {.actor = "ann", .expected_version = 1}); });
    expect_error(ErrorKind::invalid_argument, [&] {
        client->claim_batch({1, 2}, {.actor = "ann"}, {1});
    });
}

TEST_F(Operations, DirectoryGroupsDecideWhoSeesAnItem) {
    const auto ann = unique("ann");
    const auto group = unique("group");
    const DirectoryUser user =
        client->put_user({.user_id = ann, .groups = {group, "with \"quotes\""}, .capacity = 5});
    EXPECT_EQ(user.user_id, ann);
    EXPECT_EQ(user.capacity, 5);
    EXPECT_TRUE(user.available);
    const Item item = client->create(
        {.workflow_id = unique("wf"), .task_name = "T", .assignment = {.groups = {group}}});
    EXPECT_EQ(client->worklist(ann).size(), 1u);
    EXPECT_EQ(client->claim(item.id, {.actor = ann}).owner, ann);

    const auto result = client->put_users(
        {{.user_id = unique("u"), .groups = {group}},
         {.user_id = unique("u"), .groups = {group, unique("g")}, .available = false}});
    EXPECT_EQ(result.users_written, 2);
    EXPECT_EQ(result.memberships, 3);
    EXPECT_EQ(result.users_removed, 0);
}

TEST_F(Operations, TenantsDoNotSeeEachOther) {
    auto options = test_options();
    options.tenant = unique("tenant");
    Client tenant_client(options);
    const Item item = tenant_client.create({.workflow_id = unique("wf"), .task_name = "T"});
    EXPECT_EQ(item.tenant_id, options.tenant);
    EXPECT_EQ(tenant_client.get(item.id).id, item.id);
    expect_error(ErrorKind::not_found, [&] { client->get(item.id); });
    const Item in_transaction =
        tenant_client.in_transaction([&](Tx& tx) { return tx.get(item.id); });
    EXPECT_EQ(in_transaction.tenant_id, options.tenant);
}

TEST_F(Operations, PreparedStatementsGiveTheSameAnswers) {
    auto options = test_options();
    options.statement_mode = StatementMode::prepared;
    Client prepared(options);
    const auto ann = unique("ann");
    for (int i = 0; i < 3; ++i) {
        const Item item = prepared.create(
            {.workflow_id = unique("wf"), .task_name = "T", .assignment = {.users = {ann}}});
        EXPECT_EQ(prepared.claim(item.id, {.actor = ann}).owner, ann);
        EXPECT_EQ(prepared.get(item.id).state, State::allocated);
    }
}

}  // namespace
}  // namespace workitem::testing
