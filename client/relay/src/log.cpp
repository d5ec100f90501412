#include "log.hpp"

#include <workitem/types.hpp>

#include <chrono>

namespace workitem::relay {

Level parse_level(std::string_view name) {
    if (name == "debug") return Level::debug;
    if (name == "warning") return Level::warning;
    if (name == "error") return Level::error;
    return Level::info;
}

void Log::write(Level level, std::string_view message, const nlohmann::json& fields) {
    if (level < threshold_) return;
    static constexpr const char* names[] = {"debug", "info", "warning", "error"};
    nlohmann::json line{{"time", workitem::format_timestamp(
                                     workitem::to_timestamp(std::chrono::system_clock::now()))},
                        {"level", names[static_cast<int>(level)]},
                        {"msg", message}};
    for (const auto& [key, value] : fields.items()) line[key] = value;
    // Invalid UTF-8 (a database or HTTP message) is replaced rather than failing the line.
    const auto text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    std::lock_guard lock(mutex_);
    out_ << text << '\n';
    out_.flush();
}

}  // namespace workitem::relay
