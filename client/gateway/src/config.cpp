#include "config.hpp"

#include <CLI/CLI.hpp>

#include "env_settings.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#ifndef WORKITEM_GATEWAY_VERSION
#define WORKITEM_GATEWAY_VERSION "unknown"
#endif

namespace workitem::gateway {

namespace {

template <class T>
CLI::Option* setting(CLI::App& app, const std::string& flag, T& value, const std::string& help) {
    return service::env_setting(app, "WORKITEM_GATEWAY_", flag, value, help);
}

std::optional<std::string> read_file(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    if (!file) return std::nullopt;
    std::ostringstream text;
    text << file.rdbuf();
    return text.str();
}

bool given(const std::vector<std::string>& arguments, const std::string& flag) {
    return std::any_of(arguments.begin(), arguments.end(), [&](const std::string& argument) {
        return argument == flag || argument.starts_with(flag + "=");
    });
}

// The --config file's settings, as flags after the command line's: each only where neither its
// flag nor its variable is set, so that a flag wins over a variable and both over the file (CLI11
// 2.1's own config files would apply the file before the variables).
std::vector<std::string> with_file_settings(int argc, const char* const* argv) {
    std::vector<std::string> arguments(argv, argv + argc);
    std::string path;
    for (std::size_t i = 1; i < arguments.size(); ++i) {
        if (arguments[i] == "--config" && i + 1 < arguments.size()) path = arguments[i + 1];
        if (arguments[i].starts_with("--config=")) path = arguments[i].substr(9);
    }
    if (path.empty()) {
        if (const char* variable = std::getenv("WORKITEM_GATEWAY_CONFIG")) path = variable;
    }
    if (path.empty()) return arguments;
    if (!std::filesystem::is_regular_file(path)) throw ConfigError("cannot read --config " + path);
    const auto settings = CLI::ConfigTOML().from_file(path);
    for (const auto& setting : settings) {
        const std::string flag = "--" + setting.name;
        if (!setting.parents.empty() || setting.name == "config")
            throw ConfigError(path + ": " + setting.fullname() + " is not a setting");
        if (given(arguments, flag) ||
            std::getenv(service::environment_name("WORKITEM_GATEWAY_", setting.name).c_str()))
            continue;
        arguments.push_back(flag);  // an unknown one is refused by the parse
        for (const auto& input : setting.inputs) arguments.push_back(input);
    }
    return arguments;
}

}  // namespace

std::optional<GatewayConfig> parse_command_line(int argc, const char* const* argv) {
    GatewayConfig config;
    CLI::App app{"workitem-gateway: the REST gateway of workitem (docs/rest.md)",
                 "workitem-gateway"};
    app.set_version_flag("--version", WORKITEM_GATEWAY_VERSION);
    std::string config_file;  // read before parsing: with_file_settings
    app.add_option("--config", config_file,
                   "TOML file of settings, keys as the flags (a variable or a flag wins over it)")
        ->envname("WORKITEM_GATEWAY_CONFIG");
    app.option_defaults()->always_capture_default();
    setting(app, "listen-address", config.listen_address, "address to listen on");
    setting(app, "port", config.port, "TCP port (0: any free port)");
    setting(app, "io-threads", config.io_threads, "threads serving HTTP");
    setting(app, "dsn", config.dsn,
            "libpq connection string (default: WORKITEM_DSN, then PG* variables); keep the "
            "password in ~/.pgpass");
    setting(app, "db-pool-size", config.db_pool_size, "database connections (and their threads)");
    setting(app, "db-acquire-timeout-ms", config.db_acquire_timeout_ms,
            "longest wait for a connection before 503");
    setting(app, "request-timeout-ms", config.request_timeout_ms,
            "deadline of one request: reading it, its database call, writing the answer");
    setting(app, "shutdown-timeout-ms", config.shutdown_timeout_ms,
            "on SIGTERM/SIGINT, how long requests in flight may still take");
    setting(app, "max-header-bytes", config.max_header_bytes, "larger headers are 431");
    setting(app, "max-body-bytes", config.max_body_bytes, "larger bodies are 413");
    setting(app, "rate-limit-per-second", config.rate_limit_per_second,
            "requests a second per credential, per gateway process (0: no limit); over it: 429");
    setting(app, "rate-limit-burst", config.rate_limit_burst,
            "requests a credential may make at once before its rate applies");
    setting(app, "tenant-rate-limit-per-second", config.tenant_rate_limit_per_second,
            "requests a second per tenant, all its credentials together (0: no limit)");
    setting(app, "tenant-rate-limit-burst", config.tenant_rate_limit_burst,
            "requests a tenant may make at once before its rate applies");
    setting(app, "max-wait-ms", config.max_wait_ms, "the longest ?wait= of a long poll");
    setting(app, "max-waiters", config.max_waiters,
            "long polls and worklist streams at once (beyond: 503)");
    setting(app, "sse-poll-interval-ms", config.sse_poll_interval_ms,
            "a worklist stream reads the worklist at least this often");
    setting(app, "sse-keep-alive-ms", config.sse_keep_alive_ms,
            "a worklist stream's keep-alive comment interval");
    setting(app, "jwt-algorithm", config.jwt_algorithm, "HS256 or RS256 (empty: no tokens)");
    setting(app, "jwt-secret-file", config.jwt_secret_file,
            "file holding the HS256 secret (or set WORKITEM_GATEWAY_JWT_SECRET)");
    setting(app, "jwt-public-key-file", config.jwt_public_key_file, "RS256 public key (PEM)");
    setting(app, "jwt-issuer", config.jwt_issuer, "the iss every token must carry");
    setting(app, "jwt-audience", config.jwt_audience, "the aud every token must carry");
    setting(app, "jwt-leeway-seconds", config.jwt_leeway_seconds,
            "clock skew allowed on exp and nbf (at most 60)");
    setting(app, "jwt-tenant-claim", config.jwt_tenant_claim, "claim naming the tenant");
    setting(app, "jwt-capability-claim", config.jwt_capability_claim,
            "claim naming the capability: user, admin or reader");
    setting(app, "tls-cert", config.tls_cert,
            "PEM certificate chain: serve HTTPS (with tls-key; usually a proxy terminates TLS)");
    setting(app, "tls-key", config.tls_key, "PEM private key of tls-cert");
    setting(app, "api-keys-file", config.api_keys_file,
            "JSON array of API keys: name, sha256, subject, tenant, capability");
    setting(app, "openapi-file", config.openapi_file, "the document served at /openapi.yaml");
    setting(app, "ui-dir", config.ui_dir, "the task inbox's built files, served under /ui/");
    try {
        const std::vector<std::string> arguments = with_file_settings(argc, argv);
        std::vector<const char*> pointers;
        for (const auto& argument : arguments) pointers.push_back(argument.c_str());
        app.parse(static_cast<int>(pointers.size()), pointers.data());
    } catch (const CLI::Success& success) {
        app.exit(success);
        return std::nullopt;
    } catch (const CLI::ParseError& error) {
        throw ConfigError(error.what());
    }
    if (const char* secret = std::getenv("WORKITEM_GATEWAY_JWT_SECRET")) {
        config.jwt_secret = secret;
    }
    return config;
}

std::vector<std::string> validate(const GatewayConfig& config) {
    std::vector<std::string> problems;
    const auto check = [&](bool ok, std::string problem) {
        if (!ok) problems.push_back(std::move(problem));
    };
    check(!config.listen_address.empty(), "listen-address is empty");
    check(config.port >= 0 && config.port <= 65535, "port is 0 to 65535");
    check(config.io_threads >= 1 && config.io_threads <= 64, "io-threads is 1 to 64");
    check(config.db_pool_size >= 1 && config.db_pool_size <= 200, "db-pool-size is 1 to 200");
    check(config.db_acquire_timeout_ms >= 1, "db-acquire-timeout-ms is at least 1");
    check(config.request_timeout_ms >= 100, "request-timeout-ms is at least 100");
    check(config.shutdown_timeout_ms >= 0, "shutdown-timeout-ms is not negative");
    check(config.max_header_bytes >= 1024 && config.max_header_bytes <= 1024 * 1024,
          "max-header-bytes is 1024 to 1048576");
    check(config.max_body_bytes >= 1 && config.max_body_bytes <= 64 * 1024 * 1024,
          "max-body-bytes is 1 to 67108864");
    const auto check_rate = [&](double rate, double burst, const std::string& name) {
        check(rate >= 0 && rate <= 1e6, name + "-per-second is 0 to 1000000");
        check(rate == 0 || (burst >= 1 && burst <= 1e7),
              name + "-burst is 1 to 10000000 (a request needs a whole token)");
    };
    check_rate(config.rate_limit_per_second, config.rate_limit_burst, "rate-limit");
    check_rate(config.tenant_rate_limit_per_second, config.tenant_rate_limit_burst,
               "tenant-rate-limit");
    check(config.max_wait_ms >= 1000 && config.max_wait_ms <= 3600000,
          "max-wait-ms is 1000 to 3600000");
    check(config.max_waiters >= 1 && config.max_waiters <= 1000000, "max-waiters is 1 to 1000000");
    check(config.sse_poll_interval_ms >= 100 && config.sse_poll_interval_ms <= 3600000,
          "sse-poll-interval-ms is 100 to 3600000");
    check(config.sse_keep_alive_ms >= 100 && config.sse_keep_alive_ms <= 3600000,
          "sse-keep-alive-ms is 100 to 3600000");
    check(config.jwt_leeway_seconds >= 0 && config.jwt_leeway_seconds <= 60,
          "jwt-leeway-seconds is 0 to 60");

    check(config.tls_cert.empty() == config.tls_key.empty(),
          "TLS needs both tls-cert and tls-key (or neither: plain HTTP)");

    const bool tokens = !config.jwt_algorithm.empty();
    check(tokens || !config.api_keys_file.empty(),
          "no credential could ever be accepted: set jwt-algorithm (with its key) or "
          "api-keys-file");
    if (tokens) {
        const bool hs256 = config.jwt_algorithm == "HS256";
        const bool rs256 = config.jwt_algorithm == "RS256";
        check(hs256 || rs256, "jwt-algorithm is HS256 or RS256");
        const bool has_secret = !config.jwt_secret.empty() || !config.jwt_secret_file.empty();
        if (hs256) {
            check(has_secret,
                  "HS256 needs a secret: WORKITEM_GATEWAY_JWT_SECRET or jwt-secret-file");
            check(config.jwt_secret.empty() || config.jwt_secret_file.empty(),
                  "give the JWT secret once: WORKITEM_GATEWAY_JWT_SECRET or jwt-secret-file");
            check(config.jwt_secret.empty() || config.jwt_secret.size() >= 32,
                  "the HS256 secret is at least 32 bytes");
            check(config.jwt_public_key_file.empty(),
                  "jwt-public-key-file is for RS256; HS256 uses a secret");
        }
        if (rs256) {
            check(!config.jwt_public_key_file.empty(), "RS256 needs jwt-public-key-file");
            check(!has_secret, "RS256 takes a public key, not a secret");
        }
        check(!config.jwt_issuer.empty(), "jwt-issuer is needed: every token's iss is checked");
        check(!config.jwt_audience.empty(), "jwt-audience is needed: every token's aud is checked");
        check(!config.jwt_tenant_claim.empty(), "jwt-tenant-claim is empty");
        check(!config.jwt_capability_claim.empty(), "jwt-capability-claim is empty");
    }
    return problems;
}

LoadedConfig load(GatewayConfig config) {
    auto problems = validate(config);
    LoadedConfig loaded;
    if (problems.empty() && !config.jwt_algorithm.empty()) {
        JwtSettings jwt;
        jwt.algorithm = config.jwt_algorithm == "HS256" ? JwtAlgorithm::hs256 : JwtAlgorithm::rs256;
        jwt.issuer = config.jwt_issuer;
        jwt.audience = config.jwt_audience;
        jwt.leeway = std::chrono::seconds(config.jwt_leeway_seconds);
        jwt.tenant_claim = config.jwt_tenant_claim;
        jwt.capability_claim = config.jwt_capability_claim;
        const std::string& key_file = jwt.algorithm == JwtAlgorithm::hs256
                                          ? config.jwt_secret_file
                                          : config.jwt_public_key_file;
        if (key_file.empty()) {
            jwt.key = config.jwt_secret;
        } else if (auto text = read_file(key_file)) {
            jwt.key = std::move(*text);
            // A secret file written by echo ends with a newline that is no part of the secret.
            if (jwt.algorithm == JwtAlgorithm::hs256) {
                while (!jwt.key.empty() && (jwt.key.back() == '\n' || jwt.key.back() == '\r')) {
                    jwt.key.pop_back();
                }
                if (jwt.key.size() < 32)
                    problems.push_back("the HS256 secret is at least 32 bytes");
            } else if (jwt.key.find("-----BEGIN PUBLIC KEY-----") == std::string::npos) {
                problems.push_back(key_file + " holds no PEM public key (BEGIN PUBLIC KEY)");
            }
        } else {
            problems.push_back("cannot read " + key_file);
        }
        loaded.jwt = std::move(jwt);
    }
    if (problems.empty() && !config.api_keys_file.empty()) {
        if (auto text = read_file(config.api_keys_file)) {
            try {
                loaded.api_keys = parse_api_keys(nlohmann::json::parse(*text));
            } catch (const std::exception& error) {
                problems.push_back(config.api_keys_file + ": " + error.what());
            }
        } else {
            problems.push_back("cannot read " + config.api_keys_file);
        }
    }
    if (problems.empty() && !config.openapi_file.empty()) {
        if (auto text = read_file(config.openapi_file)) {
            loaded.openapi_document = std::move(*text);
        } else {
            problems.push_back("cannot read " + config.openapi_file);
        }
    }
    if (problems.empty() && !config.ui_dir.empty()) {
        try {
            loaded.ui_files = read_ui_files(config.ui_dir);
        } catch (const std::runtime_error& refusal) {
            problems.push_back(refusal.what());
        }
    }
    if (problems.empty() && !config.tls_cert.empty()) {
        const auto chain = read_file(config.tls_cert);
        const auto key = read_file(config.tls_key);
        if (!chain) problems.push_back("cannot read " + config.tls_cert);
        if (!key) problems.push_back("cannot read " + config.tls_key);
        if (chain && key) {
            try {
                loaded.tls = make_tls_context(*chain, *key);
            } catch (const std::exception& error) {
                problems.push_back(config.tls_cert + ", " + config.tls_key + ": " + error.what());
            }
        }
    }
    if (!problems.empty()) {
        std::string message = "invalid configuration:";
        for (const auto& problem : problems) message += "\n  - " + problem;
        throw ConfigError(message);
    }
    loaded.settings = std::move(config);
    return loaded;
}

}  // namespace workitem::gateway
