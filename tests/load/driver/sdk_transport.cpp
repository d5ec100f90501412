#include "sdk_transport.hpp"

#include <utility>

namespace load {

namespace {

ItemView view_of(const workitem::Item& item) {
    return {.id = item.id,
            .version = item.version,
            .state = std::string(workitem::to_string(item.state)),
            .owner = item.owner.value_or(""),
            .workflow_id = item.workflow_id,
            .task_name = item.task_name};
}

Row ok_row(std::string operation, const workitem::Item& item) {
    return {.operation = std::move(operation), .item_id = item.id, .item = view_of(item)};
}

// A batch form's row: done, or refused on its own while the others went on.
Row batch_row(std::string operation, std::optional<std::int64_t> id, bool ok,
              const std::string& sqlstate, const std::optional<workitem::Item>& item) {
    Row row{.operation = std::move(operation), .item_id = id};
    if (ok) {
        if (item) row.item = view_of(*item);
    } else {
        row.outcome = Outcome::refused;
        row.sqlstate = sqlstate;
    }
    return row;
}

workitem::CreateCommand command_of(const NewItem& item, const std::string& workflow_id) {
    return {.workflow_id = workflow_id,
            .task_name = item.task_name,
            .assignment = {.groups = item.groups, .four_eyes_with = item.four_eyes_with},
            .input = R"({"load": true})",
            .priority = item.priority,
            .queue = item.queue};
}

Row single(const Call& call, const workitem::Item& item) {
    return ok_row(event_operation(call.op), item);
}

Answer answer_of(std::vector<Row> rows) {
    return {.rows = std::move(rows)};
}

}  // namespace

SdkTransport::SdkTransport(workitem::ClientOptions options) : client_(std::move(options)) {}

Answer SdkTransport::send(const Call& call) {
    try {
        return perform(call);
    } catch (const workitem::Error& error) {
        Answer answer{.sqlstate = error.sqlstate(), .message = error.what()};
        if (error.kind() == workitem::ErrorKind::in_doubt)
            answer.outcome = Outcome::in_doubt;
        else if (error.sqlstate().starts_with("WI"))
            answer.outcome = Outcome::refused;
        else
            answer.outcome = Outcome::failed;
        answer.rows.push_back({.operation = event_operation(call.op),
                               .item_id = call.item_id,
                               .outcome = answer.outcome,
                               .sqlstate = answer.sqlstate});
        return answer;
    } catch (const std::exception& error) {
        return {.outcome = Outcome::failed,
                .message = error.what(),
                .rows = {{.operation = event_operation(call.op),
                          .item_id = call.item_id,
                          .outcome = Outcome::failed}}};
    }
}

Answer SdkTransport::perform(const Call& call) {
    const std::string& actor = call.actor;
    const std::int64_t id = call.item_id.value_or(0);
    switch (call.op) {
        case Op::create: {
            workitem::CreateCommand command = command_of(call.new_items.at(0), call.workflow_id);
            command.actor = actor;
            command.idempotency_key = call.idempotency_key;
            return answer_of({single(call, client_.create(command))});
        }
        case Op::create_many: {
            std::vector<workitem::CreateCommand> commands;
            for (const NewItem& item : call.new_items)
                commands.push_back(command_of(item, call.workflow_id));
            std::vector<Row> rows;
            for (const auto& result : client_.create_many(
                     commands, {.actor = actor, .idempotency_key = call.idempotency_key}))
                rows.push_back(
                    batch_row("create", result.item ? std::optional(result.item->id) : std::nullopt,
                              result.ok, result.sqlstate, result.item));
            return answer_of(std::move(rows));
        }
        case Op::cancel_workflow: {
            std::vector<Row> rows;
            for (const workitem::Item& item : client_.cancel_workflow(
                     call.workflow_id, {.actor = actor,
                                       .reason = "load: workflow cancelled",
                                       .idempotency_key = call.idempotency_key}))
                rows.push_back(single(call, item));
            return answer_of(std::move(rows));
        }
        case Op::worklist: {
            Answer answer;
            for (const workitem::Item& item :
                 client_.worklist(actor, {.page_size = call.page_size}))
                answer.listed.push_back(view_of(item));
            return answer;
        }
        case Op::list: {
            Answer answer;
            for (const workitem::Item& item : client_.list({.actor = actor,
                                              .queue = call.queue,
                                              .owner = actor,
                                              .page_size = call.page_size}))
                answer.listed.push_back(view_of(item));
            return answer;
        }
        case Op::claim:
            return answer_of(
                {single(call, client_.claim(id, {.actor = actor,
                                                 .expected_version = call.expected_version,
                                                 .idempotency_key = call.idempotency_key,
                                                 .lease_seconds = call.lease_seconds}))});
        case Op::start:
            return answer_of({single(
                call, client_.start(id, {actor, call.expected_version, call.idempotency_key}))});
        case Op::save_output:
            return answer_of(
                {single(call, client_.save_output(id, {.actor = actor,
                                                       .output = output_of(call),
                                                       .expected_version = call.expected_version,
                                                       .idempotency_key = call.idempotency_key}))});
        case Op::complete:
            return answer_of(
                {single(call, client_.complete(id, {.actor = actor,
                                                    .output = output_of(call),
                                                    .expected_version = call.expected_version,
                                                    .idempotency_key = call.idempotency_key}))});
        case Op::fail:
            return answer_of(
                {single(call, client_.fail(id, {.actor = actor,
                                                .fault = fault_of(call),
                                                .expected_version = call.expected_version,
                                                .idempotency_key = call.idempotency_key}))});
        case Op::delegate:
            return answer_of(
                {single(call, client_.delegate(id, {.actor = actor,
                                                    .to_user = call.to_user,
                                                    .expected_version = call.expected_version,
                                                    .idempotency_key = call.idempotency_key}))});
        case Op::forward:
            return answer_of(
                {single(call, client_.forward(id, {.actor = actor,
                                                   .assignment = {.groups = call.groups},
                                                   .expected_version = call.expected_version,
                                                   .idempotency_key = call.idempotency_key}))});
        case Op::suspend:
            return answer_of(
                {single(call, client_.suspend(id, {.actor = actor,
                                                   .expected_version = call.expected_version,
                                                   .idempotency_key = call.idempotency_key}))});
        case Op::resume:
            return answer_of({single(
                call, client_.resume(id, {actor, call.expected_version, call.idempotency_key}))});
        case Op::release:
            return answer_of({single(
                call, client_.release(id, {actor, call.expected_version, call.idempotency_key}))});
        case Op::claim_next: {
            const auto item = client_.claim_next({.actor = actor,
                                                  .queue = call.queue,
                                                  .idempotency_key = call.idempotency_key,
                                                  .lease_seconds = call.lease_seconds});
            // Nothing to claim is an answer too: one row without an item.
            if (!item) return answer_of({{.operation = "claim_next"}});
            return answer_of({single(call, *item)});
        }
        case Op::claim_next_many: {
            std::vector<Row> rows;
            for (const workitem::Item& item : client_.claim_next_many({.actor = actor,
                                              .queue = call.queue,
                                              .idempotency_key = call.idempotency_key,
                                              .lease_seconds = call.lease_seconds},
                                                                      call.max_items))
                rows.push_back(single(call, item));
            if (rows.empty()) rows.push_back({.operation = "claim_next"});
            return answer_of(std::move(rows));
        }
        case Op::acknowledge_and_claim_next: {
            std::vector<workitem::Outcome> outcomes;
            for (const Acknowledgement& ack : call.acknowledgements) {
                workitem::Outcome outcome{.id = ack.item_id};
                if (ack.failed)
                    outcome.fault = fault_of(call);
                else
                    outcome.output = output_of(call);
                outcomes.push_back(std::move(outcome));
            }
            const auto answer =
                client_.acknowledge_and_claim_next(outcomes,
                                                   {.actor = actor,
                                                    .queue = call.queue,
                                                    .idempotency_key = call.idempotency_key,
                                                    .lease_seconds = call.lease_seconds},
                                                   call.max_items);
            std::vector<Row> rows;
            for (std::size_t i = 0; i < answer.outcomes.size(); ++i) {
                const auto& result = answer.outcomes[i];
                const bool failed =
                    i < call.acknowledgements.size() && call.acknowledgements[i].failed;
                rows.push_back(batch_row(failed ? "fail" : "complete", result.id, result.ok,
                                         result.sqlstate, result.item));
            }
            for (const workitem::Item& item : answer.claimed)
                rows.push_back(ok_row("claim_next", item));
            return answer_of(std::move(rows));
        }
        case Op::heartbeat: {
            std::vector<Row> rows;
            for (const auto& result : client_.heartbeat_batch(
                     call.item_ids, {.actor = actor, .lease_seconds = call.lease_seconds}))
                rows.push_back(
                    batch_row("heartbeat", result.id, result.ok, result.sqlstate, result.item));
            return answer_of(std::move(rows));
        }
    }
    return {.outcome = Outcome::failed, .message = "unknown operation"};
}

}  // namespace load
