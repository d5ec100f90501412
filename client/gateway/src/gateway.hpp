// The gateway's request path: route (404/405), authenticate (401), run the route's handler —
// on a database thread when it calls the database — and answer, recording every answer in the
// metrics and the request log. Also the operational routes: /livez, /readyz, /metrics and
// /openapi.yaml.
#pragma once

#include "auth.hpp"
#include "config.hpp"
#include "http_server.hpp"
#include "metrics.hpp"
#include "pool.hpp"
#include "problem.hpp"
#include "rate_limit.hpp"
#include "request_log.hpp"
#include "routes.hpp"
#include "wakeups.hpp"

#include <memory>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace workitem::gateway {

class Gateway {
  public:
    Gateway(const LoadedConfig& config, std::ostream& log_output);

    // The HttpServer's handlers.
    void handle(Request request, const std::string& remote, Respond respond);
    Response refuse(int status, const std::string& remote);

    // Lets /readyz and the metrics see the server (draining, connections); the waiters use its
    // io_context and stop with it (long polls answer, streams end).
    void attach(HttpServer& server) {
        server_ = &server;
        wakeups_.attach(server.executor());
        server.on_shutdown([this] { wakeups_.stop(); });
    }
    // Waits for the database calls under way (see DatabasePool::join).
    void join() { database_.join(); }

    Log& log() { return log_; }

    // Every (method, path template) served, for the contract test (openapi.yaml, both ways).
    std::vector<std::pair<std::string, std::string>> routes() const { return router_.routes(); }

  private:
    struct Outcome {
        Response response;
        std::string problem;  // the problem's code, for the log
    };

    void add_operational_routes();
    Outcome run(const Route& route, Call& call);
    Outcome problem(const Request& request, Problem refusal);
    std::vector<Gauge> gauges() const;

    Log log_;
    Metrics metrics_;
    Authenticator authenticator_;
    DatabasePool database_;
    RateLimiter rate_limiter_;
    Wakeups wakeups_;
    GatewayRouter router_;
    std::string openapi_document_;
    UiFiles ui_files_;
    const HttpServer* server_{nullptr};
};

}  // namespace workitem::gateway
