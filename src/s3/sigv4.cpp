// AWS Signature Version 4 (include/lazyscribe/detail/sigv4.hpp), S3's flavour: paths are
// encoded once and never normalised. SHA-256 and HMAC come from OpenSSL's libcrypto; every
// buffer that held key material is wiped with OPENSSL_cleanse before it is freed.
#include <lazyscribe/detail/sigv4.hpp>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <limits>
#include <new>
#include <stdexcept>
#include <utility>

namespace lazyscribe {
namespace detail {
namespace sigv4 {

namespace {

constexpr std::string_view hex_digits = "0123456789abcdef";
constexpr std::string_view hex_upper = "0123456789ABCDEF";

std::string to_hex(const unsigned char* bytes, std::size_t size) {
    std::string out(size * 2, '\0');
    for (std::size_t i = 0; i < size; ++i) {
        out[2 * i] = hex_digits[bytes[i] >> 4U];
        out[2 * i + 1] = hex_digits[bytes[i] & 0xFU];
    }
    return out;
}

std::string to_hex(std::string_view bytes) {
    return to_hex(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
}

[[noreturn]] void openssl_failed(const char* what) {
    throw std::runtime_error(std::string("lazyscribe::s3: OpenSSL failed: ") + what);
}

// A std::string holding key material: wiped when it goes.
struct secret_string {
    std::string bytes;
    secret_string() = default;
    explicit secret_string(std::string b) : bytes(std::move(b)) {}
    secret_string(const secret_string&) = delete;
    secret_string& operator=(const secret_string&) = delete;
    secret_string(secret_string&&) = delete;
    secret_string& operator=(secret_string&&) = delete;
    ~secret_string() {
        if (!bytes.empty()) OPENSSL_cleanse(bytes.data(), bytes.size());
    }
};

bool unreserved(unsigned char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
           c == '.' || c == '~';
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Percent-decoding; a '%' not followed by two hex digits stays a literal '%'.
std::string percent_decode(std::string_view text, bool plus_is_space) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 && hex_value(text[i + 2]) >= 0) {
            out.push_back(static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2])));
            i += 2;
        } else if (c == '+' && plus_is_space) {
            out.push_back(' ');
        } else {
            out.push_back(c);
        }
    }
    return out;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Trimmed, each inner run of whitespace (a folded line's line break included) one space.
std::string canonical_value(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    bool pending_space = false;
    for (const char c : value) {
        if (is_space(c)) {
            pending_space = !out.empty();
            continue;
        }
        if (pending_space) out.push_back(' ');
        pending_space = false;
        out.push_back(c);
    }
    return out;
}

std::string lowercase(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

// The headers canonicalised: (lowercase name, value) sorted by name, a repeated name's values
// joined with ',' in the order given.
std::vector<std::pair<std::string, std::string>> canonical_headers(const request& r) {
    std::vector<std::pair<std::string, std::string>> headers;
    headers.reserve(r.headers.size());
    for (const auto& h : r.headers) headers.emplace_back(lowercase(canonical_value(h.name)), canonical_value(h.value));
    std::stable_sort(headers.begin(), headers.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<std::pair<std::string, std::string>> merged;
    merged.reserve(headers.size());
    for (auto& h : headers) {
        if (!merged.empty() && merged.back().first == h.first) {
            merged.back().second += ',';
            merged.back().second += h.second;
        } else {
            merged.push_back(std::move(h));
        }
    }
    return merged;
}

std::string date_of(std::string_view amz_date) { return std::string(amz_date.substr(0, 8)); }

}  // namespace

// ---- SHA-256 -----------------------------------------------------------------------------

struct sha256::state {
    EVP_MD_CTX* ctx = nullptr;
    state() {
        ctx = EVP_MD_CTX_new();
        if (ctx == nullptr) throw std::bad_alloc();
        init();
    }
    ~state() { EVP_MD_CTX_free(ctx); }
    state(const state&) = delete;
    state& operator=(const state&) = delete;
    state(state&&) = delete;
    state& operator=(state&&) = delete;
    void init() const {
        if (EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr) != 1) openssl_failed("SHA-256 init");
    }
};

sha256::sha256() : state_(std::make_unique<state>()) {}
sha256::~sha256() = default;
sha256::sha256(sha256&& other) noexcept = default;
sha256& sha256::operator=(sha256&& other) noexcept = default;

void sha256::update(std::string_view bytes) {
    if (!state_) state_ = std::make_unique<state>();  // a moved-from hasher starts again
    if (!bytes.empty() && EVP_DigestUpdate(state_->ctx, bytes.data(), bytes.size()) != 1)
        openssl_failed("SHA-256 update");
}

std::string sha256::hex_digest() {
    if (!state_) state_ = std::make_unique<state>();
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int size = 0;
    if (EVP_DigestFinal_ex(state_->ctx, digest.data(), &size) != 1) openssl_failed("SHA-256 final");
    state_->init();
    return to_hex(digest.data(), size);
}

std::string sha256_hex(std::string_view bytes) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int size = 0;
    if (EVP_Digest(bytes.data(), bytes.size(), digest.data(), &size, EVP_sha256(), nullptr) != 1)
        openssl_failed("SHA-256");
    return to_hex(digest.data(), size);
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
    unsigned int size = 0;
    // HMAC() takes an int key length; S3 keys are short, but a huge one must not wrap.
    if (key.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()))
        throw std::length_error("lazyscribe::s3: HMAC key too long");
    if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
             reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac.data(), &size) == nullptr)
        openssl_failed("HMAC-SHA256");
    std::string out(reinterpret_cast<const char*>(mac.data()), size);
    OPENSSL_cleanse(mac.data(), mac.size());
    return out;
}

