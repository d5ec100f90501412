// The gateway's settings: command-line flags, each with an environment variable
// WORKITEM_GATEWAY_<NAME> (the flag wins), validated at start so that a mistake is one clear
// message before anything listens. Secrets never come from the command line (other users can
// read it): the JWT secret comes from WORKITEM_GATEWAY_JWT_SECRET or a file, API keys from a
// file holding their hashes.
#pragma once

#include "auth.hpp"
#include "tls.hpp"
#include "ui_files.hpp"

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace workitem::gateway {

struct GatewayConfig {
    std::string listen_address{"127.0.0.1"};
    int port{8080};  // 0: any free port (the start-up log line names it)
    int io_threads{2};
    std::string dsn{};  // empty: WORKITEM_DSN, then libpq's environment (as the SDK reads it)
    int db_pool_size{4};
    int db_acquire_timeout_ms{2000};
    int request_timeout_ms{30000};
    int shutdown_timeout_ms{10000};
    std::size_t max_header_bytes{8 * 1024};
    std::size_t max_body_bytes{2 * 1024 * 1024};
    // Token buckets (rate_limit.hpp), per gateway process: requests a second and the burst,
    // per credential and per tenant; a rate of 0 turns that limit off.
    double rate_limit_per_second{1000};
    double rate_limit_burst{2000};
    double tenant_rate_limit_per_second{5000};
    double tenant_rate_limit_burst{10000};
    // Long polls and the worklist stream (docs/rest.md, "Waiting for work").
    int max_wait_ms{60000};  // the longest ?wait=
    int max_waiters{1000};   // parked long polls and open streams together; beyond: 503
    int sse_poll_interval_ms{5000};
    int sse_keep_alive_ms{15000};

    std::string jwt_algorithm{};  // "HS256", "RS256", or empty: no bearer tokens
    std::string jwt_secret{};     // from the environment only
    std::string jwt_secret_file{};
    std::string jwt_public_key_file{};
    std::string jwt_issuer{};
    std::string jwt_audience{};
    int jwt_leeway_seconds{30};
    std::string jwt_tenant_claim{"tenant"};
    std::string jwt_capability_claim{"workitem_capability"};

    // PEM files of the certificate chain and its private key: HTTPS instead of HTTP (both or
    // neither).
    std::string tls_cert{};
    std::string tls_key{};

    std::string api_keys_file{};
    std::string openapi_file{};  // served at /openapi.yaml
    std::string ui_dir{};        // the task inbox's built files, served under /ui/
};

// A configuration that cannot run: what() lists every problem, one a line.
class ConfigError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// Reads the flags (argv[0] is the program) and the environment. Returns nullopt when the
// caller asked for --help or --version (printed already); throws ConfigError otherwise.
std::optional<GatewayConfig> parse_command_line(int argc, const char* const* argv);

// Every problem of the configuration, one sentence each; empty when it can run.
std::vector<std::string> validate(const GatewayConfig& config);

// What the configuration's files hold, read once at start.
struct LoadedConfig {
    GatewayConfig settings;
    std::optional<JwtSettings> jwt;
    std::vector<ApiKey> api_keys;
    std::string openapi_document;                    // empty: /openapi.yaml answers 404
    UiFiles ui_files;                                // empty: /ui/ answers 404
    std::shared_ptr<boost::asio::ssl::context> tls;  // null: plain HTTP
};

// Validates, then reads the key and document files; throws ConfigError listing the problems.
LoadedConfig load(GatewayConfig config);

}  // namespace workitem::gateway
