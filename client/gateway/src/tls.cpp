#include "tls.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/system/system_error.hpp>

#include <stdexcept>

namespace workitem::gateway {

namespace ssl = boost::asio::ssl;

std::shared_ptr<ssl::context> make_tls_context(const std::string& certificate_chain_pem,
                                               const std::string& private_key_pem) {
    auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
    context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                         ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                         ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
    try {
        context->use_certificate_chain(boost::asio::buffer(certificate_chain_pem));
    } catch (const boost::system::system_error& error) {
        throw std::runtime_error("the TLS certificate is not a PEM certificate chain (" +
                                 error.code().message() + ")");
    }
    try {
        context->use_private_key(boost::asio::buffer(private_key_pem), ssl::context::pem);
    } catch (const boost::system::system_error& error) {
        // OpenSSL also refuses a key that does not belong to the certificate here.
        throw std::runtime_error("the TLS private key is not a PEM key of the certificate (" +
                                 error.code().message() + ")");
    }
    return context;
}

}  // namespace workitem::gateway
