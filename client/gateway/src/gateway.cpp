#include "gateway.hpp"

#include "problem.hpp"
#include "request_headers.hpp"
#include "responses.hpp"

#include <chrono>

#ifndef WORKITEM_GATEWAY_VERSION
#define WORKITEM_GATEWAY_VERSION "unknown"
#endif

namespace workitem::gateway {

namespace {

using Clock = std::chrono::steady_clock;

PoolSettings pool_settings(const GatewayConfig& config, Log& log, Metrics& metrics) {
    PoolSettings settings;
    settings.dsn = config.dsn;
    settings.size = config.db_pool_size;
    settings.acquire_timeout = std::chrono::milliseconds(config.db_acquire_timeout_ms);
    settings.statement_timeout = std::chrono::milliseconds(config.request_timeout_ms);
    // The database's WARNINGs (an item nobody can claim...) and the SDK's retries reach the log.
    settings.logger = [&log](workitem::LogLevel level, std::string_view message) {
        if (level == workitem::LogLevel::debug) return;
        log.event(workitem::to_string(level), message, {{"source", "libworkitem"}});
    };
    settings.waited = [&metrics](std::chrono::steady_clock::duration waited) {
        metrics.record_pool_wait(std::chrono::duration<double>(waited).count());
    };
    return settings;
}

RateLimitSettings rate_limit_settings(const GatewayConfig& config) {
    return {.credential_rate = config.rate_limit_per_second,
            .credential_burst = config.rate_limit_burst,
            .tenant_rate = config.tenant_rate_limit_per_second,
            .tenant_burst = config.tenant_rate_limit_burst};
}

// The bucket a caller spends from: an API key is one credential; token holders one per tenant
// and subject, so a refreshed token keeps its bucket.
std::string rate_limit_key(const Identity& caller) {
    return caller.credential == "jwt" ? "jwt:" + caller.tenant + '\n' + caller.subject
                                      : caller.credential;
}

WaitSettings wait_settings(const GatewayConfig& config) {
    return WaitSettings{.max_wait = std::chrono::milliseconds(config.max_wait_ms),
                        .max_waiters = config.max_waiters,
                        .poll_interval = std::chrono::milliseconds(config.sse_poll_interval_ms),
                        .keep_alive = std::chrono::milliseconds(config.sse_keep_alive_ms)};
}

std::string header(const Request& request, http::field field) {
    const auto found = request.find(field);
    return found == request.end() ? std::string() : std::string(to_std(found->value()));
}

// Methods outside HTTP's own set are one label, so no client can add series at will.
std::string method_label(const Request& request) {
    return request.method() == http::verb::unknown ? "OTHER"
                                                   : std::string(to_std(request.method_string()));
}

}  // namespace

Gateway::Gateway(const LoadedConfig& config, std::ostream& log_output)
    : log_(log_output),
      metrics_(WORKITEM_GATEWAY_VERSION),
      authenticator_(config.jwt, config.api_keys),
      database_(pool_settings(config.settings, log_, metrics_)),
      rate_limiter_(rate_limit_settings(config.settings)),
      wakeups_(config.settings.dsn, wait_settings(config.settings), log_),
      openapi_document_(config.openapi_document),
      ui_files_(config.ui_files) {
    add_item_routes(router_);
    add_lifecycle_routes(router_);
    add_batch_routes(router_);
    add_worklist_routes(router_);
    add_directory_routes(router_);
    add_admin_routes(router_);
    add_consumer_routes(router_);
    add_task_form_routes(router_);
    add_ui_routes(router_, ui_files_);
    add_operational_routes();
}

void Gateway::add_operational_routes() {
    router_.add("GET", "/livez",
                Route{.handler =
                          [](Call& call) {
                              return json_response(call.request, 200, {{"status", "ok"}});
                          },
                      .needs_credential = false,
                      .uses_database = false});
    router_.add(
        "GET", "/readyz",
        Route{.handler =
                  [this](Call& call) {
                      // The contract's Health document: status ok, not_ready or
                      // draining, and each check's outcome.
                      const bool draining = server_ != nullptr && server_->draining();
                      const bool database = !draining && call.database.database_answers();
                      const nlohmann::json checks{{"database", draining   ? "not_checked"
                                                               : database ? "ok"
                                                                          : "unavailable"}};
                      if (database) {
                          return json_response(call.request, 200,
                                               {{"status", "ok"}, {"checks", checks}});
                      }
                      auto response = json_response(
                          call.request, 503,
                          {{"status", draining ? "draining" : "not_ready"}, {"checks", checks}});
                      response.set(http::field::retry_after, "1");
                      return response;
                  },
              .needs_credential = false,
              .uses_database = true});
    router_.add("GET", "/metrics",
                Route{.handler =
                          [this](Call& call) {
                              auto response = json_response(call.request, 200, nullptr);
                              response.set(http::field::content_type, "text/plain; version=0.0.4");
                              response.body() = metrics_.render(gauges());
                              return response;
                          },
                      .needs_credential = true,
                      .uses_database = false});
    router_.add("GET", "/openapi.yaml",
                Route{.handler =
                          [this](Call& call) {
                              if (openapi_document_.empty()) {
                                  throw_problem(404, "not_configured",
                                                "no OpenAPI document is configured (openapi-file)");
                              }
                              auto response = json_response(call.request, 200, nullptr);
                              response.set(http::field::content_type, "application/yaml");
                              response.body() = openapi_document_;
                              return response;
                          },
                      .needs_credential = true,
                      .uses_database = false});
}

std::vector<Gauge> Gateway::gauges() const {
    const auto pool = database_.gauges();
    std::vector<Gauge> gauges;
    const std::string pool_help = "Database connections and the requests waiting for one.";
    gauges.push_back({"workitem_db_pool_connections",
                      pool_help,
                      {{"state", "in_use"}},
                      static_cast<double>(pool.in_use)});
    gauges.push_back({"workitem_db_pool_connections",
                      pool_help,
                      {{"state", "waiting"}},
                      static_cast<double>(pool.waiting)});
    gauges.push_back({"workitem_db_pool_connections",
                      pool_help,
                      {{"state", "open"}},
                      static_cast<double>(pool.open)});
    gauges.push_back({"workitem_db_pool_connections",
                      pool_help,
                      {{"state", "max"}},
                      static_cast<double>(pool.size)});
    for (const std::string scope : {"credential", "tenant"}) {
        gauges.push_back({.name = "workitem_rate_limited_total",
                          .help = "Requests refused with 429, by the scope of the empty bucket.",
                          .labels = {{"scope", scope}},
                          .value = static_cast<double>(rate_limiter_.refused(scope)),
                          .type = "counter"});
    }
    gauges.push_back({.name = "workitem_wakeups_total",
                      .help = "Wake-up notifications received from the database (each wakes the "
                              "long polls and streams waiting on its channel).",
                      .labels = {},
                      .value = static_cast<double>(wakeups_.received()),
                      .type = "counter"});
    gauges.push_back({"workitem_http_connections_open",
                      "HTTP connections open.",
                      {},
                      static_cast<double>(server_ ? server_->connections_open() : 0)});
    add_wait_gauges(gauges, wakeups_.waiting(WaiterKind::long_poll),
                    wakeups_.waiting(WaiterKind::stream));
    return gauges;
}

Gateway::Outcome Gateway::problem(const Request& request, Problem refusal) {
    const std::string_view target = to_std(request.target());
    refusal.instance = std::string(target.substr(0, target.find('?')));
    auto response = problem_response(request, refusal);
    return Outcome{std::move(response), std::move(refusal.code)};
}

Gateway::Outcome Gateway::run(const Route& route, Call& call) {
    try {
        // A malformed Idempotency-Key is 400 on every route, also where the function takes no
        // key (the contract names the header there too): never silently ignored.
        idempotency_key(call.request);
        return Outcome{route.handler(call), {}};
    } catch (const ProblemError& refusal) {
        return problem(call.request, refusal.problem());
    } catch (const workitem::Error& error) {
        const Problem answer = problem_for(error);
        if (answer.status >= 500) {
            // The full error is for the operator only: the answer never carries SQL text.
            log_.event("error", "database call failed",
                       {{"kind", to_string(error.kind())},
                        {"sqlstate", error.sqlstate()},
                        {"error", error.what()}});
        }
        return problem(call.request, answer);
    } catch (const std::exception& error) {
        log_.event("error", "request failed", {{"error", error.what()}});
        return problem(call.request, make_problem(500, "internal_error",
                                                  "the gateway failed to answer; its log has "
                                                  "the details"));
    }
}

void Gateway::handle(Request request, const std::string& remote, Respond respond) {
    const auto started = Clock::now();
    auto shared_request = std::make_shared<Request>(std::move(request));
    const Request& req = *shared_request;
    const std::string_view target = to_std(req.target());
    const auto question_mark = target.find('?');
    const std::string path(target.substr(0, question_mark));

    auto entry = std::make_shared<RequestLogEntry>();
    entry->method = method_label(req);
    entry->path = path;
    entry->remote = remote;

    // Records and sends the outcome; called exactly once per request, from any thread.
    auto finish = [this, entry, started, respond, shared_request](Outcome outcome,
                                                                  StreamStarted stream = {}) {
        entry->status = static_cast<int>(outcome.response.result_int());
        entry->problem = std::move(outcome.problem);
        const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
        entry->duration_ms = seconds * 1000.0;
        metrics_.record_request(entry->method, entry->route.empty() ? "unmatched" : entry->route,
                                entry->status, seconds);
        log_.request(*entry);
        if (stream) return respond.stream(std::move(outcome.response), std::move(stream));
        respond(std::move(outcome.response));
    };

    const auto match = router_.match(to_std(req.method_string()), path);
    if (std::holds_alternative<GatewayRouter::NotFound>(match)) {
        return finish(problem(req, make_problem(404, "no_route", "no route " + path)));
    }
    if (const auto* not_allowed = std::get_if<GatewayRouter::MethodNotAllowed>(&match)) {
        entry->route = std::string(not_allowed->route_template);
        auto refusal =
            make_problem(405, "method_not_allowed", "this route takes " + not_allowed->allow);
        refusal.allow = not_allowed->allow;
        return finish(problem(req, refusal));
    }
    const auto& found = std::get<GatewayRouter::Found>(match);
    entry->route = std::string(found.route_template);
    const Route& route = *found.target;
    if (question_mark != std::string_view::npos && !route.takes_query) {
        // Unknown parameters are refused, never ignored (docs/rest.md); the routes that take
        // some read them with QueryParameters, which refuses the others.
        return finish(problem(
            req, make_problem(400, "unknown_parameter", "this route takes no query parameter")));
    }

    auto caller = std::make_shared<std::optional<Identity>>();
    if (route.needs_credential) {
        auto verdict = authenticator_.authenticate(header(req, http::field::authorization), [&] {
            const auto key = req.find("X-API-Key");
            return key == req.end() ? std::string() : std::string(to_std(key->value()));
        }());
        if (const auto* failure = std::get_if<AuthFailure>(&verdict)) {
            auto refusal = make_problem(401, "unauthenticated", failure->reason);
            refusal.invalid_credential = failure->credential_sent;
            return finish(problem(req, refusal));
        }
        *caller = std::get<Identity>(std::move(verdict));
        (*caller)->trace_context = trace_context(req);
        entry->trace = (*caller)->trace_context;
        entry->subject = (*caller)->subject;
        entry->tenant = (*caller)->tenant;
        entry->credential = (*caller)->credential;
        if (const auto limited = rate_limiter_.admit(rate_limit_key(**caller), entry->tenant)) {
            auto refusal = make_problem(429, "rate_limited",
                                        "too many requests for this " + limited->scope +
                                            "; try again after Retry-After seconds");
            refusal.retry_after = limited->retry_after_seconds;
            return finish(problem(req, refusal));
        }
    }

    auto parameters = std::make_shared<PathParameters>(found.parameters);
    auto invoke = [this, &route, shared_request, parameters, caller, finish]() {
        const auto* who = caller->has_value() ? &**caller : nullptr;
        Call call{*shared_request, *parameters, who, database_, nullptr, false};
        std::optional<Later> later;
        if (route.answers_later) {
            later.emplace(
                wakeups_,
                // caller keeps *who alive for as long as the answer may come.
                [this, finish, shared_request, parameters, caller,
                 who](const std::function<Response()>& produce) {
                    Call again{*shared_request, *parameters, who, database_, nullptr, false};
                    finish(run(Route{[&produce](Call&) { return produce(); }}, again));
                },
                [finish](Response head, StreamStarted stream) {
                    finish(Outcome{std::move(head), {}}, std::move(stream));
                });
            call.later = &*later;
        }
        auto outcome = run(route, call);
        if (!call.parked) finish(std::move(outcome));  // else `later` answers
    };
    if (!route.uses_database) return invoke();
    database_.submit([this, invoke, finish, shared_request](Admission admission) {
        if (admission == Admission::too_late) {
            auto refusal = make_problem(503, "pool_timeout",
                                        "no database connection came free in time; try again");
            refusal.retry_after = 1;
            return finish(problem(*shared_request, refusal));
        }
        invoke();
    });
}

Response Gateway::refuse(int status, const std::string& remote) {
    Problem refusal;
    if (status == 413) {
        refusal = make_problem(413, "payload_too_large", "the body is larger than the limit");
    } else if (status == 431) {
        refusal = make_problem(431, "header_fields_too_large",
                               "the request's headers are larger than the limit");
    } else if (status == 503) {
        refusal = make_problem(503, "draining", "the gateway is shutting down; try another");
        refusal.retry_after = 1;
    } else {
        refusal = make_problem(400, "malformed_request", "the request is not valid HTTP/1.1");
    }
    RequestLogEntry entry;
    entry.status = refusal.status;
    entry.problem = refusal.code;
    entry.remote = remote;
    metrics_.record_request("OTHER", "unread", refusal.status, 0.0);
    log_.request(entry);
    return problem_response(refusal);
}

}  // namespace workitem::gateway
