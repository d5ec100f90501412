#include "tokens.hpp"

#include <jwt.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <chrono>
#include <cstdlib>
#include <iomanip>
#include <memory>
#include <sstream>
#include <stdexcept>

namespace workitem::gateway::testing {

namespace {

struct BioDeleter {
    void operator()(BIO* bio) const { BIO_free(bio); }
};
struct KeyDeleter {
    void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct JwtDeleter {
    void operator()(jwt_t* token) const { jwt_free(token); }
};

std::string bio_text(BIO* bio) {
    char* data = nullptr;
    const long length = BIO_get_mem_data(bio, &data);
    return std::string(data, static_cast<std::size_t>(length));
}

std::string mint(jwt_alg_t algorithm, const std::string& key, const nlohmann::json& payload) {
    jwt_t* raw = nullptr;
    if (jwt_new(&raw) != 0) throw std::runtime_error("jwt_new failed");
    std::unique_ptr<jwt_t, JwtDeleter> token(raw);
    if (jwt_add_grants_json(token.get(), payload.dump().c_str()) != 0) {
        throw std::runtime_error("jwt_add_grants_json failed");
    }
    const auto* key_bytes =
        key.empty() ? nullptr : reinterpret_cast<const unsigned char*>(key.data());
    if (jwt_set_alg(token.get(), algorithm, key_bytes, static_cast<int>(key.size())) != 0) {
        throw std::runtime_error("jwt_set_alg failed");
    }
    char* encoded = jwt_encode_str(token.get());
    if (encoded == nullptr) throw std::runtime_error("jwt_encode_str failed");
    std::string text(encoded);
    std::free(encoded);
    return text;
}

}  // namespace

RsaKeyPair generate_rsa_key_pair() {
    std::unique_ptr<EVP_PKEY, KeyDeleter> key(EVP_RSA_gen(2048));
    if (!key) throw std::runtime_error("EVP_RSA_gen failed");
    std::unique_ptr<BIO, BioDeleter> private_bio(BIO_new(BIO_s_mem()));
    std::unique_ptr<BIO, BioDeleter> public_bio(BIO_new(BIO_s_mem()));
    if (PEM_write_bio_PrivateKey(private_bio.get(), key.get(), nullptr, nullptr, 0, nullptr,
                                 nullptr) != 1 ||
        PEM_write_bio_PUBKEY(public_bio.get(), key.get()) != 1) {
        throw std::runtime_error("writing the PEM keys failed");
    }
    return RsaKeyPair{bio_text(private_bio.get()), bio_text(public_bio.get())};
}

std::string mint_hs256(const std::string& secret, const nlohmann::json& payload) {
    return mint(JWT_ALG_HS256, secret, payload);
}

std::string mint_rs256(const std::string& private_pem, const nlohmann::json& payload) {
    return mint(JWT_ALG_RS256, private_pem, payload);
}

std::string mint_unsigned(const nlohmann::json& payload) {
    return mint(JWT_ALG_NONE, "", payload);
}

long long now_seconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

nlohmann::json claims(const std::string& subject, const std::string& tenant,
                      const std::string& capability, const std::string& issuer,
                      const std::string& audience) {
    return nlohmann::json{{"sub", subject},
                          {"tenant", tenant},
                          {"workitem_capability", capability},
                          {"iss", issuer},
                          {"aud", audience},
                          {"iat", now_seconds()},
                          {"exp", now_seconds() + 3600}};
}

std::string sha256_hex(const std::string& text) {
    unsigned char digest[32];
    unsigned int length = 0;
    EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha256(), nullptr);
    std::ostringstream hex;
    for (unsigned i = 0; i < length; ++i) {
        hex << std::hex << std::setw(2) << std::setfill('0') << static_cast<int>(digest[i]);
    }
    return hex.str();
}

}  // namespace workitem::gateway::testing
