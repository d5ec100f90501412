// Compiling this file is the test: every options struct of the SDK, given every field with
// designated initializers in the documented order (commands.hpp: actor, the operation's own
// fields, then expected_version, idempotency_key, lease_seconds). A struct whose fields move
// out of that order stops it compiling ("designator order ... does not match").
#include <workitem/workitem.hpp>

#include <gtest/gtest.h>

namespace workitem {
namespace {

const Timestamp at{};
const Assignment people{.users = {"u"},
                        .groups = {"g"},
                        .excluded_users = {"x"},
                        .excluded_groups = {"y"},
                        .administrator_users = {"a"},
                        .administrator_groups = {"b"},
                        .strategy = "offer",
                        .four_eyes_with = {"t"},
                        .retain_familiar = "s",
                        .lease_seconds = 60,
                        .max_lease_expiries = 3,
                        .json = {}};

TEST(DesignatedOrder, EveryOptionsStructTakesItsFieldsInTheDocumentedOrder) {
    const CreateCommand create{.actor = "a",
                               .workflow_id = "w",
                               .task_name = "t",
                               .assignment = people,
                               .input = "{}",
                               .priority = 1,
                               .queue = "q",
                               .due_at = at,
                               .activate_at = at,
                               .expires_at = at,
                               .skippable = true,
                               .step_ref = "s",
                               .run_id = "r",
                               .follow_up_at = at,
                               .deadlines = "[]",
                               .idempotency_key = "k"};
    const CreateManyOptions create_many{.actor = "a", .idempotency_key = "k"};
    const ReadOptions read{.actor = "a"};
    const ListFilter list{.actor = "a",
                          .state = State::offered,
                          .queue = "q",
                          .task_name = "t",
                          .workflow_id = "w",
                          .owner = "o",
                          .potential_owner = "p",
                          .due_before = at,
                          .due_after = at,
                          .min_priority = 1,
                          .input_contains = "{}",
                          .input_path = "$.a == 1",
                          .fields = "{}",
                          .output_contains = "{}",
                          .output_path = "$.b == 1",
                          .sort = "created",
                          .descending = true,
                          .after_id = 1,
                          .after_key = "k",
                          .page_size = 10};
    const WorklistOptions worklist{.queue = "q",
                                   .input_contains = "{}",
                                   .input_path = "$.a == 1",
                                   .fields = "{}",
                                   .page_size = 10};
    const ActOptions act{.actor = "a", .expected_version = 1, .idempotency_key = "k"};
    const ClaimOptions claim{
        .actor = "a", .expected_version = 1, .idempotency_key = "k", .lease_seconds = 60};
    const ClaimNextOptions claim_next{
        .actor = "a", .queue = "q", .task_name = "t", .idempotency_key = "k", .lease_seconds = 60};
    const AllocateOptions allocate{.actor = "a",
                                   .to_user = "u",
                                   .override = true,
                                   .expected_version = 1,
                                   .idempotency_key = "k"};
    const DelegateOptions delegate{
        .actor = "a", .to_user = "u", .expected_version = 1, .idempotency_key = "k"};
    const ForwardOptions forward{
        .actor = "a", .assignment = people, .expected_version = 1, .idempotency_key = "k"};
    const SuspendOptions suspend{
        .actor = "a", .until = at, .expected_version = 1, .idempotency_key = "k"};
    const CompleteOptions complete{
        .actor = "a", .output = "{}", .expected_version = 1, .idempotency_key = "k"};
    const FaultOptions fault{
        .actor = "a", .fault = "{}", .expected_version = 1, .idempotency_key = "k"};
    const CancelOptions cancel{
        .actor = "a", .reason = "r", .expected_version = 1, .idempotency_key = "k"};
    const HeartbeatOptions heartbeat{.actor = "a", .lease_seconds = 60};
    const UpdateOptions update{.actor = "a",
                               .priority = 1,
                               .due_at = at,
                               .follow_up_at = at,
                               .input = "{}",
                               .assignment = people,
                               .expires_at = at,
                               .deadlines = "[]",
                               .expected_version = 1,
                               .idempotency_key = "k"};
    const SaveOutputOptions save_output{
        .actor = "a", .output = "{}", .expected_version = 1, .idempotency_key = "k"};
    const CancelWorkflowOptions cancel_workflow{
        .actor = "a", .reason = "r", .idempotency_key = "k"};
    const PutUserCommand user{
        .user_id = "u", .groups = {"g"}, .capacity = 1, .available = true, .away_until = at};
    const SetFlagOptions flag{.tenant = "t"};
    const ValidatorScope scope{.task_name = "t", .operation = "claim", .tenant = "t"};
    const ConsumerCreateOptions consumer{.all_tenants = true};
    const NextBatchOptions next{.max_events = 10};
    const RewindTarget rewind{.to_seq = 1, .to_time = at};
    const TransactionOptions transaction{.isolation = IsolationLevel::serializable,
                                         .on_behalf = "user"};
    EXPECT_EQ(create.actor, "a");
    (void)create_many, (void)read, (void)list, (void)worklist, (void)act, (void)claim;
    (void)claim_next, (void)allocate, (void)delegate, (void)forward, (void)suspend;
    (void)complete, (void)fault, (void)cancel, (void)heartbeat, (void)update, (void)save_output;
    (void)cancel_workflow, (void)user, (void)flag, (void)scope, (void)consumer, (void)next;
    (void)rewind, (void)transaction;
}

}  // namespace
}  // namespace workitem
