#include "decoding.hpp"

#include <libpq-fe.h>

namespace workitem::detail {
namespace {

[[noreturn]] void unexpected(const std::string& what) {
    throw_error(ErrorKind::unexpected_result, what);
}

State state_label(const std::string& label) {
    const auto state = parse_state(label);
    if (!state) unexpected("unknown state " + label);
    return *state;
}

State state_column(const Row& row, const char* column) {
    return state_label(row.text(column));
}

DelegationState delegation_state_column(const Row& row) {
    const auto label = row.text("delegation_state");
    if (label == "pending") return DelegationState::pending;
    if (label == "resolved") return DelegationState::resolved;
    return DelegationState::none;
}

void expect_one_row(const ResultSet& result) {
    if (result.rows() != 1) unexpected("expected one row, got " + std::to_string(result.rows()));
}

// The error kind of a batch row that was refused.
std::optional<ErrorKind> row_error(const Row& row, bool ok) {
    if (ok) return std::nullopt;
    return error_kind_for_sqlstate(row.optional_text("sqlstate").value_or(""));
}

}  // namespace

std::string single_value(const ResultSet& result) {
    if (result.rows() != 1) unexpected("expected one value");
    return Row(result, 0).text("value");
}

// In the order of workitem.item's columns, which the answers carry (see Row::column_index).
Item decode_item(const Row& row) {
    Item item;
    item.id = row.int64("id");
    item.tenant_id = row.text("tenant_id");
    item.workflow_id = row.text("workflow_id");
    item.run_id = row.optional_text("run_id");
    item.step_ref = row.optional_text("step_ref");
    item.task_name = row.text("task_name");
    item.created_by = row.text("created_by");
    item.created_at = row.timestamp("created_at");
    item.skippable = row.boolean("skippable");
    item.activate_at = row.optional_timestamp("activate_at");
    item.input = row.optional_text("input");
    item.queue = row.optional_text("queue");
    item.priority = row.int32("priority");
    item.assignment = row.text("assignment");
    item.due_at = row.optional_timestamp("due_at");
    item.follow_up_at = row.optional_timestamp("follow_up_at");
    item.expires_at = row.optional_timestamp("expires_at");
    item.escalation_level = row.int32("escalation_level");
    item.delegated_from = row.optional_text("delegated_from");
    item.delegation_state = delegation_state_column(row);
    if (const auto resume_to = row.optional_text("resume_to")) {
        item.resume_to = state_label(*resume_to);
    }
    item.suspended_until = row.optional_timestamp("suspended_until");
    item.lease_seconds = row.optional_int32("lease_seconds");
    item.lease_expiries = row.int32("lease_expiries");
    item.fault = row.optional_text("fault");
    item.state = state_column(row, "state");
    item.owner = row.optional_text("owner");
    item.version = row.int64("version");
    item.lease_until = row.optional_timestamp("lease_until");
    item.updated_at = row.timestamp("updated_at");
    item.completed_at = row.optional_timestamp("completed_at");
    item.deadlines = row.text("deadlines");
    item.output = row.optional_text("output");
    item.candidates = text_array_elements(row.text("candidates"));
    item.excluded = text_array_elements(row.text("excluded"));
    item.administrators = text_array_elements(row.text("administrators"));
    item.lease_expired_owner = row.optional_text("lease_expired_owner");
    return item;
}

Item one_item(const ResultSet& result) {
    expect_one_row(result);
    return decode_item(Row(result, 0));
}

std::vector<Item> items(const ResultSet& result) {
    std::vector<Item> list;
    list.reserve(static_cast<std::size_t>(result.rows()));
    for (int i = 0; i < result.rows(); ++i) list.push_back(decode_item(Row(result, i)));
    return list;
}

Event decode_event(const Row& row) {
    return Event{.seq = row.int64("seq"),
                 .id = row.text("id"),
                 .tenant_id = row.text("tenant_id"),
                 .item_id = row.int64("aggregateid"),
                 .item_version = row.int64("aggregate_version"),
                 .type = row.text("type"),
                 .operation = row.text("operation"),
                 .actor = row.text("actor"),
                 .reason = row.optional_text("reason"),
                 .payload = row.text("payload"),
                 .idempotency_key = row.optional_text("idempotency_key"),
                 .trace_context = row.optional_text("trace_context"),
                 .occurred_at = row.timestamp("occurred_at"),
                 .aggregatetype = row.text("aggregatetype"),
                 .txid = row.text("txid"),
                 .login = row.optional_text("login"),
                 .capability = row.optional_text("capability")};
}

std::vector<Event> events(const ResultSet& result) {
    std::vector<Event> list;
    for (int i = 0; i < result.rows(); ++i) list.push_back(decode_event(Row(result, i)));
    return list;
}

// The outcome columns every batch row has (ok, sqlstate, message, the item) into `entry`.
template <class Outcome>
Outcome batch_row(const Row& row, Outcome entry) {
    entry.ok = row.boolean("ok");
    entry.error = row_error(row, entry.ok);
    entry.sqlstate = row.optional_text("sqlstate").value_or("");
    entry.message = row.optional_text("message").value_or("");
    if (!row.is_null("id")) entry.item = decode_item(row);
    return entry;
}

std::vector<BatchResult> batch_results(const ResultSet& result) {
    std::vector<BatchResult> list;
    for (int i = 0; i < result.rows(); ++i) {
        const Row row(result, i);
        list.push_back(batch_row(row, BatchResult{.id = row.int64("batch_id")}));
    }
    return list;
}

std::vector<CreateManyResult> create_many_results(const ResultSet& result) {
    std::vector<CreateManyResult> list;
    for (int i = 0; i < result.rows(); ++i) {
        const Row row(result, i);
        list.push_back(batch_row(row, CreateManyResult{.element = row.int32("element")}));
    }
    return list;
}

AcknowledgeResult acknowledged(const ResultSet& result) {
    AcknowledgeResult answer;
    for (int i = 0; i < result.rows(); ++i) {
        const Row row(result, i);
        if (row.text("kind") == "claim") {
            answer.claimed.push_back(decode_item(row));
        } else {
            answer.outcomes.push_back(batch_row(row, BatchResult{.id = row.int64("batch_id")}));
        }
    }
    return answer;
}

DirectoryUser directory_user(const ResultSet& result) {
    expect_one_row(result);
    const Row row(result, 0);
    return DirectoryUser{.tenant_id = row.text("tenant_id"),
                         .user_id = row.text("user_id"),
                         .available = row.boolean("available"),
                         .away_until = row.optional_timestamp("away_until"),
                         .capacity = row.optional_int32("capacity"),
                         .created_at = row.timestamp("created_at"),
                         .updated_at = row.timestamp("updated_at")};
}

std::vector<DirectoryUser> directory_users(const ResultSet& result) {
    std::vector<DirectoryUser> users;
    for (int i = 0; i < result.rows(); ++i) {
        const Row row(result, i);
        users.push_back(DirectoryUser{.tenant_id = row.text("tenant_id"),
                                      .user_id = row.text("user_id"),
                                      .available = row.boolean("available"),
                                      .away_until = row.optional_timestamp("away_until"),
                                      .capacity = row.optional_int32("capacity"),
                                      .created_at = row.timestamp("created_at"),
                                      .updated_at = row.timestamp("updated_at"),
                                      .groups = text_array_elements(row.text("groups"))});
    }
    return users;
}

std::vector<DirectoryGroup> directory_groups(const ResultSet& result) {
    std::vector<DirectoryGroup> groups;
    for (int i = 0; i < result.rows(); ++i) {
        const Row row(result, i);
        groups.push_back(
            DirectoryGroup{.group_id = row.text("group_id"), .members = row.int64("members")});
    }
    return groups;
}

PutUsersResult put_users_result(const ResultSet& result) {
    expect_one_row(result);
    const Row row(result, 0);
    return PutUsersResult{.users_written = row.int32("users_written"),
                          .memberships = row.int32("memberships"),
                          .users_removed = row.int32("users_removed")};
}

std::vector<std::string> text_array_elements(std::string_view literal) {
    if (literal.size() < 2 || literal.front() != '{' || literal.back() != '}') {
        unexpected("not an array: " + std::string(literal));
    }
    std::vector<std::string> elements;
    const std::string_view body = literal.substr(1, literal.size() - 2);
    std::string current;
    bool quoted = false;
    bool any = false;
    for (std::size_t i = 0; i < body.size(); ++i) {
        const char c = body[i];
        if (quoted && c == '\\' && i + 1 < body.size()) {
            current += body[++i];
        } else if (c == '"') {
            quoted = !quoted;
            any = true;
        } else if (c == ',' && !quoted) {
            elements.push_back(std::move(current));
            current.clear();
        } else {
            current += c;
            any = true;
        }
    }
    if (any || !elements.empty()) elements.push_back(std::move(current));
    return elements;
}

QueryResult query_result(const ResultSet& result) {
    QueryResult answer;
    const PGresult* raw = result.get();
    const int columns = PQnfields(raw);
    for (int c = 0; c < columns; ++c) answer.columns.emplace_back(PQfname(raw, c));
    for (int r = 0; r < PQntuples(raw); ++r) {
        QueryRow row;
        for (int c = 0; c < columns; ++c) {
            if (PQgetisnull(raw, r, c)) {
                row.emplace_back();
            } else {
                row.emplace_back(std::string(PQgetvalue(raw, r, c),
                                             static_cast<std::size_t>(PQgetlength(raw, r, c))));
            }
        }
        answer.rows.push_back(std::move(row));
    }
    const char* affected = PQcmdTuples(const_cast<PGresult*>(raw));
    answer.affected_rows = (affected && *affected) ? std::stoll(affected) : 0;
    return answer;
}

}  // namespace workitem::detail
