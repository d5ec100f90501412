// Optional TLS for deployments without a proxy in front (usually one terminates it): the
// server's certificate chain and private key, PEM, read once at start. TLS 1.2 at least.
#pragma once

#include <boost/asio/ssl/context.hpp>

#include <memory>
#include <string>

namespace workitem::gateway {

// The context every TLS connection is served with; throws std::runtime_error naming what is
// wrong (no certificate in the text, a key that is not the certificate's...).
std::shared_ptr<boost::asio::ssl::context> make_tls_context(
    const std::string& certificate_chain_pem, const std::string& private_key_pem);

}  // namespace workitem::gateway
