// The relay's log: one JSON object per line on standard error (standard output may be a sink),
// written whole under a lock. A line holds what its fields say and nothing else: never a secret,
// a header, a connection string or an event's payload.
#pragma once

#include <nlohmann/json.hpp>

#include <mutex>
#include <ostream>
#include <string_view>

namespace workitem::relay {

enum class Level { debug = 0, info = 1, warning = 2, error = 3 };
Level parse_level(std::string_view name);  // "debug", "info", "warning", "error"

class Log {
  public:
    explicit Log(std::ostream& out, Level threshold = Level::info)
        : out_(out), threshold_(threshold) {}

    void write(Level level, std::string_view message,
               const nlohmann::json& fields = nlohmann::json::object());
    void info(std::string_view message, const nlohmann::json& fields = nlohmann::json::object()) {
        write(Level::info, message, fields);
    }
    void warning(std::string_view message,
                 const nlohmann::json& fields = nlohmann::json::object()) {
        write(Level::warning, message, fields);
    }
    void error(std::string_view message, const nlohmann::json& fields = nlohmann::json::object()) {
        write(Level::error, message, fields);
    }

  private:
    std::ostream& out_;
    Level threshold_;
    std::mutex mutex_;
};

}  // namespace workitem::relay
