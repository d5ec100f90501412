#include "call_text.hpp"

#include <fmt/format.h>

#include <map>
#include <memory>
#include <mutex>

namespace workitem::detail {
namespace {

std::string arguments(const std::vector<std::string_view>& names) {
    std::string text;
    for (std::size_t i = 0; i < names.size(); ++i) {
        text += fmt::format("{}{} => ${}", i ? ", " : "", names[i], i + 1);
    }
    return text;
}

std::string sql_for(std::string_view function, const std::string& args, Shape shape) {
    switch (shape) {
        // Items by name, whatever else workitem.item holds: columns may be added without a new
        // client.
        case Shape::batch:
            return fmt::format(
                "SELECT b.id AS batch_id, b.ok, b.sqlstate, b.message, (b.item).* FROM {}({}) AS b",
                function, args);
        case Shape::create_many:
            return fmt::format(
                "SELECT b.element, b.id AS batch_id, b.ok, b.sqlstate, b.message, (b.item).* FROM "
                "{}({}) AS b",
                function, args);
        case Shape::acknowledged:
            return fmt::format(
                "SELECT b.kind, b.id AS batch_id, b.ok, b.sqlstate, b.message, (b.item).* FROM "
                "{}({}) AS b",
                function, args);
        case Shape::item:
        case Shape::rows:
            return fmt::format("SELECT * FROM {}({})", function, args);
        case Shape::value:
            return fmt::format("SELECT {}({}) AS value", function, args);
        // One round trip for the batch and its events: the events function runs after the
        // batch was taken in the same statement, and sees it. It is a set-returning function in
        // a select list, so that the WHERE keeps it from being called without a batch (a
        // function in FROM would be called with NULL, which it refuses).
        case Shape::event_batch:
            return fmt::format(
                "SELECT b.batch_id, (s.e).* FROM {}({}) AS b(batch_id) LEFT JOIN LATERAL "
                "(SELECT workitem_batch_events(b.batch_id) AS e WHERE b.batch_id IS NOT NULL) AS s "
                "ON true ORDER BY (s.e).seq",
                function, args);
        case Shape::view:
            return fmt::format("SELECT * FROM {}", function);
    }
    return {};
}

}  // namespace

const CallText& call_text(std::string_view function,
                          const std::vector<std::string_view>& parameter_names, Shape shape,
                          Replay replay) {
    static std::mutex mutex;
    static std::map<std::string, std::unique_ptr<CallText>, std::less<>> texts;
    // Looked up on every call: the key is the function and its parameter names, appended into
    // one string; the SQL text is formatted only the first time.
    std::string key(function);
    key += '(';
    for (const auto name : parameter_names) (key += name) += ',';
    std::lock_guard lock(mutex);
    auto found = texts.find(key);
    if (found != texts.end()) return *found->second;
    const std::string args = arguments(parameter_names);
    int key_parameter = -1;
    for (std::size_t i = 0; i < parameter_names.size(); ++i) {
        if (parameter_names[i] == "idempotency_key") key_parameter = static_cast<int>(i);
    }
    auto text = std::make_unique<CallText>(
        CallText{.function = std::string(function),
                 .name = fmt::format("wi_{}_{}", function, texts.size()),
                 .sql = sql_for(function, args, shape),
                 .replay = replay,
                 .key_parameter = key_parameter,
                 .parameter_names = {parameter_names.begin(), parameter_names.end()}});
    return *texts.emplace(key, std::move(text)).first->second;
}

}  // namespace workitem::detail
