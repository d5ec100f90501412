#include "gateway_token.hpp"

#include <jwt.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <stdexcept>

namespace load {

namespace {

struct JwtDeleter {
    void operator()(jwt_t* token) const { jwt_free(token); }
};

}  // namespace

std::string mint_token(const TokenSettings& settings, const std::string& subject,
                       const std::string& capability) {
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    const nlohmann::json claims = {{"sub", subject},
                                   {"tenant", settings.tenant},
                                   {"workitem_capability", capability},
                                   {"iss", settings.issuer},
                                   {"aud", settings.audience},
                                   {"iat", now},
                                   {"exp", now + settings.lifetime_seconds}};
    jwt_t* raw = nullptr;
    if (jwt_new(&raw) != 0) throw std::runtime_error("jwt_new failed");
    std::unique_ptr<jwt_t, JwtDeleter> token(raw);
    if (jwt_add_grants_json(token.get(), claims.dump().c_str()) != 0)
        throw std::runtime_error("jwt_add_grants_json failed");
    if (jwt_set_alg(token.get(), JWT_ALG_HS256,
                    reinterpret_cast<const unsigned char*>(settings.secret.data()),
                    static_cast<int>(settings.secret.size())) != 0)
        throw std::runtime_error("jwt_set_alg failed");
    char* encoded = jwt_encode_str(token.get());
    if (encoded == nullptr) throw std::runtime_error("jwt_encode_str failed");
    std::string text(encoded);
    std::free(encoded);
    return text;
}

}  // namespace load
