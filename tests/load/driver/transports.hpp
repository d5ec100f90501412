// Which transport a load client gets (--transport): libworkitem (sdk: through pgbouncer or
// straight to PostgreSQL) or the REST gateway (gateway: HTTP on loopback, a token per simulated
// user; an engine's token has the admin capability, which creating items needs, everyone else's
// the user capability).
#pragma once

#include "gateway_token.hpp"
#include "gateway_transport.hpp"
#include "transport.hpp"
#include "world.hpp"

#include <workitem/workitem.hpp>

#include <memory>
#include <string>

namespace load {

struct TransportSettings {
    std::string kind{"sdk"};  // sdk or gateway
    workitem::ClientOptions sdk{};
    GatewayEndpoint gateway{};
    TokenSettings tokens{};
};

// "http://127.0.0.1:8080" (or "127.0.0.1:8080") into the endpoint; throws on anything else.
GatewayEndpoint parse_gateway_url(const std::string& url);

std::unique_ptr<Transport> make_transport(const TransportSettings& settings, const World& world,
                                          int client);

}  // namespace load