// ---- Canonical request -------------------------------------------------------------------

std::string uri_encode(std::string_view text, bool encode_slash) {
    std::string out;
    out.reserve(text.size() + text.size() / 2);
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (unreserved(c) || (c == '/' && !encode_slash)) {
            out.push_back(ch);
        } else {
            out.push_back('%');
            out.push_back(hex_upper[c >> 4U]);
            out.push_back(hex_upper[c & 0xFU]);
        }
    }
    return out;
}

std::string canonical_query(std::string_view raw_query) {
    std::vector<std::pair<std::string, std::string>> params;
    std::size_t start = 0;
    while (start <= raw_query.size()) {
        std::size_t end = raw_query.find('&', start);
        if (end == std::string_view::npos) end = raw_query.size();
        const std::string_view piece = raw_query.substr(start, end - start);
        if (!piece.empty()) {
            const std::size_t eq = piece.find('=');
            const std::string_view name = piece.substr(0, eq);
            const std::string_view value = eq == std::string_view::npos ? std::string_view() : piece.substr(eq + 1);
            params.emplace_back(uri_encode(percent_decode(name, true), true),
                                uri_encode(percent_decode(value, true), true));
        }
        start = end + 1;
    }
    std::sort(params.begin(), params.end());
    std::string out;
    for (const auto& [name, value] : params) {
        if (!out.empty()) out += '&';
        out += name;
        out += '=';
        out += value;
    }
    return out;
}

std::string canonical_uri(std::string_view path) {
    if (path.empty()) return "/";
    std::string out;
    out.reserve(path.size());
    std::size_t start = 0;
    while (true) {
        const std::size_t slash = path.find('/', start);
        const std::string_view segment =
            path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
        out += uri_encode(percent_decode(segment, false), true);
        if (slash == std::string_view::npos) break;
        out += '/';
        start = slash + 1;
    }
    return out;
}

std::string signed_headers(const request& r) {
    std::string out;
    for (const auto& [name, value] : canonical_headers(r)) {
        if (!out.empty()) out += ';';
        out += name;
    }
    return out;
}

std::string canonical_request(const request& r) {
    const auto headers = canonical_headers(r);
    std::string out = r.method;
    out += '\n';
    out += canonical_uri(r.path);
    out += '\n';
    out += canonical_query(r.query);
    out += '\n';
    std::string names;
    for (const auto& [name, value] : headers) {
        out += name;
        out += ':';
        out += value;
        out += '\n';
        if (!names.empty()) names += ';';
        names += name;
    }
    out += '\n';
    out += names;
    out += '\n';
    out += r.payload_sha256;
    return out;
}

// ---- Signing -----------------------------------------------------------------------------

std::string credential_scope(std::string_view amz_date, std::string_view region, std::string_view service) {
    std::string out = date_of(amz_date);
    out += '/';
    out += region;
    out += '/';
    out += service;
    out += "/aws4_request";
    return out;
}

std::string string_to_sign(const request& r, std::string_view amz_date, std::string_view region,
                           std::string_view service) {
    std::string out = "AWS4-HMAC-SHA256\n";
    out += amz_date;
    out += '\n';
    out += credential_scope(amz_date, region, service);
    out += '\n';
    out += sha256_hex(canonical_request(r));
    return out;
}

std::string signing_key(std::string_view secret_key, std::string_view amz_date, std::string_view region,
                        std::string_view service) {
    secret_string k_secret;
    k_secret.bytes.reserve(4 + secret_key.size());
    k_secret.bytes = "AWS4";
    k_secret.bytes += secret_key;
    const secret_string k_date(hmac_sha256(k_secret.bytes, date_of(amz_date)));
    const secret_string k_region(hmac_sha256(k_date.bytes, region));
    const secret_string k_service(hmac_sha256(k_region.bytes, service));
    return hmac_sha256(k_service.bytes, "aws4_request");
}

std::string signature(const request& r, std::string_view secret_key, std::string_view amz_date,
                      std::string_view region, std::string_view service) {
    const secret_string key(signing_key(secret_key, amz_date, region, service));
    return to_hex(hmac_sha256(key.bytes, string_to_sign(r, amz_date, region, service)));
}

std::string authorization(const request& r, std::string_view access_key, std::string_view secret_key,
                          std::string_view amz_date, std::string_view region, std::string_view service) {
    std::string out = "AWS4-HMAC-SHA256 Credential=";
    out += access_key;
    out += '/';
    out += credential_scope(amz_date, region, service);
    out += ", SignedHeaders=";
    out += signed_headers(r);
    out += ", Signature=";
    out += signature(r, secret_key, amz_date, region, service);
    return out;
}

}  // namespace sigv4
}  // namespace detail
}  // namespace lazyscribe
