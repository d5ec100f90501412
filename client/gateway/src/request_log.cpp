#include "request_log.hpp"

#include <workitem/types.hpp>

#include <chrono>

namespace workitem::gateway {

nlohmann::json Log::to_json(const RequestLogEntry& entry) {
    nlohmann::json line{{"level", "info"},
                        {"msg", "request"},
                        {"method", entry.method},
                        {"path", entry.path},
                        {"route", entry.route},
                        {"status", entry.status},
                        {"duration_ms", entry.duration_ms}};
    const auto optional_field = [&](const char* name, const std::string& value) {
        if (!value.empty()) line[name] = value;
    };
    optional_field("subject", entry.subject);
    optional_field("tenant", entry.tenant);
    optional_field("credential", entry.credential);
    optional_field("problem", entry.problem);
    optional_field("remote", entry.remote);
    optional_field("traceparent", entry.trace);
    return line;
}

void Log::request(const RequestLogEntry& entry) {
    write(to_json(entry));
}

void Log::event(std::string_view level, std::string_view message, const nlohmann::json& fields) {
    nlohmann::json line{{"level", level}, {"msg", message}};
    for (const auto& [key, value] : fields.items()) line[key] = value;
    write(std::move(line));
}

void Log::write(nlohmann::json line) {
    line["time"] =
        workitem::format_timestamp(workitem::to_timestamp(std::chrono::system_clock::now()));
    // Invalid UTF-8 (a path, a database message) is replaced rather than failing the line.
    const auto text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    std::lock_guard lock(mutex_);
    out_ << text << '\n';
    out_.flush();
}

}  // namespace workitem::gateway
