#include "transports.hpp"

#include "sdk_transport.hpp"

#include <stdexcept>

namespace load {

GatewayEndpoint parse_gateway_url(const std::string& url) {
    std::string rest = url;
    if (rest.starts_with("http://")) rest = rest.substr(7);
    while (rest.ends_with("/")) rest.pop_back();
    const auto colon = rest.rfind(':');
    if (colon == std::string::npos || colon == 0)
        throw std::invalid_argument("--gateway-url: http://<address>:<port> expected: " + url);
    GatewayEndpoint endpoint;
    endpoint.host = rest.substr(0, colon);
    const int port = std::stoi(rest.substr(colon + 1));
    if (port < 1 || port > 65535) throw std::invalid_argument("--gateway-url: bad port: " + url);
    endpoint.port = static_cast<unsigned short>(port);
    return endpoint;
}

std::unique_ptr<Transport> make_transport(const TransportSettings& settings, const World& world,
                                          int client) {
    if (settings.kind == "sdk") return std::make_unique<SdkTransport>(settings.sdk);
    const std::string capability = world.role_of(client) == Role::engine ? "admin" : "user";
    return std::make_unique<GatewayTransport>(
        settings.gateway, mint_token(settings.tokens, world.actor_of(client), capability));
}

}  // namespace load
