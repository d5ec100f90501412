// The gateway's log: one JSON object per line on an output stream (standard output in
// production), written whole under a lock so lines of concurrent requests never interleave.
// What a line may hold is fixed by its fields: never a header, a body, a token, an API key or
// a connection string.
#pragma once

#include <nlohmann/json.hpp>

#include <mutex>
#include <ostream>
#include <string>
#include <string_view>

namespace workitem::gateway {

struct RequestLogEntry {
    std::string method{};
    std::string path{};   // without the query string
    std::string route{};  // the template, or "" when no route matched
    int status{};
    double duration_ms{};
    std::string subject{};  // the caller, once authenticated
    std::string tenant{};
    std::string credential{};  // "jwt", "api_key:<name>"
    std::string problem{};     // the problem's code, for an error answer
    std::string remote{};      // the peer's address
    std::string trace{};       // the request's traceparent, when well formed
};

class Log {
  public:
    explicit Log(std::ostream& out) : out_(out) {}

    void request(const RequestLogEntry& entry);
    // level: "debug", "info", "warning", "error"; fields are added to the line.
    void event(std::string_view level, std::string_view message,
               const nlohmann::json& fields = nlohmann::json::object());

    static nlohmann::json to_json(const RequestLogEntry& entry);

  private:
    void write(nlohmann::json line);

    std::ostream& out_;
    std::mutex mutex_;
};

}  // namespace workitem::gateway
