// Configuration: flags and WORKITEM_GATEWAY_* variables, and the validation that refuses a
// configuration that cannot run, with every problem named.
#include "config.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <vector>

namespace workitem::gateway {
namespace {

std::optional<GatewayConfig> parse(std::vector<std::string> arguments) {
    arguments.insert(arguments.begin(), "workitem-gateway");
    std::vector<const char*> argv;
    for (const auto& argument : arguments) argv.push_back(argument.c_str());
    return parse_command_line(static_cast<int>(argv.size()), argv.data());
}

GatewayConfig with_api_keys() {
    GatewayConfig config;
    config.api_keys_file = "/nonexistent/keys.json";
    return config;
}

bool mentions(const std::vector<std::string>& problems, const std::string& text) {
    for (const auto& problem : problems) {
        if (problem.find(text) != std::string::npos) return true;
    }
    return false;
}

std::string temporary_file(const std::string& name, const std::string& content) {
    const auto path = std::filesystem::temp_directory_path() /
                      ("workitem-gateway-config-" + std::to_string(::getpid()) + "-" + name);
    std::ofstream(path) << content;
    return path.string();
}

TEST(GatewayConfig, FlagsAndDefaults) {
    const auto config =
        parse({"--port", "9090", "--jwt-algorithm", "HS256", "--db-pool-size", "3"});
    ASSERT_TRUE(config.has_value());
    EXPECT_EQ(config->port, 9090);
    EXPECT_EQ(config->jwt_algorithm, "HS256");
    EXPECT_EQ(config->db_pool_size, 3);
    EXPECT_EQ(config->listen_address, "127.0.0.1");
    EXPECT_EQ(config->max_body_bytes, 2u * 1024 * 1024);
}

TEST(GatewayConfig, EnvironmentVariablesAndFlagsWin) {
    ::setenv("WORKITEM_GATEWAY_PORT", "7070", 1);
    ::setenv("WORKITEM_GATEWAY_JWT_AUDIENCE", "from-environment", 1);
    const auto from_environment = parse({});
    const auto from_flag = parse({"--port", "7171"});
    ::unsetenv("WORKITEM_GATEWAY_PORT");
    ::unsetenv("WORKITEM_GATEWAY_JWT_AUDIENCE");
    EXPECT_EQ(from_environment->port, 7070);
    EXPECT_EQ(from_environment->jwt_audience, "from-environment");
    EXPECT_EQ(from_flag->port, 7171);
}

TEST(GatewayConfig, TheSecretComesFromTheEnvironmentNeverAFlag) {
    ::setenv("WORKITEM_GATEWAY_JWT_SECRET", "s3cret-s3cret-s3cret-s3cret-s3cret", 1);
    const auto config = parse({});
    ::unsetenv("WORKITEM_GATEWAY_JWT_SECRET");
    EXPECT_EQ(config->jwt_secret, "s3cret-s3cret-s3cret-s3cret-s3cret");
    EXPECT_THROW(parse({"--jwt-secret", "x"}), ConfigError);
}

TEST(GatewayConfig, MalformedFlagsAreConfigErrors) {
    EXPECT_THROW(parse({"--port", "eighty"}), ConfigError);
    EXPECT_THROW(parse({"--no-such-flag"}), ConfigError);
}

TEST(GatewayConfig, AValidConfigurationHasNoProblem) {
    EXPECT_TRUE(validate(with_api_keys()).empty());
    GatewayConfig tokens;
    tokens.jwt_algorithm = "HS256";
    tokens.jwt_secret = std::string(32, 'k');
    tokens.jwt_issuer = "issuer";
    tokens.jwt_audience = "audience";
    EXPECT_TRUE(validate(tokens).empty());
}

TEST(GatewayConfig, WithoutAnyCredentialNothingCouldBeServed) {
    EXPECT_TRUE(mentions(validate(GatewayConfig{}), "no credential could ever be accepted"));
}

TEST(GatewayConfig, RangesAreChecked) {
    auto config = with_api_keys();
    config.port = 70000;
    config.io_threads = 0;
    config.db_pool_size = 0;
    config.jwt_leeway_seconds = 61;
    config.max_header_bytes = 10;
    config.max_body_bytes = 0;
    config.request_timeout_ms = 5;
    const auto problems = validate(config);
    EXPECT_TRUE(mentions(problems, "port"));
    EXPECT_TRUE(mentions(problems, "io-threads"));
    EXPECT_TRUE(mentions(problems, "db-pool-size"));
    EXPECT_TRUE(mentions(problems, "jwt-leeway-seconds"));
    EXPECT_TRUE(mentions(problems, "max-header-bytes"));
    EXPECT_TRUE(mentions(problems, "max-body-bytes"));
    EXPECT_TRUE(mentions(problems, "request-timeout-ms"));
}

TEST(GatewayConfig, RateLimitsAreReadAndChecked) {
    ::setenv("WORKITEM_GATEWAY_TENANT_RATE_LIMIT_PER_SECOND", "250", 1);
    const auto config = parse({"--rate-limit-per-second", "2.5", "--rate-limit-burst", "5"});
    ::unsetenv("WORKITEM_GATEWAY_TENANT_RATE_LIMIT_PER_SECOND");
    ASSERT_TRUE(config.has_value());
    EXPECT_DOUBLE_EQ(config->rate_limit_per_second, 2.5);
    EXPECT_DOUBLE_EQ(config->rate_limit_burst, 5);
    EXPECT_DOUBLE_EQ(config->tenant_rate_limit_per_second, 250);
    EXPECT_DOUBLE_EQ(config->tenant_rate_limit_burst, 10000);  // the default

    auto wrong = with_api_keys();
    wrong.rate_limit_per_second = -1;
    wrong.tenant_rate_limit_per_second = 10;
    wrong.tenant_rate_limit_burst = 0.5;
    const auto problems = validate(wrong);
    EXPECT_TRUE(mentions(problems, "rate-limit-per-second is 0 to"));
    EXPECT_TRUE(mentions(problems, "tenant-rate-limit-burst"));
    auto off = with_api_keys();
    off.rate_limit_per_second = 0;
    off.rate_limit_burst = 0;  // no limit: the burst does not matter
    EXPECT_TRUE(validate(off).empty());
}

TEST(GatewayConfig, TheWaitsAreBounded) {
    const auto config = parse({"--max-wait-ms", "30000", "--max-waiters", "50",
                               "--sse-poll-interval-ms", "2000", "--sse-keep-alive-ms", "9000"});
    ASSERT_TRUE(config.has_value());
    EXPECT_EQ(config->max_wait_ms, 30000);
    EXPECT_EQ(config->max_waiters, 50);
    EXPECT_EQ(config->sse_poll_interval_ms, 2000);
    EXPECT_EQ(config->sse_keep_alive_ms, 9000);
    auto wrong = with_api_keys();
    wrong.max_wait_ms = 0;
    wrong.max_waiters = 0;
    wrong.sse_poll_interval_ms = 10;
    wrong.sse_keep_alive_ms = 7200000;
    const auto problems = validate(wrong);
    EXPECT_TRUE(mentions(problems, "max-wait-ms"));
    EXPECT_TRUE(mentions(problems, "max-waiters"));
    EXPECT_TRUE(mentions(problems, "sse-poll-interval-ms"));
    EXPECT_TRUE(mentions(problems, "sse-keep-alive-ms"));
}

TEST(GatewayConfig, TokensNeedTheirKeyIssuerAndAudience) {
    GatewayConfig hs256;
    hs256.jwt_algorithm = "HS256";
    auto problems = validate(hs256);
    EXPECT_TRUE(mentions(problems, "HS256 needs a secret"));
    EXPECT_TRUE(mentions(problems, "jwt-issuer"));
    EXPECT_TRUE(mentions(problems, "jwt-audience"));

    hs256.jwt_secret = "short";
    EXPECT_TRUE(mentions(validate(hs256), "at least 32 bytes"));

    GatewayConfig rs256;
    rs256.jwt_algorithm = "RS256";
    rs256.jwt_secret = std::string(40, 's');
    problems = validate(rs256);
    EXPECT_TRUE(mentions(problems, "RS256 needs jwt-public-key-file"));
    EXPECT_TRUE(mentions(problems, "not a secret"));

    GatewayConfig none;
    none.jwt_algorithm = "none";
    EXPECT_TRUE(mentions(validate(none), "HS256 or RS256"));
}

TEST(GatewayConfig, LoadReadsTheFilesAndNamesWhatItCannotRead) {
    auto config = with_api_keys();
    try {
        load(config);
        FAIL() << "loaded a missing file";
    } catch (const ConfigError& error) {
        EXPECT_NE(std::string(error.what()).find("cannot read /nonexistent/keys.json"),
                  std::string::npos);
    }

    config.api_keys_file = temporary_file("keys.json", R"([{"name": "engine",
        "sha256": "0000000000000000000000000000000000000000000000000000000000000000",
        "subject": "engine", "tenant": "acme", "capability": "service"}])");
    config.jwt_algorithm = "HS256";
    config.jwt_secret_file = temporary_file("secret", std::string(40, 'z') + "\n");
    config.jwt_issuer = "issuer";
    config.jwt_audience = "audience";
    config.openapi_file = temporary_file("openapi.yaml", "openapi: 3.1.0\n");
    const auto loaded = load(config);
    ASSERT_EQ(loaded.api_keys.size(), 1u);
    EXPECT_EQ(loaded.api_keys[0].subject, "engine");
    ASSERT_TRUE(loaded.jwt.has_value());
    EXPECT_EQ(loaded.jwt->key, std::string(40, 'z'));  // the newline is no part of it
    EXPECT_EQ(loaded.openapi_document, "openapi: 3.1.0\n");

