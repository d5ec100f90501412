// The fixture of the HTTP tests: the gateway and its HTTP server run in the test process on a
// free loopback port against a real PostgreSQL with the extension (WORKITEM_TEST_DSN, started by
// tests/gateway/run; every test skips without it), and the tests talk to them with Beast's
// synchronous client. Shared by http_test.cpp and the route families' *_http_test.cpp.
#pragma once

#include "gateway.hpp"
#include "http_server.hpp"
#include "tokens.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <thread>

namespace workitem::gateway::http_testing {

namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;
using json = nlohmann::json;

inline const std::string secret = "integration-secret-of-at-least-32-bytes";
inline const std::string issuer = "https://issuer.test";
inline const std::string audience = "workitem-gateway";
inline const std::string service_key = "service-key-for-the-integration-test";
inline constexpr std::size_t body_limit = 64 * 1024;

inline std::string unique(const std::string& prefix) {
    static std::atomic<int> counter{0};
    return prefix + "-" + std::to_string(::getpid()) + "-" + std::to_string(++counter);
}

inline std::string token(const std::string& subject, const std::string& capability,
                         const std::string& tenant = "acme") {
    return testing::mint_hs256(secret,
                               testing::claims(subject, tenant, capability, issuer, audience));
}

inline std::string lowercase(std::string text) {
    for (auto& character : text) {
        character = static_cast<char>(std::tolower(static_cast<unsigned char>(character)));
    }
    return text;
}

struct Answer {
    int status{};
    std::map<std::string, std::string> headers;
    std::string body;

    json document() const { return json::parse(body); }
    std::string header(const std::string& name) const {
        const auto found = headers.find(lowercase(name));
        return found == headers.end() ? std::string() : found->second;
    }
};

struct Send {
    std::string method{"GET"};
    std::string target;
    std::string body{};
    std::string bearer{};
    std::map<std::string, std::string> headers{};
    bool header_only{false};  // send the head and no body (for a Content-Length over the limit)
};

class GatewayOverHttp : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { start_gateway({}); }

    // Starts the gateway and its server; `adjust` changes the test configuration first (a
    // fixture of its own calls it from its SetUpTestSuite).
    static void start_gateway(const std::function<void(GatewayConfig&)>& adjust) {
        const char* dsn = std::getenv("WORKITEM_TEST_DSN");
        if (dsn == nullptr || *dsn == '\0') return;
        const auto directory = std::filesystem::temp_directory_path() /
                               ("workitem-gateway-test-" + std::to_string(::getpid()));
        std::filesystem::create_directories(directory);
        std::ofstream(directory / "openapi.yaml") << "openapi: 3.1.0\ninfo: {title: test}\n";

        GatewayConfig settings;
        settings.dsn = dsn;
        settings.port = 0;
        settings.db_pool_size = 2;
        settings.request_timeout_ms = 10000;
        settings.max_body_bytes = body_limit;
        settings.jwt_algorithm = "HS256";
        settings.jwt_secret = secret;
        settings.jwt_issuer = issuer;
        settings.jwt_audience = audience;
        settings.openapi_file = (directory / "openapi.yaml").string();
        if (adjust) adjust(settings);
        LoadedConfig config = load(settings);
        config.api_keys = parse_api_keys(json::array({{{"name", "engine"},
                                                       {"sha256", testing::sha256_hex(service_key)},
                                                       {"subject", "engine"},
                                                       {"tenant", "acme"},
                                                       {"capability", "service"}}}));
        log_ = new std::ostringstream;
        gateway_ = new Gateway(config, *log_);
        ServerSettings server_settings;
        server_settings.port = 0;
        server_settings.threads = 2;
        server_settings.max_body_bytes = body_limit;
        server_settings.request_timeout = std::chrono::seconds(10);
        server_ = new HttpServer(
            server_settings,
            [](Request request, const std::string& remote, Respond respond) {
                gateway_->handle(std::move(request), remote, std::move(respond));
            },
            [](int status, const std::string& remote) { return gateway_->refuse(status, remote); });
        gateway_->attach(*server_);
        port_ = server_->listen();
        thread_ = new std::thread([] { server_->run(); });
    }

