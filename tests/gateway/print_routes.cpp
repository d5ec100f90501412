// Prints every route the gateway's router serves, one "METHOD /path/{template}" a line, for
// contract_test.py (which compares them with openapi.yaml both ways). Nothing connects: the
// database pool opens connections only when a request needs one.
#include "gateway.hpp"

#include <iostream>
#include <sstream>

int main() {
    using namespace workitem::gateway;
    GatewayConfig settings;
    settings.dsn = "host=127.0.0.1 port=1";  // never used
    settings.port = 0;
    settings.jwt_algorithm = "HS256";
    settings.jwt_secret = "print-routes-secret-of-at-least-32-bytes";
    settings.jwt_issuer = "https://issuer.test";
    settings.jwt_audience = "workitem-gateway";
    std::ostringstream log;
    const Gateway gateway(load(settings), log);
    for (const auto& [method, path] : gateway.routes()) std::cout << method << ' ' << path << '\n';
    return 0;
}