    config.api_keys_file = temporary_file("bad-keys.json", R"([{"name": "x"}])");
    EXPECT_THROW(load(config), ConfigError);
}

// TLS takes both files (tls_test.sh serves HTTPS with a real certificate).
TEST(GatewayConfig, TlsNeedsACertificateAndItsKey) {
    auto config = with_api_keys();
    config.tls_cert = "/some/cert.pem";
    EXPECT_TRUE(mentions(validate(config), "both tls-cert and tls-key"));
    config.tls_key = "/some/key.pem";
    EXPECT_FALSE(mentions(validate(config), "tls"));
    config.api_keys_file = temporary_file("tls-keys.json", "[]");
    config.tls_cert = temporary_file("cert.pem", "not a certificate");
    config.tls_key = temporary_file("key.pem", "not a key");
    try {
        load(config);
        FAIL() << "loaded a certificate that is none";
    } catch (const ConfigError& error) {
        EXPECT_NE(std::string(error.what()).find("not a PEM certificate chain"), std::string::npos)
            << error.what();
    }
}

// Settings from a TOML file (--config), under the variables and the flags.
TEST(GatewayConfig, AFileGivesSettingsThatVariablesAndFlagsOverride) {
    const auto file = temporary_file("settings.toml",
                                     "port = 9191\nio-threads = 3\ndb-pool-size = 7\n"
                                     "jwt-issuer = \"from-the-file\"\n");
    ::setenv("WORKITEM_GATEWAY_IO_THREADS", "5", 1);
    const auto config = parse({"--config", file, "--db-pool-size", "9"});
    ::unsetenv("WORKITEM_GATEWAY_IO_THREADS");
    ASSERT_TRUE(config.has_value());
    EXPECT_EQ(config->port, 9191);
    EXPECT_EQ(config->io_threads, 5);    // the variable wins over the file
    EXPECT_EQ(config->db_pool_size, 9);  // the flag wins over both
    EXPECT_EQ(config->jwt_issuer, "from-the-file");

    const auto unknown = temporary_file("unknown.toml", "no-such-setting = 1\n");
    EXPECT_THROW(parse({"--config", unknown}), ConfigError);
    EXPECT_THROW(parse({"--config", "/nonexistent/gateway.toml"}), ConfigError);
}

// Each environment's example (client/gateway/config/) parses and is a configuration that can
// run, but for the files it names.
TEST(GatewayConfig, EveryEnvironmentsExampleIsValid) {
    for (const std::string environment : {"dev", "staging", "prod"}) {
        SCOPED_TRACE(environment);
        const auto config = parse(
            {"--config", std::string(WORKITEM_GATEWAY_CONFIG_DIR) + "/" + environment + ".toml"});
        ASSERT_TRUE(config.has_value());
        EXPECT_EQ(validate(*config), std::vector<std::string>{});
    }
}

}  // namespace
}  // namespace workitem::gateway
