// workitem-gateway: reads its configuration (flags and WORKITEM_GATEWAY_* variables), listens,
// and serves until SIGTERM or SIGINT, then finishes the requests in flight within
// --shutdown-timeout-ms and exits 0. A configuration that cannot run exits 2 with every problem
// listed; a listen address that cannot be bound exits 1. `workitem-gateway token ...` prints a
// development token instead (dev_token.hpp).
#include "config.hpp"
#include "dev_token.hpp"
#include "gateway.hpp"
#include "http_server.hpp"

#include <cstring>
#include <iostream>

int main(int argc, char** argv) {
    using namespace workitem::gateway;
    if (argc > 1 && std::strcmp(argv[1], "token") == 0)
        return run_token_command(argc - 1, argv + 1);
    std::optional<LoadedConfig> config;
    try {
        auto settings = parse_command_line(argc, argv);
        if (!settings) return 0;  // --help or --version
        config = load(std::move(*settings));
    } catch (const ConfigError& error) {
        std::cerr << "workitem-gateway: " << error.what() << '\n';
        return 2;
    }
    const auto& settings = config->settings;
    try {
        Gateway gateway(*config, std::cout);
        ServerSettings server_settings;
        server_settings.address = settings.listen_address;
        server_settings.port = static_cast<unsigned short>(settings.port);
        server_settings.threads = settings.io_threads;
        server_settings.max_header_bytes = settings.max_header_bytes;
        server_settings.max_body_bytes = settings.max_body_bytes;
        server_settings.request_timeout = std::chrono::milliseconds(settings.request_timeout_ms);
        server_settings.tls = config->tls;
        HttpServer server(
            server_settings,
            [&gateway](Request request, const std::string& remote, Respond respond) {
                gateway.handle(std::move(request), remote, std::move(respond));
            },
            [&gateway](int status, const std::string& remote) {
                return gateway.refuse(status, remote);
            });
        gateway.attach(server);
        const auto port = server.listen();
        server.shutdown_on_signals(std::chrono::milliseconds(settings.shutdown_timeout_ms));
        gateway.log().event("info", "listening",
                            {{"address", settings.listen_address},
                             {"port", port},
                             {"tls", config->tls != nullptr},
                             {"io_threads", settings.io_threads},
                             {"db_pool_size", settings.db_pool_size}});
        server.run();
        // The server stopped: wait for the database calls still under way before it goes.
        gateway.join();
        gateway.log().event("info", "stopped");
    } catch (const std::exception& error) {
        std::cerr << "workitem-gateway: " << error.what() << '\n';
        return 1;
    }
    return 0;
}
