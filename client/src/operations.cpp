// Every typed operation: its arguments by name, the shape of its answer, and whether it may be
// sent again after a lost connection. Client and Tx decide how a statement is sent.
#include <workitem/operations.hpp>

#include "call.hpp"
#include "decoding.hpp"
#include "parameters.hpp"

#include <fmt/format.h>

namespace workitem {
namespace {

using detail::Arguments;
using detail::call;
using detail::p;
using detail::Replay;
using detail::ResultSet;
using detail::Shape;
using detail::single_value;

// The arguments an operation has besides the id(s), the actor, the expected version and the key.
Arguments extras(const ActOptions&) {
    return {};
}
Arguments extras(const ClaimOptions& o) {
    return {{"lease_seconds", p(o.lease_seconds)}};
}
Arguments extras(const AllocateOptions& o) {
    return {{"to_user", p(o.to_user)}, {"override", p(o.override)}};
}
Arguments extras(const DelegateOptions& o) {
    return {{"to_user", p(o.to_user)}};
}
Arguments extras(const ForwardOptions& o) {
    return {{"assignment", detail::assignment_json(o.assignment)}};
}
Arguments extras(const SuspendOptions& o) {
    return {{"until", p(o.until)}};
}
Arguments extras(const CompleteOptions& o) {
    return {{"output", p(o.output)}};
}
Arguments extras(const FaultOptions& o) {
    return {{"fault", p(o.fault)}};
}
Arguments extras(const CancelOptions& o) {
    return {{"reason", p(o.reason)}};
}
Arguments extras(const HeartbeatOptions& o) {
    return {{"lease_seconds", p(o.lease_seconds)}};
}
Arguments extras(const SaveOutputOptions& o) {
    return {{"output", p(o.output)}};
}
Arguments extras(const UpdateOptions& o) {
    Parameter assignment =
        o.assignment ? Parameter(detail::assignment_json(*o.assignment)) : std::nullopt;
    return {{"priority", p(o.priority)},         {"due_at", p(o.due_at)},
            {"follow_up_at", p(o.follow_up_at)}, {"input", p(o.input)},
            {"assignment", assignment},          {"expires_at", p(o.expires_at)},
            {"deadlines", p(o.deadlines)}};
}

template <class Options>
constexpr bool is_versioned = requires(const Options& o) {
    o.expected_version;
};

// Heartbeat alone has neither version nor key: it only extends a lease, so repeating it is safe.
template <class Options>
constexpr Replay replay_of = is_versioned<Options> ? Replay::with_key_only : Replay::safe;

template <class Options>
Item act(Operations& operations, std::string_view operation, std::int64_t id, const Options& o) {
    Arguments arguments{{"id", p(id)}, {"actor", p(o.actor)}};
    for (auto& extra : extras(o)) arguments.push_back(std::move(extra));
    if constexpr (is_versioned<Options>) {
        arguments.push_back({"expected_version", p(o.expected_version)});
        arguments.push_back({"idempotency_key", p(o.idempotency_key)});
    }
    const auto function = fmt::format("workitem_{}", operation);
    return detail::one_item(call(operations, function, Shape::item, replay_of<Options>, arguments));
}

template <class Options>
std::vector<BatchResult> act_on_batch(Operations& operations, std::string_view operation,
                                      const std::vector<std::int64_t>& ids, const Options& o,
                                      const ExpectedVersions& expected_versions = {}) {
    if (!expected_versions.empty() && expected_versions.size() != ids.size()) {
        throw_error(ErrorKind::invalid_argument, "expected_versions must name one version per id");
    }
    Arguments arguments{{"ids", detail::bigint_array(ids)}, {"actor", p(o.actor)}};
    for (auto& extra : extras(o)) arguments.push_back(std::move(extra));
    if constexpr (is_versioned<Options>) {
        if (o.expected_version) {
            throw_error(ErrorKind::invalid_argument,
                        "a batch takes expected_versions (one per id), not expected_version");
        }
        arguments.push_back(
            {"expected_versions", detail::optional_bigint_array(expected_versions)});
        arguments.push_back({"idempotency_key", p(o.idempotency_key)});
    }
    const auto function = fmt::format("workitem_{}_batch", operation);
    return detail::batch_results(
        call(operations, function, Shape::batch, replay_of<Options>, arguments));
}

Arguments filter_arguments(const ListFilter& f) {
    Parameter state = f.state ? Parameter(std::string(to_string(*f.state))) : std::nullopt;
    return {{"state", state},
            {"queue", p(f.queue)},
            {"task_name", p(f.task_name)},
            {"workflow_id", p(f.workflow_id)},
            {"owner", p(f.owner)},
            {"potential_owner", p(f.potential_owner)},
            {"due_before", p(f.due_before)},
            {"due_after", p(f.due_after)},
            {"min_priority", p(f.min_priority)},
            {"actor", p(f.actor)},
            {"input_contains", p(f.input_contains)},
            {"input_path", p(f.input_path)},
            {"fields", p(f.fields)},
            {"output_contains", p(f.output_contains)},
            {"output_path", p(f.output_path)}};
}

}  // namespace

Item Operations::create(const CreateCommand& c) {
    const Arguments arguments{{"workflow_id", p(c.workflow_id)},
                              {"task_name", p(c.task_name)},
                              {"assignment", detail::assignment_json(c.assignment)},
                              {"input", p(c.input)},
                              {"priority", p(c.priority)},
                              {"queue", p(c.queue)},
                              {"due_at", p(c.due_at)},
                              {"activate_at", p(c.activate_at)},
                              {"expires_at", p(c.expires_at)},
                              {"skippable", p(c.skippable)},
                              {"step_ref", p(c.step_ref)},
                              {"actor", p(c.actor)},
                              {"idempotency_key", p(c.idempotency_key)},
                              {"run_id", p(c.run_id)},
                              {"follow_up_at", p(c.follow_up_at)},
                              {"deadlines", p(c.deadlines)}};
    // (workflow_id, step_ref) names one item for ever: a repeated create returns it.
    const bool names_its_step = c.step_ref.has_value();
    return detail::one_item(call(*this, "workitem_create", Shape::item, Replay::with_key_only,
                                 arguments, names_its_step));
}

std::vector<CreateManyResult> Operations::create_many(const std::vector<CreateCommand>& commands,
                                                      const CreateManyOptions& o) {
    const Arguments arguments{{"items", detail::create_commands_json(commands)},
                              {"actor", p(o.actor)},
                              {"idempotency_key", p(o.idempotency_key)}};
    return detail::create_many_results(
        call(*this, "workitem_create_many", Shape::create_many, Replay::with_key_only, arguments));
}

Item Operations::get(std::int64_t id, const ReadOptions& o) {
    return detail::one_item(call(*this, "workitem_get", Shape::item, Replay::safe,
                                 {{"id", p(id)}, {"actor", p(o.actor)}}));
}

std::vector<Item> Operations::list(const ListFilter& f) {
    Arguments arguments = filter_arguments(f);
    arguments.push_back({"sort", p(f.sort)});
    arguments.push_back({"descending", p(f.descending)});
    arguments.push_back({"after_id", p(f.after_id)});
    arguments.push_back({"after_key", p(f.after_key)});
    arguments.push_back({"page_size", p(f.page_size)});
    return detail::items(call(*this, "workitem_list", Shape::item, Replay::safe, arguments));
}

std::int64_t Operations::count(const ListFilter& f) {
    const auto value = single_value(
        call(*this, "workitem_count", Shape::value, Replay::safe, filter_arguments(f)));
    return std::stoll(value);
}

std::vector<Item> Operations::worklist(const std::string& actor, const WorklistOptions& o) {
    const Arguments arguments{{"actor", p(actor)},
                              {"queue", p(o.queue)},
                              {"input_contains", p(o.input_contains)},
                              {"input_path", p(o.input_path)},
                              {"fields", p(o.fields)},
                              {"page_size", p(o.page_size)}};
    return detail::items(call(*this, "workitem_worklist", Shape::item, Replay::safe, arguments));
}

std::vector<Event> Operations::history(std::int64_t id, const ReadOptions& o) {
    return detail::events(call(*this, "workitem_history", Shape::rows, Replay::safe,
                               {{"id", p(id)}, {"actor", p(o.actor)}}));
}

std::vector<std::string> Operations::allowed_operations(std::int64_t id, const std::string& actor) {
    const auto value = single_value(call(*this, "workitem_allowed_operations", Shape::value,
                                         Replay::safe, {{"id", p(id)}, {"actor", p(actor)}}));
    return detail::text_array_elements(value);
}

Item Operations::claim(std::int64_t id, const ClaimOptions& o) {
    return act(*this, "claim", id, o);
}

namespace {
Arguments claim_next_arguments(const ClaimNextOptions& o) {
    return {{"actor", p(o.actor)},
            {"queue", p(o.queue)},
            {"task_name", p(o.task_name)},
            {"lease_seconds", p(o.lease_seconds)},
            {"idempotency_key", p(o.idempotency_key)}};
}
}  // namespace

std::optional<Item> Operations::claim_next(const ClaimNextOptions& o) {
    auto claimed = detail::items(call(*this, "workitem_claim_next", Shape::item,
                                      Replay::with_key_only, claim_next_arguments(o)));
    if (claimed.empty()) return std::nullopt;
    return std::move(claimed.front());
}

std::vector<Item> Operations::claim_next_many(const ClaimNextOptions& o, int max_items) {
    Arguments arguments = claim_next_arguments(o);
    arguments.push_back({"max_items", p(max_items)});
    return detail::items(
        call(*this, "workitem_claim_next", Shape::item, Replay::with_key_only, arguments));
}

AcknowledgeResult Operations::acknowledge_and_claim_next(const std::vector<Outcome>& outcomes,
                                                         const ClaimNextOptions& o, int max_items) {
    const Arguments arguments{{"actor", p(o.actor)},
                              {"outcomes", detail::outcomes_json(outcomes)},
                              {"queue", p(o.queue)},
                              {"task_name", p(o.task_name)},
                              {"lease_seconds", p(o.lease_seconds)},
                              {"max_items", p(max_items)},
                              {"idempotency_key", p(o.idempotency_key)}};
    return detail::acknowledged(call(*this, "workitem_acknowledge_and_claim_next",
                                     Shape::acknowledged, Replay::with_key_only, arguments));
}

Item Operations::allocate(std::int64_t id, const AllocateOptions& o) {
    return act(*this, "allocate", id, o);
}
Item Operations::start(std::int64_t id, const ActOptions& o) {
    return act(*this, "start", id, o);
}
Item Operations::stop(std::int64_t id, const ActOptions& o) {
    return act(*this, "stop", id, o);
}
Item Operations::release(std::int64_t id, const ActOptions& o) {
    return act(*this, "release", id, o);
}
Item Operations::delegate(std::int64_t id, const DelegateOptions& o) {
    return act(*this, "delegate", id, o);
}
Item Operations::resolve(std::int64_t id, const ActOptions& o) {
    return act(*this, "resolve", id, o);
}
Item Operations::forward(std::int64_t id, const ForwardOptions& o) {
    return act(*this, "forward", id, o);
}
Item Operations::suspend(std::int64_t id, const SuspendOptions& o) {
    return act(*this, "suspend", id, o);
}
Item Operations::resume(std::int64_t id, const ActOptions& o) {
    return act(*this, "resume", id, o);
}
Item Operations::complete(std::int64_t id, const CompleteOptions& o) {
    return act(*this, "complete", id, o);
}
Item Operations::fail(std::int64_t id, const FaultOptions& o) {
    return act(*this, "fail", id, o);
}
Item Operations::skip(std::int64_t id, const ActOptions& o) {
    return act(*this, "skip", id, o);
}
Item Operations::cancel(std::int64_t id, const CancelOptions& o) {
    return act(*this, "cancel", id, o);
}
Item Operations::mark_error(std::int64_t id, const FaultOptions& o) {
    return act(*this, "mark_error", id, o);
}
Item Operations::heartbeat(std::int64_t id, const HeartbeatOptions& o) {
    return act(*this, "heartbeat", id, o);
}
Item Operations::update(std::int64_t id, const UpdateOptions& o) {
    return act(*this, "update", id, o);
}
Item Operations::save_output(std::int64_t id, const SaveOutputOptions& o) {
    return act(*this, "save_output", id, o);
}

std::vector<Item> Operations::cancel_workflow(const std::string& workflow_id,
                                              const CancelWorkflowOptions& o) {
    const Arguments arguments{{"workflow_id", p(workflow_id)},
                              {"actor", p(o.actor)},
                              {"reason", p(o.reason)},
                              {"idempotency_key", p(o.idempotency_key)}};
    return detail::items(
        call(*this, "workitem_cancel_workflow", Shape::item, Replay::with_key_only, arguments));
}

using Ids = std::vector<std::int64_t>;
using Versions = ExpectedVersions;
std::vector<BatchResult> Operations::claim_batch(const Ids& ids, const ClaimOptions& o,
                                                 const Versions& v) {
    return act_on_batch(*this, "claim", ids, o, v);
}
std::vector<BatchResult> Operations::allocate_batch(const Ids& ids, const AllocateOptions& o,
                                                    const Versions& v) {
    return act_on_batch(*this, "allocate", ids, o, v);
}
std::vector<BatchResult> Operations::start_batch(const Ids& ids, const ActOptions& o,
                                                 const Versions& v) {
    return act_on_batch(*this, "start", ids, o, v);
}
std::vector<BatchResult> Operations::stop_batch(const Ids& ids, const ActOptions& o,
                                                const Versions& v) {
    return act_on_batch(*this, "stop", ids, o, v);
}
std::vector<BatchResult> Operations::release_batch(const Ids& ids, const ActOptions& o,
                                                   const Versions& v) {
    return act_on_batch(*this, "release", ids, o, v);
}
std::vector<BatchResult> Operations::delegate_batch(const Ids& ids, const DelegateOptions& o,
                                                    const Versions& v) {
    return act_on_batch(*this, "delegate", ids, o, v);
}
std::vector<BatchResult> Operations::resolve_batch(const Ids& ids, const ActOptions& o,
                                                   const Versions& v) {
    return act_on_batch(*this, "resolve", ids, o, v);
}
std::vector<BatchResult> Operations::forward_batch(const Ids& ids, const ForwardOptions& o,
                                                   const Versions& v) {
    return act_on_batch(*this, "forward", ids, o, v);
}
std::vector<BatchResult> Operations::suspend_batch(const Ids& ids, const SuspendOptions& o,
                                                   const Versions& v) {
    return act_on_batch(*this, "suspend", ids, o, v);
}
std::vector<BatchResult> Operations::resume_batch(const Ids& ids, const ActOptions& o,
                                                  const Versions& v) {
    return act_on_batch(*this, "resume", ids, o, v);
}
std::vector<BatchResult> Operations::complete_batch(const Ids& ids, const CompleteOptions& o,
                                                    const Versions& v) {
    return act_on_batch(*this, "complete", ids, o, v);
}
std::vector<BatchResult> Operations::fail_batch(const Ids& ids, const FaultOptions& o,
                                                const Versions& v) {
    return act_on_batch(*this, "fail", ids, o, v);
}
std::vector<BatchResult> Operations::skip_batch(const Ids& ids, const ActOptions& o,
                                                const Versions& v) {
    return act_on_batch(*this, "skip", ids, o, v);
}
std::vector<BatchResult> Operations::cancel_batch(const Ids& ids, const CancelOptions& o,
                                                  const Versions& v) {
    return act_on_batch(*this, "cancel", ids, o, v);
}
std::vector<BatchResult> Operations::mark_error_batch(const Ids& ids, const FaultOptions& o,
                                                      const Versions& v) {
    return act_on_batch(*this, "mark_error", ids, o, v);
}
std::vector<BatchResult> Operations::heartbeat_batch(const Ids& ids, const HeartbeatOptions& o) {
    return act_on_batch(*this, "heartbeat", ids, o);
}
std::vector<BatchResult> Operations::update_batch(const Ids& ids, const UpdateOptions& o,
                                                  const Versions& v) {
    return act_on_batch(*this, "update", ids, o, v);
}
std::vector<BatchResult> Operations::save_output_batch(const Ids& ids, const SaveOutputOptions& o,
                                                       const Versions& v) {
    return act_on_batch(*this, "save_output", ids, o, v);
}

DirectoryUser Operations::put_user(const PutUserCommand& u) {
    const Arguments arguments{{"user_id", p(u.user_id)},
                              {"groups", detail::text_array(u.groups)},
                              {"capacity", p(u.capacity)},
                              {"available", p(u.available)},
                              {"away_until", p(u.away_until)}};
    // The whole state of one user: writing it twice leaves the same directory.
    return detail::directory_user(
        call(*this, "workitem_put_user", Shape::rows, Replay::safe, arguments));
}

PutUsersResult Operations::put_users(const std::vector<PutUserCommand>& users, bool replace_all) {
    const Arguments arguments{{"users", detail::users_json(users)},
                              {"replace_all", p(replace_all)}};
    return detail::put_users_result(
        call(*this, "workitem_put_users", Shape::rows, Replay::safe, arguments));
}

DirectoryUser Operations::get_user(const std::string& user_id) {
    auto users = detail::directory_users(
        call(*this, "workitem_get_user", Shape::rows, Replay::safe, {{"user_id", p(user_id)}}));
    if (users.size() != 1) throw_error(ErrorKind::unexpected_result, "expected one user");
    return std::move(users.front());
}

std::vector<DirectoryUser> Operations::list_users(const UserListOptions& o) {
    const Arguments arguments{
        {"group_id", p(o.group_id)}, {"after", p(o.after)}, {"page_size", p(o.page_size)}};
    return detail::directory_users(
        call(*this, "workitem_list_users", Shape::rows, Replay::safe, arguments));
}

std::vector<DirectoryGroup> Operations::list_groups(const GroupListOptions& o) {
    const Arguments arguments{{"after", p(o.after)}, {"page_size", p(o.page_size)}};
    return detail::directory_groups(
        call(*this, "workitem_list_groups", Shape::rows, Replay::safe, arguments));
}

bool Operations::remember_refusal(const std::optional<std::string>& idempotency_key) {
    // A second call stores nothing more (the note is taken by the first).
    return single_value(call(*this, "workitem_remember_refusal", Shape::value, Replay::safe,
                             {{"idempotency_key", p(idempotency_key)}})) == "t";
}

bool Operations::delete_user(const std::string& user_id) {
    // Removing a user twice leaves the same directory (the second answer is false).
    return single_value(call(*this, "workitem_delete_user", Shape::value, Replay::safe,
                             {{"user_id", p(user_id)}})) == "t";
}

}  // namespace workitem
