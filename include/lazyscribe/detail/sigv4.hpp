#pragma once
/// @file sigv4.hpp
/// @brief AWS Signature Version 4 for S3 requests (the Authorization header), as lazyscribe::s3
/// sends them. Declarations only: the definitions are in src/s3/sigv4.cpp, compiled into
/// lazyscribe::s3 with OpenSSL, so that this header compiles without OpenSSL.
///
/// The steps are separate functions so that each can be checked against AWS's published
/// vectors (tests/unit-s3_sigv4.cpp): canonical request, string to sign, signature, header.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace lazyscribe {
namespace detail {
namespace sigv4 {

/// @brief One HTTP header to sign, as it is sent (any case, untrimmed).
struct header {
    std::string name;
    std::string value;
};

/// @brief What of an HTTP request goes into its signature.
struct request {
    /// @brief "GET", "PUT", ...
    std::string method;
    /// @brief The path as sent, URI-encoded by the caller ("/bucket/a%20b.json").
    std::string path;
    /// @brief The query as sent, without '?' ("uploadId=x&partNumber=1", any order).
    std::string query;
    /// @brief Every header to sign, any case and order; host and x-amz-date among them, and
    /// x-amz-security-token when the credentials have a session token.
    std::vector<header> headers;
    /// @brief Lowercase hex SHA-256 of the body, or "UNSIGNED-PAYLOAD".
    std::string payload_sha256;
};

/// @brief Lowercase hex SHA-256 of `bytes`.
std::string sha256_hex(std::string_view bytes);

/// @brief SHA-256 fed in pieces, for a body that is streamed rather than held whole.
class sha256 {
public:
    sha256();
    ~sha256();
    sha256(sha256&& other) noexcept;
    sha256& operator=(sha256&& other) noexcept;
    sha256(const sha256&) = delete;
    sha256& operator=(const sha256&) = delete;

    /// @brief Adds `bytes` to the digest.
    void update(std::string_view bytes);
    /// @brief Lowercase hex digest of everything added since construction or the previous
    /// hex_digest(); the hasher then starts again, empty.
    std::string hex_digest();

private:
    struct state;  // OpenSSL's context, kept out of this header
    std::unique_ptr<state> state_;
};

/// @brief HMAC-SHA256 of `data` under `key`: the raw 32 bytes.
std::string hmac_sha256(std::string_view key, std::string_view data);

/// @brief URI-encodes as SigV4 asks: A-Z a-z 0-9 - _ . ~ are kept, every other byte becomes
/// %XX (uppercase hex); '/' is kept unless `encode_slash`.
std::string uri_encode(std::string_view text, bool encode_slash);

/// @brief The canonical query string of a raw one: each name and value percent-decoded ('+' as
/// a space, as form encoding and botocore read it) and encoded again with uri_encode, the pairs
/// sorted by name then value, a name without '=' given an empty value ("acl" -> "acl=").
std::string canonical_query(std::string_view raw_query);

/// @brief The canonical URI of a path as S3 wants it: each '/'-separated segment decoded and
/// encoded once with uri_encode, and nothing else; "//" and ".." stay, as S3 keys may hold
/// them (S3 is the one service whose paths are not normalised). An empty path is "/".
std::string canonical_uri(std::string_view path);

/// @brief The signed-headers list: the lowercase names, sorted, ';'-separated.
std::string signed_headers(const request& r);

/// @brief The canonical request: method, canonical URI and query, the headers (names lowercased,
/// values trimmed with inner runs of whitespace made one space, repeated names' values joined
/// with ',' in order, sorted by name), the signed-headers list and the payload hash.
std::string canonical_request(const request& r);

/// @brief The credential scope: "20150830/us-east-1/s3/aws4_request". `amz_date` is the
/// request's x-amz-date ("20150830T123600Z"); its first 8 characters are the date.
std::string credential_scope(std::string_view amz_date, std::string_view region, std::string_view service);

/// @brief The string to sign: algorithm, `amz_date`, credential scope and the canonical
/// request's SHA-256.
std::string string_to_sign(const request& r, std::string_view amz_date, std::string_view region,
                           std::string_view service);

/// @brief The signing key derived from the secret, date, region and service (raw 32 bytes).
std::string signing_key(std::string_view secret_key, std::string_view amz_date, std::string_view region,
                        std::string_view service);

/// @brief The signature, lowercase hex.
std::string signature(const request& r, std::string_view secret_key, std::string_view amz_date,
                      std::string_view region, std::string_view service);

/// @brief The Authorization header's value: "AWS4-HMAC-SHA256 Credential=AKID/20150830/
/// us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=<hex>".
std::string authorization(const request& r, std::string_view access_key, std::string_view secret_key,
                          std::string_view amz_date, std::string_view region, std::string_view service);

}  // namespace sigv4
}  // namespace detail
}  // namespace lazyscribe
