// Every operation of the SQL API as a typed method. Client (each call its own transaction, with
// retries) and Tx (calls inside the caller's transaction) both offer them.
#pragma once

#include <workitem/admin.hpp>
#include <workitem/export.hpp>
#include <workitem/commands.hpp>
#include <workitem/events.hpp>
#include <workitem/types.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace workitem {

namespace detail {
struct Statement;
class ResultSet;
struct Dispatch;
}  // namespace detail

class WORKITEM_API Operations {
  public:
    // Creating and reading.
    Item create(const CreateCommand& command);
    std::vector<CreateManyResult> create_many(const std::vector<CreateCommand>& commands,
                                              const CreateManyOptions& options = {});
    Item get(std::int64_t id, const ReadOptions& options = {});
    std::vector<Item> list(const ListFilter& filter = {});
    std::int64_t count(const ListFilter& filter = {});
    std::vector<Item> worklist(const std::string& actor, const WorklistOptions& options = {});
    std::vector<Event> history(std::int64_t id, const ReadOptions& options = {});
    std::vector<std::string> allowed_operations(std::int64_t id, const std::string& actor);

    // The lifecycle. Each returns the item as it now is.
    Item claim(std::int64_t id, const ClaimOptions& options);
    std::optional<Item> claim_next(const ClaimNextOptions& options);  // none: nothing to claim
    // Up to max_items (1 to workitem.max_batch_size) in one call, best first, each claimed as if
    // by its own claim_next; an idempotency key covers the whole call.
    std::vector<Item> claim_next_many(const ClaimNextOptions& options, int max_items);
    // A worker's round trip: the outcomes of the items it held (each answered in its own row, as
    // the batch forms answer), then up to max_items (0 to workitem.max_batch_size) claimed as
    // claim_next_many claims them, all in one call and one commit; an idempotency key covers it
    // all.
    AcknowledgeResult acknowledge_and_claim_next(const std::vector<Outcome>& outcomes,
                                                 const ClaimNextOptions& options,
                                                 int max_items = 1);
    Item allocate(std::int64_t id, const AllocateOptions& options);
    Item start(std::int64_t id, const ActOptions& options);
    Item stop(std::int64_t id, const ActOptions& options);
    Item release(std::int64_t id, const ActOptions& options);
    Item delegate(std::int64_t id, const DelegateOptions& options);
    Item resolve(std::int64_t id, const ActOptions& options);
    Item forward(std::int64_t id, const ForwardOptions& options);
    Item suspend(std::int64_t id, const SuspendOptions& options);
    Item resume(std::int64_t id, const ActOptions& options);
    Item complete(std::int64_t id, const CompleteOptions& options);
    Item fail(std::int64_t id, const FaultOptions& options);
    Item skip(std::int64_t id, const ActOptions& options);
    Item cancel(std::int64_t id, const CancelOptions& options);
    Item mark_error(std::int64_t id, const FaultOptions& options);
    Item heartbeat(std::int64_t id, const HeartbeatOptions& options);
    Item update(std::int64_t id, const UpdateOptions& options);
    Item save_output(std::int64_t id, const SaveOutputOptions& options);
    std::vector<Item> cancel_workflow(const std::string& workflow_id,
                                      const CancelWorkflowOptions& options);
    // Stores the refusal of this session's last call made with an idempotency key (only if it
    // was made with `idempotency_key`, when given) as that key's outcome, so a retry gets the
    // same error (docs/domain.md §9); whether it stored one. Client and Tx do it by themselves
    // after a call with your key is refused, on the connection that was refused (docs/sdk.md):
    // call it only where you own that connection's next call, e.g. in a Tx after catching the
    // refusal of a call inside a savepoint.
    bool remember_refusal(const std::optional<std::string>& idempotency_key = std::nullopt);

