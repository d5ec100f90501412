// Feature flags, custom validators and strategies, and the timer's tick as typed operations.
#include <workitem/operations.hpp>

#include "call.hpp"
#include "decoding.hpp"

namespace workitem {
namespace {

using detail::call;
using detail::p;
using detail::Replay;
using detail::ResultSet;
using detail::Row;
using detail::Shape;

Row only_row(const ResultSet& result) {
    if (result.rows() != 1) {
        throw_error(ErrorKind::unexpected_result,
                    "expected one row, got " + std::to_string(result.rows()));
    }
    return Row(result, 0);
}

}  // namespace

FeatureFlag Operations::set_flag(const std::string& name, bool enabled,
                                 const SetFlagOptions& options) {
    // Setting a flag to a value twice leaves the same flag.
    const ResultSet result =
        call(*this, "workitem_set_flag", Shape::rows, Replay::safe,
             {{"name", p(name)}, {"enabled", p(enabled)}, {"tenant", p(options.tenant)}});
    const Row row = only_row(result);
    return FeatureFlag{.tenant_id = row.text("tenant_id"),
                       .name = row.text("name"),
                       .enabled = row.boolean("enabled"),
                       .updated_at = row.timestamp("updated_at")};
}

std::optional<int> Operations::set_lease_default(const LeaseDefaultScope& scope,
                                                 std::optional<int> lease_seconds) {
    // Setting the same default twice leaves it so (the second call returns it as replaced).
    const ResultSet result =
        call(*this, "workitem_set_lease_default", Shape::value, Replay::safe,
             {{"queue", p(scope.queue)},
              {"task_name", p(scope.task_name)},
              {"lease_seconds", lease_seconds ? p(*lease_seconds) : p(nullptr)}});
    return only_row(result).optional_int32("value");
}

std::optional<std::string> Operations::set_task_form(
    const std::string& task_name, const std::optional<std::string>& output_schema) {
    // Setting the same form twice leaves it so (the second call returns it as replaced).
    const ResultSet result =
        call(*this, "workitem_set_task_form", Shape::value, Replay::safe,
             {{"task_name", p(task_name)}, {"output_schema", p(output_schema)}});
    return only_row(result).optional_text("value");
}

std::optional<std::string> Operations::task_form(const std::string& task_name) {
    const ResultSet result = call(*this, "workitem_task_form", Shape::value, Replay::safe,
                                  {{"task_name", p(task_name)}});
    return only_row(result).optional_text("value");
}

std::int64_t Operations::index_field(const std::optional<std::string>& task_name,
                                     const std::string& field, const std::string& type) {
    // Declaring again is harmless (docs/search.md): it only fills what is missing.
    return std::stoll(detail::single_value(
        call(*this, "workitem_index_field", Shape::value, Replay::safe,
             {{"task_name", p(task_name)}, {"field", p(field)}, {"type", p(type)}})));
}

std::vector<IndexedField> Operations::index_fields() {
    const ResultSet result = call(*this, "workitem_index_fields", Shape::rows, Replay::safe, {});
    std::vector<IndexedField> fields;
    for (int i = 0; i < result.rows(); ++i) {
        const Row row(result, i);
        fields.push_back(IndexedField{.task_name = row.optional_text("task_name"),
                                      .field = row.text("field"),
                                      .type = row.text("type"),
                                      .declared_by = row.text("declared_by"),
                                      .declared_at = row.timestamp("declared_at")});
    }
    return fields;
}

bool Operations::drop_index_field(const std::optional<std::string>& task_name,
                                  const std::string& field) {
    return detail::single_value(call(*this, "workitem_drop_index_field", Shape::value, Replay::safe,
                                     {{"task_name", p(task_name)}, {"field", p(field)}})) == "t";
}

CustomValidator Operations::register_validator(const std::string& validator,
                                               const ValidatorScope& scope) {
    // Each call adds a validator: sent again, it would run twice.
    const ResultSet result =
        call(*this, "workitem_register_validator", Shape::rows, Replay::with_key_only,
             {{"validator", p(validator)},
              {"task_name", p(scope.task_name)},
              {"operation", p(scope.operation)},
              {"tenant", p(scope.tenant)}});
    const Row row = only_row(result);
    return CustomValidator{.id = row.int64("id"),
                           .tenant_id = row.text("tenant_id"),
                           .task_name = row.optional_text("task_name"),
                           .operation = row.optional_text("operation"),
                           .function = row.text("function"),
                           .created_at = row.timestamp("created_at")};
}

bool Operations::unregister_validator(std::int64_t id) {
    return detail::single_value(call(*this, "workitem_unregister_validator", Shape::value,
                                     Replay::safe, {{"id", p(id)}})) == "t";
}

CustomStrategy Operations::register_strategy(const std::string& name, const std::string& strategy) {
    // Registers or replaces: the same call twice leaves the same strategy.
    const ResultSet result = call(*this, "workitem_register_strategy", Shape::rows, Replay::safe,
                                  {{"name", p(name)}, {"strategy", p(strategy)}});
    const Row row = only_row(result);
    return CustomStrategy{.name = row.text("name"),
                          .function = row.text("function"),
                          .created_at = row.timestamp("created_at")};
}

std::vector<TickResult> Operations::tick(int max_items) {
    // A repeated tick only does what the next tick would have done.
    const ResultSet result =
        call(*this, "workitem_tick", Shape::rows, Replay::safe, {{"max_items", p(max_items)}});
    std::vector<TickResult> rows;
    for (int i = 0; i < result.rows(); ++i) {
        const Row row(result, i);
        rows.push_back(TickResult{.action = row.text("action"),
                                  .done = row.int64("done"),
                                  .failed = row.int64("failed")});
    }
    return rows;
}

}  // namespace workitem
