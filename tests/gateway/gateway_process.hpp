// The real workitem-gateway process for the tests that need one of its own (abuse, limits):
// started with the flags a test gives on a free loopback port, against the test database
// (WORKITEM_TEST_DSN), stopped with SIGTERM by its pid. Tokens are HS256, minted with the
// secret the process is given.
#pragma once

#include "tokens.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <gtest/gtest.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#ifndef WORKITEM_GATEWAY_BINARY
#error "WORKITEM_GATEWAY_BINARY names the workitem-gateway executable under test"
#endif

namespace workitem::gateway::process_testing {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

inline const std::string secret = "process-test-secret-of-at-least-32-bytes";
inline const std::string issuer = "https://issuer.test";
inline const std::string audience = "workitem-gateway";

inline std::string token(const std::string& subject, const std::string& capability = "admin",
                         const std::string& tenant = "acme") {
    return testing::mint_hs256(secret,
                               testing::claims(subject, tenant, capability, issuer, audience));
}

inline const char* test_dsn() {
    const char* dsn = std::getenv("WORKITEM_TEST_DSN");
    return dsn != nullptr && *dsn != '\0' ? dsn : nullptr;
}

// Raises this process's open-file limit (the gateway started after inherits it) to `wanted`,
// or as far as the hard limit allows; whether it reached `wanted`.
inline bool raise_open_file_limit(rlim_t wanted) {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return false;
    if (limit.rlim_cur >= wanted) return true;
    limit.rlim_cur = std::min(wanted, limit.rlim_max);
    return ::setrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur >= wanted;
}

struct Reply {
    int status{};
    std::map<std::string, std::string> headers;  // names in lower case
    std::string body;
};

class GatewayProcess {
  public:
    explicit GatewayProcess(const std::vector<std::string>& flags) {
        directory_ = std::filesystem::temp_directory_path() /
                     ("workitem-gateway-process-" + std::to_string(::getpid()) + "-" +
                      std::to_string(++started_));
        std::filesystem::create_directories(directory_);
        log_path_ = directory_ / "gateway.log";
        std::vector<std::string> arguments{WORKITEM_GATEWAY_BINARY,
                                           "--port",
                                           "0",
                                           "--jwt-algorithm",
                                           "HS256",
                                           "--jwt-issuer",
                                           issuer,
                                           "--jwt-audience",
                                           audience,
                                           "--dsn",
                                           test_dsn() ? test_dsn() : "host=127.0.0.1 port=1"};
        arguments.insert(arguments.end(), flags.begin(), flags.end());
        // The secret through the environment, as in production (never a flag).
        std::vector<std::string> environment{"WORKITEM_GATEWAY_JWT_SECRET=" + secret};
        for (char** variable = environ; *variable != nullptr; ++variable) {
            if (std::string_view(*variable).starts_with("WORKITEM_GATEWAY_")) continue;
            environment.emplace_back(*variable);
        }
        std::vector<char*> argv;
        for (auto& argument : arguments) argv.push_back(argument.data());
        argv.push_back(nullptr);
        std::vector<char*> envp;
        for (auto& variable : environment) envp.push_back(variable.data());
        envp.push_back(nullptr);
        posix_spawn_file_actions_t files;
        ::posix_spawn_file_actions_init(&files);
        ::posix_spawn_file_actions_addopen(&files, 1, log_path_.c_str(),
                                           O_WRONLY | O_CREAT | O_TRUNC, 0644);
        ::posix_spawn_file_actions_addopen(&files, 2, (directory_ / "stderr.log").c_str(),
                                           O_WRONLY | O_CREAT | O_TRUNC, 0644);
        const int failed = ::posix_spawn(&pid_, argv[0], &files, nullptr, argv.data(), envp.data());
        ::posix_spawn_file_actions_destroy(&files);
        if (failed != 0) throw std::runtime_error("cannot start " + arguments.front());
        port_ = wait_for_port();
    }

    ~GatewayProcess() {
        if (pid_ > 0) {
            ::kill(pid_, SIGTERM);
            int status = 0;
            for (int i = 0; i < 200 && ::waitpid(pid_, &status, WNOHANG) == 0; ++i) {
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
            }
            if (::waitpid(pid_, &status, WNOHANG) == 0) {
                ::kill(pid_, SIGKILL);
                ::waitpid(pid_, &status, 0);
            }
        }
        std::error_code ignored;
        std::filesystem::remove_all(directory_, ignored);
    }

    GatewayProcess(const GatewayProcess&) = delete;
    GatewayProcess& operator=(const GatewayProcess&) = delete;

    unsigned short port() const { return port_; }
    tcp::endpoint endpoint() const {
        return tcp::endpoint(net::ip::make_address("127.0.0.1"), port_);
    }

    // Threads of the process now (/proc/<pid>/task).
    int threads() const {
        int count = 0;
        for ([[maybe_unused]] const auto& entry :
             std::filesystem::directory_iterator("/proc/" + std::to_string(pid_) + "/task")) {
            ++count;
        }
        return count;
    }

    // One request on a connection of its own.
    Reply get(const std::string& target, const std::string& bearer = {}) const {
        net::io_context io;
        tcp::socket socket(io);
        socket.connect(endpoint());
        http::request<http::empty_body> request{http::verb::get, target, 11};
        request.set(http::field::host, "127.0.0.1");
        if (!bearer.empty()) request.set(http::field::authorization, "Bearer " + bearer);
        http::write(socket, request);
        beast::flat_buffer buffer;
        http::response<http::string_body> response;
        http::read(socket, buffer, response);
        Reply reply{static_cast<int>(response.result_int()), {}, response.body()};
        for (const auto& field : response) {
            std::string name(field.name_string());
            for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            reply.headers[name] = std::string(field.value());
        }
        return reply;
    }

  private:
    unsigned short wait_for_port() {
        for (int i = 0; i < 200; ++i) {
            std::ifstream log(log_path_);
            std::string line;
            while (std::getline(log, line)) {
                const auto entry = nlohmann::json::parse(line, nullptr, false);
                if (entry.is_object() && entry.value("msg", "") == "listening") {
                    return entry["port"].get<unsigned short>();
                }
            }
            int status = 0;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        std::ifstream errors(directory_ / "stderr.log");
        std::stringstream text;
        text << errors.rdbuf();
        throw std::runtime_error("workitem-gateway did not start: " + text.str());
    }

    static inline int started_ = 0;
    std::filesystem::path directory_;
    std::filesystem::path log_path_;
    pid_t pid_{-1};
    unsigned short port_{};
};

}  // namespace workitem::gateway::process_testing