    // Batch forms: one row per id, in the order given; one refused id does not stop the others.
    // The options are the single form's, without expected_version (give expected_versions).
    std::vector<BatchResult> claim_batch(const std::vector<std::int64_t>& ids,
                                         const ClaimOptions& options,
                                         const ExpectedVersions& expected_versions = {});
    std::vector<BatchResult> allocate_batch(const std::vector<std::int64_t>& ids,
                                            const AllocateOptions& options,
                                            const ExpectedVersions& expected_versions = {});
    std::vector<BatchResult> start_batch(const std::vector<std::int64_t>& ids,
                                         const ActOptions& options,
                                         const ExpectedVersions& expected_versions = {});
    std::vector<BatchResult> stop_batch(const std::vector<std::int64_t>& ids,
                                        const ActOptions& options,
                                        const ExpectedVersions& expected_versions = {});
    std::vector<BatchResult> release_batch(const std::vector<std::int64_t>& ids,
                                           const ActOptions& options,
                                           const ExpectedVersions& expected_versions = {});
    std::vector<BatchResult> delegate_batch(const std::vector<std::int64_t>& ids,
                                            const DelegateOptions& options,
                                            const ExpectedVersions& expected_versions = {});
    std::vector<BatchResult> resolve_batch(const std::vector<std::int64_t>& ids,
                                           const ActOptions& options,
                                           const ExpectedVersions& expected_versions = {});
    std::vector<BatchResult> forward_batch(const std::vector<std::int64_t>& ids,
                                           const ForwardOptions& options,
                                           const ExpectedVersions& expected_versions = {});
    std::vector<BatchResult> suspend_batch(const std::vector<std::int64_t>& ids,
                                           const SuspendOptions& options,
                                           const ExpectedVersions& expected_versions = {});
    std::vector<BatchResult> resume_batch(const std::vector<std::int64_t>& ids,
                                          const ActOptions& options,
                                          const ExpectedVersions& expected_versions = {});
    std::vector<BatchResult> complete_batch(const std::vector<std::int64_t>& ids,
                                            const CompleteOptions& options,
                                            const ExpectedVersions& expected_versions = {});
    std::vector<BatchResult> fail_batch(const std::vector<std::int64_t>& ids,
                                        const FaultOptions& options,
                                        const ExpectedVersions& expected_versions = {});
    std::vector<BatchResult> skip_batch(const std::vector<std::int64_t>& ids,
                                        const ActOptions& options,
                                        const ExpectedVersions& expected_versions = {});
    std::vector<BatchResult> cancel_batch(const std::vector<std::int64_t>& ids,
                                          const CancelOptions& options,
                                          const ExpectedVersions& expected_versions = {});
    std::vector<BatchResult> mark_error_batch(const std::vector<std::int64_t>& ids,
                                              const FaultOptions& options,
                                              const ExpectedVersions& expected_versions = {});
    std::vector<BatchResult> heartbeat_batch(const std::vector<std::int64_t>& ids,
                                             const HeartbeatOptions& options);
    std::vector<BatchResult> update_batch(const std::vector<std::int64_t>& ids,
                                          const UpdateOptions& options,
                                          const ExpectedVersions& expected_versions = {});
    std::vector<BatchResult> save_output_batch(const std::vector<std::int64_t>& ids,
                                               const SaveOutputOptions& options,
                                               const ExpectedVersions& expected_versions = {});

    // The directory.
    DirectoryUser put_user(const PutUserCommand& user);
    PutUsersResult put_users(const std::vector<PutUserCommand>& users, bool replace_all = false);
    // One user with their groups (WI404 when not in the tenant's directory).
    DirectoryUser get_user(const std::string& user_id);
    std::vector<DirectoryUser> list_users(const UserListOptions& options = {});
    std::vector<DirectoryGroup> list_groups(const GroupListOptions& options = {});
    // Removes the user and their memberships from the directory, nothing else (their items stay
    // as they are); returns whether they were there.
    bool delete_user(const std::string& user_id);

