// The calls of the mix through the REST gateway (docs/rest.md): one kept-alive HTTP/1.1
// connection per load client over loopback, with that client's own token, so the gateway sees
// as many callers as there are simulated users. Boost.Beast's synchronous client, as the
// gateway's own tests use it.
//
// Mutations carry the call's idempotency key as `Idempotency-Key` and its expected version as
// `If-Match`. A reply lost on the way (the connection broke after the request went out) or a
// transient refusal (503 with Retry-After, 429, 502, 504) is sent again with the same key until
// it gets an answer or the retry budget is spent: the answer is then the first outcome, replayed
// by the database (docs/domain.md §9). Without an answer in the end the call is `in_doubt` when
// a request may have reached the database, `failed` otherwise.
#pragma once

#include "transport.hpp"

#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/verb.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace load {

struct GatewayEndpoint {
    std::string host{"127.0.0.1"};
    unsigned short port{8080};
    std::chrono::seconds io_timeout{60};    // one request and its answer
    std::chrono::seconds retry_budget{60};  // all the tries of one call together
};

// One HTTP exchange as the transport sees it: a status and a body, or none (status 0) when the
// connection failed; `sent` says whether the request may have reached the gateway.
struct HttpReply {
    unsigned status{0};
    std::string body{};
    bool sent{false};
    std::chrono::milliseconds retry_after{0};
    std::string error{};
};

class GatewayTransport final : public Transport {
  public:
    GatewayTransport(GatewayEndpoint endpoint, std::string token);
    ~GatewayTransport() override;
    GatewayTransport(const GatewayTransport&) = delete;
    GatewayTransport& operator=(const GatewayTransport&) = delete;

    Answer send(const Call& call) override;

  private:
    struct Request {
        boost::beast::http::verb method{};
        std::string target{};
        std::optional<std::string> body{};
        const Call* call{};
    };
    Request request_of(const Call& call) const;
    HttpReply exchange(const Request& request);
    HttpReply exchange_once(const Request& request);
    void connect();
    void disconnect();

    GatewayEndpoint endpoint_;
    std::string authorization_;
    boost::beast::tcp_stream stream_;
    bool connected_{false};
};

}  // namespace load
