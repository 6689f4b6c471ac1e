#pragma once
// lazyscribe::s3's HTTP transport: one libcurl easy handle per thread (kept, so that its
// connections are reused), reset before each request. Internal to src/s3/: no curl type leaks
// out of this header. It never turns on curl's verbose output, so no header (Authorization,
// x-amz-security-token) is ever printed.

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lazyscribe::detail::s3http {

struct header {
    std::string name;  // lowercase in responses
    std::string value;
};

/// How to connect: TLS verification (on unless asked off), a CA bundle, timeouts (0: none).
struct transfer_options {
    bool verify_tls = true;
    std::string ca_bundle;
    std::chrono::milliseconds connect_timeout{0};
    std::chrono::milliseconds request_timeout{0};
};

struct request {
    std::string method;  // GET, HEAD, PUT, POST, DELETE
    std::string url;
    std::vector<header> headers;
    std::string_view body;  // sent as is (not copied); PUT and POST always send a Content-Length
};

/// How a request without an HTTP status failed.
enum class transport_failure {
    none,
    not_sent,     // nothing reached the server (connection refused, name not resolved): safe to retry
    maybe_sent,   // a timeout, a reset, an empty reply: the server may have acted on the request
    fatal,        // nothing sent, and retrying cannot help (a refused certificate, a bad URL)
};

struct response {
    long status = 0;  // 0 when the transport failed
    transport_failure failure = transport_failure::none;
    std::string transport_error;  // curl's words for the failure
    std::vector<header> headers;  // of the final response, names lowercase
    std::string body;

    [[nodiscard]] std::optional<std::string> header_value(std::string_view lowercase_name) const;
};

/// Sends `r` on this thread's handle. Never throws for a failed transfer (see response.failure);
/// throws std::bad_alloc and std::runtime_error only when curl itself cannot be set up.
/// `body_sink_reserve` caps how much the response body may reserve ahead from its Content-Length.
response perform(const request& r, const transfer_options& options, std::size_t body_sink_reserve);

}  // namespace lazyscribe::detail::s3http