    // Event consumers (workitem_service, workitem_admin). EventConsumer (event_consumer.hpp)
    // loops over batches; these are the single steps. Returns whether it was created (false: it
    // existed, so calling it at every start is fine).
    bool consumer_create(const std::string& consumer, const ConsumerCreateOptions& options = {});
    void consumer_drop(const std::string& consumer);
    // The consumer's open batch, else a new one of events committed since; none: nothing new.
    std::optional<EventBatch> next_batch(const std::string& consumer,
                                         const NextBatchOptions& options = {});
    // The events of a batch next_batch handed out (batch ids are global), ordered by seq.
    std::vector<Event> batch_events(std::int64_t batch_id);
    // Marks the batch delivered; returns how many events it held.
    int finish_batch(std::int64_t batch_id);
    // Replays from a seq or a time (abandoning the open batch); returns the seq it starts from.
    std::int64_t consumer_rewind(const std::string& consumer, const RewindTarget& target);
    std::vector<EventLag> event_lag();
    // Superusers only: whether every commit with events NOTIFYs workitem_events (release
    // 0.1.0's wake-up; off by default: it serialises commits). EventConsumer's and Worker's
    // wake_on_notify use the wake-ups that cost nothing while nobody waits instead.
    bool event_notify(bool enabled);

    // Administration. Validators and strategies run inside other people's calls, so only
    // a superuser may register them; flags are for workitem_service and _admin, ticks for
    // workitem_service only (a tick acts on every tenant's items).
    FeatureFlag set_flag(const std::string& name, bool enabled, const SetFlagOptions& options = {});
    // The default lease of a worker's claim (claim_next) in a queue or of a task of the current
    // tenant, used when neither the call nor the assignment names one; none removes it. Returns
    // the default it replaced. For workitem_service and _admin.
    std::optional<int> set_lease_default(const LeaseDefaultScope& scope,
                                         std::optional<int> lease_seconds);
    // The form of a task of the current tenant: the JSON Schema (a JSON object, as text) of its
    // output that the task inbox renders (docs/tasklist.md); none removes it. Returns the schema
    // it replaced. For workitem_service and _admin; task_form reads it (any capability).
    std::optional<std::string> set_task_form(const std::string& task_name,
                                             const std::optional<std::string>& output_schema);
    std::optional<std::string> task_form(const std::string& task_name);
    // Search (docs/search.md): declares a field of the input of a task's items (none: every
    // task of the tenant) as numeric, text or timestamptz, so that list, count and worklist
    // filter (ListFilter::fields) and sort on it with an index; returns how many existing items
    // it filled. Declaring again is harmless. For workitem_admin; index_fields reads them.
    std::int64_t index_field(const std::optional<std::string>& task_name, const std::string& field,
                             const std::string& type);
    std::vector<IndexedField> index_fields();
    bool drop_index_field(const std::optional<std::string>& task_name,
                          const std::string& field);  // whether it was declared
    // validator: a function f(item workitem.item, operation text, actor text) RETURNS text.
    CustomValidator register_validator(const std::string& validator,
                                       const ValidatorScope& scope = {});
    bool unregister_validator(std::int64_t id);  // whether it existed
    // strategy: a function f(task_name text, workflow_id text, input jsonb, eligible text[])
    // RETURNS text, registered (or replaced) under `name`.
    CustomStrategy register_strategy(const std::string& name, const std::string& strategy);
    // Does the timer's work once, acting on at most max_items items (and purged rows) per kind.
    std::vector<TickResult> tick(int max_items = 1000);

  protected:
    friend struct detail::Dispatch;
    Operations() = default;
    Operations(const Operations&) = delete;
    Operations& operator=(const Operations&) = delete;
    virtual ~Operations() = default;

    // Sends one statement and returns its answer, or throws Error.
    virtual detail::ResultSet run(detail::Statement& statement) = 0;
};

}  // namespace workitem