    static void TearDownTestSuite() {
        if (server_ == nullptr) return;
        server_->shutdown(std::chrono::seconds(5));
        thread_->join();
        gateway_->join();
        delete thread_;
        delete server_;
        delete gateway_;
        delete log_;
        server_ = nullptr;
    }

    void SetUp() override {
        if (server_ == nullptr) GTEST_SKIP() << "WORKITEM_TEST_DSN is not set: no server to test";
    }

    static Answer send(const Send& what) {
        net::io_context io;
        tcp::socket socket(io);
        socket.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port_));
        return exchange(socket, what);
    }

    static Answer exchange(tcp::socket& socket, const Send& what) {
        http::request<http::string_body> request{http::string_to_verb(what.method), what.target,
                                                 11};
        request.set(http::field::host, "127.0.0.1");
        if (!what.bearer.empty()) request.set(http::field::authorization, "Bearer " + what.bearer);
        if (!what.body.empty()) request.set(http::field::content_type, "application/json");
        for (const auto& [name, value] : what.headers) request.set(name, value);
        request.body() = what.body;
        request.prepare_payload();
        if (what.header_only) {
            request.set(http::field::content_length, std::to_string(body_limit * 4));
            http::request_serializer<http::string_body> serializer(request);
            http::write_header(socket, serializer);
        } else {
            http::write(socket, request);
        }
        beast::flat_buffer buffer;
        http::response<http::string_body> response;
        http::read(socket, buffer, response);
        Answer answer;
        answer.status = static_cast<int>(response.result_int());
        for (const auto& field : response) {
            answer.headers[lowercase(std::string(field.name_string()))] =
                std::string(field.value());
        }
        answer.body = response.body();
        return answer;
    }

    // A new item of its own workflow and queue, offered to ann, created by an administrator.
    static json create_item(const std::string& queue) {
        const auto answer =
            send({.method = "POST",
                  .target = "/api/v1/workitems",
                  .body = json{{"workflow_id", unique("wf")},
                               {"task_name", "Review"},
                               {"queue", queue},
                               {"assignment", {{"potential_owners", {{"users", {"ann"}}}}}},
                               {"input", {{"invoice", 1017}}}}
                              .dump(),
                  .bearer = token("boss", "admin")});
        EXPECT_EQ(answer.status, 201) << answer.body;
        return answer.document();
    }

    // Creates an item from this body, as an administrator; the answer's document.
    static json create(const json& body) {
        const auto answer = send({.method = "POST",
                                  .target = "/api/v1/workitems",
                                  .body = body.dump(),
                                  .bearer = token("boss", "admin")});
        EXPECT_EQ(answer.status, 201) << answer.body;
        return answer.document();
    }

    static std::string path_of(const json& item) {
        return "/api/v1/workitems/" + std::to_string(item["id"].get<long long>());
    }

    static std::string etag(const json& item) {
        return "\"" + std::to_string(item["version"].get<long long>()) + "\"";
    }

    static void expect_problem(const Answer& answer, int status, const std::string& sqlstate = {}) {
        EXPECT_EQ(answer.status, status) << answer.body;
        EXPECT_EQ(answer.header("Content-Type"), "application/problem+json");
        const auto problem = answer.document();
        EXPECT_EQ(problem["status"], status);
        if (!sqlstate.empty()) {
            EXPECT_EQ(problem.value("sqlstate", ""), sqlstate) << answer.body;
        }
    }

    static inline std::ostringstream* log_ = nullptr;
    static inline Gateway* gateway_ = nullptr;
    static inline HttpServer* server_ = nullptr;
    static inline std::thread* thread_ = nullptr;
    static inline unsigned short port_ = 0;
};

}  // namespace workitem::gateway::http_testing
