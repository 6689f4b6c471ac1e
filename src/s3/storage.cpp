// lazyscribe::s3: s3_storage, over the HTTP transport (http.hpp) and the SigV4 signer
// (detail/sigv4.hpp). See include/lazyscribe/s3.hpp for what each operation promises.
#include <lazyscribe/s3.hpp>

#include <lazyscribe/detail/sigv4.hpp>

#include "http.hpp"

#include <unistd.h>  // getpid: a forked child seeds its own random numbers

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <climits>
#include <cstring>
#include <ctime>
#include <exception>
#include <limits>
#include <map>
#include <mutex>
#include <random>
#include <streambuf>
#include <thread>
#include <utility>

namespace lazyscribe {

namespace {

namespace http = detail::s3http;
namespace sigv4 = detail::sigv4;

constexpr std::uint64_t mib = std::uint64_t{1} << 20U;
constexpr std::uint64_t min_part_size = 5 * mib;            // S3's smallest part but the last
constexpr std::uint64_t max_single_put = std::uint64_t{5} << 30U;  // S3's largest PutObject and part
constexpr int max_parts = 10000;
constexpr std::size_t small_reserve = std::size_t{1} << 16U;
constexpr auto backoff_base = std::chrono::milliseconds(100);
constexpr auto backoff_cap = std::chrono::milliseconds(5000);
constexpr int max_append_attempts = 16;

// ---- text ------------------------------------------------------------------------------

std::string lowercase(std::string_view text) {
    std::string out(text);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string strip_quotes(std::string etag) {
    if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') etag = etag.substr(1, etag.size() - 2);
    return etag;
}

std::string xml_unescape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '&') {
            out += text[i];
            continue;
        }
        const auto end = text.find(';', i);
        if (end == std::string_view::npos || end - i > 10) {
            out += text[i];
            continue;
        }
        const auto entity = text.substr(i + 1, end - i - 1);
        if (entity == "lt") {
            out += '<';
        } else if (entity == "gt") {
            out += '>';
        } else if (entity == "amp") {
            out += '&';
        } else if (entity == "quot") {
            out += '"';
        } else if (entity == "apos") {
            out += '\'';
        } else if (entity.size() > 1 && entity[0] == '#') {
            const bool hex = entity[1] == 'x' || entity[1] == 'X';
            unsigned long code = 0;
            try {
                code = std::stoul(std::string(entity.substr(hex ? 2 : 1)), nullptr, hex ? 16 : 10);
            } catch (const std::exception&) {
                out += text.substr(i, end - i + 1);
                i = end;
                continue;
            }
            // UTF-8 encoding of the code point.
            if (code < 0x80) {
                out += static_cast<char>(code);
            } else if (code < 0x800) {
                out += static_cast<char>(0xC0 | (code >> 6U));
                out += static_cast<char>(0x80 | (code & 0x3FU));
            } else if (code < 0x10000) {
                out += static_cast<char>(0xE0 | (code >> 12U));
                out += static_cast<char>(0x80 | ((code >> 6U) & 0x3FU));
                out += static_cast<char>(0x80 | (code & 0x3FU));
            } else {
                out += static_cast<char>(0xF0 | ((code >> 18U) & 0x07U));
                out += static_cast<char>(0x80 | ((code >> 12U) & 0x3FU));
                out += static_cast<char>(0x80 | ((code >> 6U) & 0x3FU));
                out += static_cast<char>(0x80 | (code & 0x3FU));
            }
        } else {
            out += text.substr(i, end - i + 1);
        }
        i = end;
    }
    return out;
}

std::string xml_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        switch (c) {
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '&': out += "&amp;"; break;
        case '"': out += "&quot;"; break;
        default: out += c;
        }
    }
    return out;
}

// Every <tag>text</tag> of `body` (the element's text, unescaped), from `from` on.
std::vector<std::string> xml_all(std::string_view body, std::string_view tag) {
    std::vector<std::string> out;
    const std::string open = "<" + std::string(tag) + ">";
    const std::string close = "</" + std::string(tag) + ">";
    std::size_t at = 0;
    while ((at = body.find(open, at)) != std::string_view::npos) {
        const auto start = at + open.size();
        const auto end = body.find(close, start);
        if (end == std::string_view::npos) break;
        out.push_back(xml_unescape(body.substr(start, end - start)));
        at = end + close.size();
    }
    return out;
}

std::optional<std::string> xml_first(std::string_view body, std::string_view tag) {
    const std::string open = "<" + std::string(tag) + ">";
    const std::string close = "</" + std::string(tag) + ">";
    const auto at = body.find(open);
    if (at == std::string_view::npos) return std::nullopt;
    const auto start = at + open.size();
    const auto end = body.find(close, start);
    if (end == std::string_view::npos) return std::nullopt;
    return xml_unescape(body.substr(start, end - start));
}

std::string amz_date_now() {
    const std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    char text[32];
    const auto n = std::strftime(text, sizeof text, "%Y%m%dT%H%M%SZ", &utc);
    return std::string(text, n);
}

// This thread's generator, seeded afresh in each process: a child forked from this one must not
// draw its parent's numbers (nor its siblings'), or children probing one prefix at once would
// share a scratch object and fail each other's probes, and back off in step.
std::mt19937_64& random_generator() {
    thread_local std::mt19937_64 generator{std::random_device{}()};
    thread_local pid_t seeded_in = ::getpid();
    if (seeded_in != ::getpid()) {
        generator.seed(std::random_device{}());
        seeded_in = ::getpid();
    }
    return generator;
}

std::string random_hex(std::size_t bytes) {
    auto& generator = random_generator();
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (std::size_t i = 0; i < bytes; ++i) {
        const auto byte = static_cast<unsigned>(generator() & 0xFFU);
        out += digits[byte >> 4U];
        out += digits[byte & 0xFU];
    }
    return out;
}

void sleep_before_attempt(int attempt) {  // attempt: the one about to be made (2, 3, ...)
    auto& generator = random_generator();
    const int doublings = std::min(attempt - 2, 16);
    const auto ceiling = std::min<std::chrono::milliseconds::rep>(backoff_cap.count(),
                                                                  backoff_base.count() << doublings);
    // Equal jitter: half the ceiling, plus up to the other half at random.
    std::uniform_int_distribution<std::chrono::milliseconds::rep> jitter(0, ceiling / 2);
    std::this_thread::sleep_for(std::chrono::milliseconds(ceiling / 2 + jitter(generator)));
}

// ---- endpoint and objects ----------------------------------------------------------------

struct endpoint {
    std::string scheme;     // "http" or "https"
    std::string authority;  // host[:port], as in the Host header
    std::string base_path;  // "" or "/some/path", no trailing '/'
    [[nodiscard]] std::string display() const { return scheme + "://" + authority + base_path; }
};

endpoint parse_endpoint(const std::string& url) {
    const auto sep = url.find("://");
    if (sep == std::string::npos) {
        throw options_error("s3: the endpoint '" + url + "' is not a URL (http://host:port or https://host)");
    }
    endpoint e;
    e.scheme = lowercase(url.substr(0, sep));
    if (e.scheme != "http" && e.scheme != "https") {
        throw options_error("s3: the endpoint '" + url + "' is neither http:// nor https://");
    }
    std::string rest = url.substr(sep + 3);
    if (rest.find_first_of("?#") != std::string::npos) {
        throw options_error("s3: the endpoint '" + url + "' has a query or fragment");
    }
    const auto slash = rest.find('/');
    e.authority = rest.substr(0, slash);
    if (const auto at = e.authority.rfind('@'); at != std::string::npos) e.authority = e.authority.substr(at + 1);
    if (slash != std::string::npos) e.base_path = rest.substr(slash);
    while (!e.base_path.empty() && e.base_path.back() == '/') e.base_path.pop_back();
    if (e.authority.empty()) throw options_error("s3: the endpoint '" + url + "' names no host");
    return e;
}

struct object {
    std::string bucket;
    std::string key;  // may be empty for bucket-level requests
    [[nodiscard]] std::string uri() const { return "s3://" + bucket + (key.empty() ? "" : "/" + key); }
};

std::string normalised(const std::filesystem::path& file) {
    std::string text = file.generic_string();
    const auto first = text.find_first_not_of('/');
    text = first == std::string::npos ? std::string() : text.substr(first);
    std::string normal = std::filesystem::path(text).lexically_normal().generic_string();
    if (normal == ".") normal.clear();
    return normal;
}

bool escapes(const std::string& normal) { return normal == ".." || normal.rfind("../", 0) == 0; }

// "bucket/key" -> {bucket, key}; nullopt with `why` when it names no object.
std::optional<object> locate(const std::filesystem::path& file, std::string& why) {
    const std::string normal = normalised(file);
    if (normal.empty() || escapes(normal)) {
        why = "'" + file.string() + "' names no S3 object (expected bucket/key)";
        return std::nullopt;
    }
    const auto slash = normal.find('/');
    if (slash == std::string::npos || slash + 1 >= normal.size() || normal.back() == '/') {
        why = "'" + file.string() + "' names a bucket or a folder, not an S3 object (expected bucket/key)";
        return std::nullopt;
    }
    return object{normal.substr(0, slash), normal.substr(slash + 1)};
}

template <class Error>
object locate_or_throw(const std::filesystem::path& file) {
    std::string why;
    auto found = locate(file, why);
    if (!found) throw Error(why);
    return std::move(*found);
}

// "bucket" or "bucket/prefix" -> {bucket, prefix} (prefix without a trailing '/').
object split_bucket_prefix(const std::string& bucket_and_prefix) {
    std::string normal = normalised(bucket_and_prefix);
    while (!normal.empty() && normal.back() == '/') normal.pop_back();
    if (normal.empty() || escapes(normal)) {
        throw path_error("s3: '" + bucket_and_prefix + "' names no bucket (expected bucket or bucket/prefix)");
    }
    const auto slash = normal.find('/');
    if (slash == std::string::npos) return object{normal, {}};
    return object{normal.substr(0, slash), normal.substr(slash + 1)};
}

struct query_param {
    std::string name;
    std::optional<std::string> value;  // nullopt: the name alone ("uploads")
};

bool success(long status) { return status >= 200 && status < 300; }

}  // namespace

// ---- the shared state ----------------------------------------------------------------------

struct s3_storage::impl {
    s3_config config;
    endpoint where;
    bool path_style = true;
    http::transfer_options transfer;
    std::string region;
    std::string access_key;
    std::string secret_key;
    std::string session_token;
    std::uint64_t part_size = 8 * mib;
    std::uint64_t threshold = 8 * mib;
    int max_attempts = 5;
    std::atomic<std::size_t> peak_buffer{0};

    std::mutex probe_mutex;                      // one probe at a time; guards `probes`
    std::map<std::string, probe_result> probes;  // by bucket

    explicit impl(s3_config given) : config(std::move(given)) {
        where = parse_endpoint(config.endpoint_url());
        path_style = config.uses_path_style();
        transfer.verify_tls = config.verify_tls;
        transfer.ca_bundle = config.ca_bundle;
        transfer.connect_timeout = config.connect_timeout;
        transfer.request_timeout = config.request_timeout;
        region = config.region.empty() ? std::string("us-east-1") : config.region;
        if (!config.credentials.empty()) {
            access_key = config.credentials.access_key_id;
            secret_key = config.credentials.secret_access_key;
            session_token = config.credentials.session_token;
        }
        part_size = config.part_size;
        threshold = config.multipart_threshold;
        max_attempts = std::max(1, config.max_attempts);
        if (part_size < min_part_size || part_size > max_single_put) {
            throw options_error("s3: part_size is " + std::to_string(part_size) +
                                " bytes; S3 takes parts of 5 MiB (5242880 bytes) to 5 GiB");
        }
        if (threshold > max_single_put) {
            throw options_error("s3: multipart_threshold is " + std::to_string(threshold) +
                                " bytes; one PutObject takes at most 5 GiB");
        }
    }

    [[nodiscard]] bool anonymous() const { return access_key.empty() || secret_key.empty(); }

    void note_buffer(std::size_t bytes) {
        std::size_t seen = peak_buffer.load(std::memory_order_relaxed);
        while (bytes > seen && !peak_buffer.compare_exchange_weak(seen, bytes, std::memory_order_relaxed)) {
        }
    }

    // No credential ever leaves in a message, whatever a server echoes back.
    [[nodiscard]] std::string redact(std::string text) const {
        for (const std::string* secret : {&secret_key, &session_token, &access_key}) {
            if (secret->size() < 4) continue;
            for (auto at = text.find(*secret); at != std::string::npos; at = text.find(*secret, at)) {
                text.replace(at, secret->size(), "[redacted]");
            }
        }
        return text;
    }

    [[nodiscard]] std::string host_of(const object& o) const {
        return path_style ? where.authority : o.bucket + "." + where.authority;
    }
    [[nodiscard]] std::string path_of(const object& o) const {
        std::string path = where.base_path;
        if (path_style) path += "/" + sigv4::uri_encode(o.bucket, true);
        if (!o.key.empty() || !path_style) path += "/" + sigv4::uri_encode(o.key, false);
        return path;
    }

    struct call {
        const char* operation;  // S3's name: "GetObject"
        std::string method;
        object target;
        std::vector<query_param> query;
        std::vector<http::header> headers;
        std::string_view body;
        bool idempotent = true;
        std::size_t reserve_cap = small_reserve;
    };
    struct outcome {
        http::response response;
        int attempts = 1;
        [[nodiscard]] long status() const { return response.status; }
    };

    [[nodiscard]] outcome send(const call& c) const {
        static const std::string empty_sha256 = sigv4::sha256_hex({});
        const std::string payload = c.body.empty() ? empty_sha256 : sigv4::sha256_hex(c.body);
        std::string query;
        for (const auto& q : c.query) {
            if (!query.empty()) query += '&';
            query += sigv4::uri_encode(q.name, true);
            if (q.value) query += "=" + sigv4::uri_encode(*q.value, true);
        }
        const std::string path = path_of(c.target);
        const std::string host = host_of(c.target);
        http::request r;
        r.method = c.method;
        r.url = where.scheme + "://" + host + path + (query.empty() ? "" : "?" + query);
        r.body = c.body;

        outcome result;
        for (int attempt = 1;; ++attempt) {
            r.headers.clear();
            r.headers.push_back({"Host", host});
            if (!anonymous()) {
                const std::string date = amz_date_now();
                r.headers.push_back({"x-amz-date", date});
                r.headers.push_back({"x-amz-content-sha256", payload});
                if (!session_token.empty()) r.headers.push_back({"x-amz-security-token", session_token});
                for (const auto& h : c.headers) r.headers.push_back(h);
                sigv4::request to_sign;
                to_sign.method = c.method;
                to_sign.path = path;
                to_sign.query = query;
                for (const auto& h : r.headers) to_sign.headers.push_back({h.name, h.value});
                to_sign.payload_sha256 = payload;
                r.headers.push_back(
                    {"Authorization", sigv4::authorization(to_sign, access_key, secret_key, date, region, "s3")});
            } else {
                for (const auto& h : c.headers) r.headers.push_back(h);
            }
            result.response = http::perform(r, transfer, c.reserve_cap);
            result.attempts = attempt;
            if (attempt >= max_attempts || !worth_retrying(result.response, c.idempotent)) return result;
            sleep_before_attempt(attempt + 1);
        }
    }

    static bool worth_retrying(const http::response& r, bool idempotent) {
        switch (r.failure) {
        case http::transport_failure::not_sent: return true;
        case http::transport_failure::maybe_sent: return idempotent;
        case http::transport_failure::fatal: return false;
        case http::transport_failure::none: break;
        }
        if (!idempotent) return false;
        if (r.status == 500 || r.status == 502 || r.status == 503 || r.status == 504 || r.status == 429 ||
            r.status == 408) {
            return true;
        }
        return r.status == 400 && xml_first(r.body, "Code").value_or("") == "RequestTimeout";
    }

    // "GetObject s3://bucket/key at http://host:port: HTTP 403 AccessDenied: Access Denied"
    [[nodiscard]] std::string describe(const call& c, const outcome& o) const {
        std::string text = std::string(c.operation) + " " + c.target.uri() + " at " + where.display() + ": ";
        const auto& r = o.response;
        if (r.status == 0) {
            text += r.transport_error.empty() ? std::string("no answer") : r.transport_error;
        } else {
            text += "HTTP " + std::to_string(r.status);
            const auto code = xml_first(r.body, "Code");
            const auto message = xml_first(r.body, "Message");
            if (code) text += " " + *code;
            if (message && !message->empty()) text += ": " + *message;
            if (!code && c.method == "HEAD") {
                text += r.status == 404 ? " (not found)" : " (HEAD answers carry no error body)";
            }
            if (const auto bucket_region = r.header_value("x-amz-bucket-region");
                bucket_region && *bucket_region != region) {
                text += " (the bucket is in region " + *bucket_region + ", the configuration says " + region + ")";
            }
        }
        if (o.attempts > 1) text += " (after " + std::to_string(o.attempts) + " attempts)";
        return redact(text);
    }

    [[noreturn]] void fail_read(const call& c, const outcome& o) const {
        throw path_error("cannot read: " + describe(c, o));
    }
    [[noreturn]] void fail_write(const call& c, const outcome& o) const {
        throw save_error("cannot write: " + describe(c, o));
    }

    // ---- single requests ----

    // If-Match or If-None-Match for `condition`; `quote` puts the ETag in double quotes (as AWS
    // documents it; Ceph RGW wants it bare: the probe finds out which the store takes).
    static void add_condition(std::vector<http::header>& headers, const std::optional<write_condition>& condition,
                              bool quote) {
        if (!condition) return;
        if (condition->version) {
            headers.push_back({"If-Match", quote ? "\"" + *condition->version + "\"" : *condition->version});
        } else {
            headers.push_back({"If-None-Match", "*"});
        }
    }

    // Whether the bucket's probe found that If-Match wants a quoted ETag (false when unprobed).
    bool quotes_etags(const std::string& bucket) {
        std::lock_guard guard(probe_mutex);
        const auto known = probes.find(bucket);
        return known != probes.end() && known->second.quoted_etags;
    }

    // PutObject under `condition` (none: unconditional, retried as idempotent).
    write_result put(const object& o, const std::optional<write_condition>& condition, std::string_view body,
                     bool quote = false) const {
        call c{"PutObject", "PUT", o, {}, {}, body, !condition.has_value(), small_reserve};
        add_condition(c.headers, condition, quote);
        const auto out = send(c);
        return settle(c, out, condition.has_value(), strip_quotes(out.response.header_value("etag").value_or("")));
    }

    // What a write's answer means: written, condition_failed, outcome_unknown; save_error when
    // the write certainly failed otherwise.
    write_result settle(const call& c, const outcome& out, bool conditional, std::string version) const {
        const auto& r = out.response;
        if (success(r.status) && r.body.find("<Error>") == std::string::npos) {
            return {write_outcome::written, std::move(version), {}};
        }
        if (!conditional) fail_write(c, out);
        const std::string reason = describe(c, out);
        const auto code = xml_first(r.body, "Code").value_or("");
        if (r.status == 412 || r.status == 409) return {write_outcome::condition_failed, {}, reason};
        // If-Match on an object that is gone: it is not that version any more.
        if (r.status == 404 && code == "NoSuchKey") return {write_outcome::condition_failed, {}, reason};
        // 501: the store does not implement the condition; nothing was stored.
        if (r.status == 501) fail_write(c, out);
        if (r.status == 0 && r.failure == http::transport_failure::maybe_sent) {
            return {write_outcome::outcome_unknown, {}, reason};
        }
        if (r.status >= 500 || (success(r.status) && !code.empty())) {
            return {write_outcome::outcome_unknown, {}, reason};
        }
        fail_write(c, out);
    }

    outcome remove(const object& o) const {
        call c{"DeleteObject", "DELETE", o, {}, {}, {}, true, small_reserve};
        auto out = send(c);
        if (success(out.status())) return out;
        if (out.status() == 404 && xml_first(out.response.body, "Code").value_or("NoSuchKey") != "NoSuchBucket") {
            return out;
        }
        fail_write(c, out);
    }

    // ---- multipart ----

    std::string create_upload(const object& o) const {
        call c{"CreateMultipartUpload", "POST", o, {{"uploads", std::nullopt}}, {}, {}, true, small_reserve};
        const auto out = send(c);
        if (!success(out.status())) fail_write(c, out);
        auto id = xml_first(out.response.body, "UploadId");
        if (!id || id->empty()) {
            throw save_error("cannot write: CreateMultipartUpload " + o.uri() + " at " + where.display() +
                             ": the answer has no UploadId");
        }
        return *id;
    }

    std::string upload_part(const object& o, const std::string& upload_id, int number, std::string_view bytes) const {
        call c{"UploadPart",
               "PUT",
               o,
               {{"partNumber", std::to_string(number)}, {"uploadId", upload_id}},
               {},
               bytes,
               true,
               small_reserve};
        const auto out = send(c);
        if (!success(out.status())) fail_write(c, out);
        auto etag = out.response.header_value("etag");
        if (!etag) {
            throw save_error("cannot write: UploadPart " + o.uri() + " part " + std::to_string(number) + " at " +
                             where.display() + ": the answer has no ETag");
        }
        return *etag;
    }

    write_result complete_upload(const object& o, const std::string& upload_id,
                                 const std::vector<std::string>& part_etags,
                                 const std::optional<write_condition>& condition, bool quote = false) const {
        std::string xml = "<CompleteMultipartUpload>";
        for (std::size_t i = 0; i < part_etags.size(); ++i) {
            xml += "<Part><PartNumber>" + std::to_string(i + 1) + "</PartNumber><ETag>" + xml_escape(part_etags[i]) +
                   "</ETag></Part>";
        }
        xml += "</CompleteMultipartUpload>";
        call c{"CompleteMultipartUpload", "POST", o, {{"uploadId", upload_id}}, {}, xml, !condition, small_reserve};
        add_condition(c.headers, condition, quote);
        const auto out = send(c);
        return settle(c, out, condition.has_value(), strip_quotes(xml_first(out.response.body, "ETag").value_or("")));
    }

    // UploadPartCopy: bytes [first, last] of `source`, copied inside the store, become part
    // `number`, provided `source` is still version `source_etag`. nullopt: it is not (412), or
    // it is gone.
    std::optional<std::string> upload_part_copy(const object& o, const std::string& upload_id, int number,
                                                const object& source, const std::string& source_etag,
                                                std::uint64_t first, std::uint64_t last, bool quote) const {
        call c{"UploadPartCopy",
               "PUT",
               o,
               {{"partNumber", std::to_string(number)}, {"uploadId", upload_id}},
               {{"x-amz-copy-source", source.bucket + "/" + sigv4::uri_encode(source.key, false)},
                {"x-amz-copy-source-if-match", quote ? "\"" + source_etag + "\"" : source_etag},
                {"x-amz-copy-source-range", "bytes=" + std::to_string(first) + "-" + std::to_string(last)}},
               {},
               true,
               small_reserve};
        const auto out = send(c);
        const auto code = xml_first(out.response.body, "Code").value_or("");
        if (out.status() == 412 || (out.status() == 404 && code == "NoSuchKey")) return std::nullopt;
        if (!success(out.status()) || !code.empty()) fail_write(c, out);
        auto etag = xml_first(out.response.body, "ETag");
        if (!etag) {
            throw save_error("cannot write: UploadPartCopy " + o.uri() + " part " + std::to_string(number) + " at " +
                             where.display() + ": the answer has no ETag");
        }
        return etag;
    }

    // An object's ETag and size, as HeadObject answers them.
    struct append_state {
        std::string etag;
        std::uint64_t size = 0;
    };

    // HeadObject: the ETag and size, nullopt when there is no such object.
    std::optional<append_state> head(const object& o) const {
        const call c{"HeadObject", "HEAD", o, {}, {}, {}, true, small_reserve};
        const auto out = send(c);
        if (out.status() == 404) return std::nullopt;
        if (!success(out.status())) fail_read(c, out);
        const auto length = out.response.header_value("content-length");
        const auto etag = out.response.header_value("etag");
        if (!length || !etag) throw path_error("cannot read: HeadObject " + o.uri() + " at " + where.display() +
                                               ": the answer has no Content-Length or no ETag");
        return append_state{strip_quotes(*etag), std::stoull(*length)};
    }

    // Appends by a multipart upload whose first parts copy the object inside the store and whose
    // last part is `bytes`: the client sends only the new bytes. The object must be at least
    // min_part_size (S3's smallest part but the last). nullopt: the object is no longer `was`
    // (where the store honours x-amz-copy-source-if-match: Ceph RGW 16 ignores it, measured).
    std::optional<append_state> append_by_copy(const object& o, const append_state& was, std::string_view bytes,
                                               bool quote) const {
        const std::string upload_id = create_upload(o);
        try {
            std::vector<std::string> parts;
            const std::uint64_t copies = (was.size + max_single_put - 1) / max_single_put;  // parts of at most 5 GiB
            const std::uint64_t step = (was.size + copies - 1) / copies;
            for (std::uint64_t first = 0; first < was.size; first += step) {
                const std::uint64_t last = std::min(was.size, first + step) - 1;
                auto etag = upload_part_copy(o, upload_id, static_cast<int>(parts.size() + 1), o, was.etag, first,
                                             last, quote);
                if (!etag) {
                    abort_upload(o, upload_id);
                    return std::nullopt;
                }
                parts.push_back(std::move(*etag));
            }
            parts.push_back(upload_part(o, upload_id, static_cast<int>(parts.size() + 1), bytes));
            // Unconditional: the copies were of version `was`, and a journal has one writer.
            const auto done = complete_upload(o, upload_id, parts, std::nullopt);
            return append_state{done.version, was.size + bytes.size()};  // RGW 16: an empty ETag
        } catch (const error&) {
            abort_upload(o, upload_id);
            // A completion whose answer was lost (then retried: NoSuchUpload) may have appended.
            std::optional<append_state> now;
            try {
                now = head(o);
            } catch (const error&) {  // the first failure is the one to report
            }
            if (now && now->size == was.size + bytes.size()) return now;
            throw;
        }
    }

    void abort_upload(const object& o, const std::string& upload_id) const noexcept {
        try {
            call c{"AbortMultipartUpload", "DELETE", o, {{"uploadId", upload_id}}, {}, {}, true, small_reserve};
            (void)send(c);
        } catch (...) {  // best effort: the failure being reported matters more
        }
    }

    // ---- the probe ----

    probe_result probe(const object& place);
    probe_result probe_once(const std::string& bucket, const std::string& prefix);
};

namespace {

using impl_ptr = std::shared_ptr<s3_storage::impl>;

// ---- writing: a streambuf that sends one PUT, or a multipart upload as parts fill --------

class upload_buffer final : public std::streambuf {
public:
    upload_buffer(impl_ptr owner, object target, std::optional<write_condition> condition, bool multipart_allowed,
                  bool quote = false)
        : owner_(std::move(owner)),
          target_(std::move(target)),
          condition_(std::move(condition)),
          multipart_allowed_(multipart_allowed),
          quote_(quote) {
        const auto cap = multipart_allowed_ ? std::max(multipart_from(), owner_->part_size) : max_single_put;
        max_area_ = static_cast<std::size_t>(cap);
    }
    upload_buffer(const upload_buffer&) = delete;
    upload_buffer& operator=(const upload_buffer&) = delete;
    ~upload_buffer() override { abort(); }

    // Sends what is buffered and ends the upload.
    write_result finish() {
        try {
            std::size_t n = used();
            write_result result;
            if (upload_id_.empty()) {
                result = owner_->put(target_, condition_, std::string_view(area_.data(), n), quote_);
            } else {
                std::size_t offset = 0;
                while (n - offset > 0) {
                    const auto take = static_cast<std::size_t>(std::min<std::uint64_t>(n - offset, owner_->part_size));
                    send_part(std::string_view(area_.data() + offset, take));
                    offset += take;
                }
                result = owner_->complete_upload(target_, upload_id_, part_etags_, condition_, quote_);
                if (result.outcome == write_outcome::written) {
                    upload_id_.clear();  // completed: nothing to abort
                } else if (result.outcome == write_outcome::condition_failed) {
                    abort();
                } else {
                    upload_id_.clear();  // it may have completed: an abort would be wrong either way
                }
            }
            release();
            return result;
        } catch (...) {
            abort();
            throw;
        }
    }

    void abort() noexcept {
        if (!upload_id_.empty()) owner_->abort_upload(target_, upload_id_);
        upload_id_.clear();
        release();
    }

protected:
    int_type overflow(int_type c) override {
        std::size_t n = used();
        if (n == area_.size()) {
            if (upload_id_.empty() && multipart_allowed_ && n >= multipart_from()) {
                upload_id_ = owner_->create_upload(target_);
            }
            if (!upload_id_.empty()) {
                std::size_t offset = 0;
                while (n - offset >= owner_->part_size) {
                    send_part(std::string_view(area_.data() + offset, static_cast<std::size_t>(owner_->part_size)));
                    offset += static_cast<std::size_t>(owner_->part_size);
                }
                if (offset > 0) {
                    std::memmove(area_.data(), area_.data() + offset, n - offset);
                    n -= offset;
                }
            }
            if (n == area_.size()) {
                if (area_.size() >= max_area_) {
                    throw save_error("cannot write " + target_.uri() + ": more than " + std::to_string(max_area_) +
                                     " bytes for one PutObject (S3's limit is 5 GiB)");
                }
                area_.resize(std::min(max_area_, std::max(small_reserve, area_.size() * 2)));
                owner_->note_buffer(area_.size());
            }
            reset_put_area(n);
        }
        if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
        *pptr() = traits_type::to_char_type(c);
        pbump(1);
        return c;
    }
    int sync() override { return 0; }

private:
    [[nodiscard]] std::size_t used() const { return static_cast<std::size_t>(pptr() - pbase()); }
    // A body that reaches multipart_threshold bytes (at least one) goes in parts.
    [[nodiscard]] std::uint64_t multipart_from() const { return std::max<std::uint64_t>(owner_->threshold, 1); }

    void reset_put_area(std::size_t n) {
        setp(area_.data(), area_.data() + area_.size());
        while (n > 0) {
            const auto step = static_cast<int>(std::min<std::size_t>(n, INT_MAX));
            pbump(step);
            n -= static_cast<std::size_t>(step);
        }
    }

    void send_part(std::string_view bytes) {
        if (part_etags_.size() >= static_cast<std::size_t>(max_parts)) {
            throw save_error("cannot write " + target_.uri() + ": more than " + std::to_string(max_parts) +
                             " parts of " + std::to_string(owner_->part_size) + " bytes (raise s3_config::part_size)");
        }
        part_etags_.push_back(
            owner_->upload_part(target_, upload_id_, static_cast<int>(part_etags_.size() + 1), bytes));
    }

    void release() {
        std::string().swap(area_);
        setp(nullptr, nullptr);
    }

    impl_ptr owner_;
    object target_;
    std::optional<write_condition> condition_;
    bool multipart_allowed_;
    bool quote_;
    std::size_t max_area_ = 0;
    std::string area_;  // the put area: [data, data + size)
    std::string upload_id_;
    std::vector<std::string> part_etags_;
};

// Runs `body` into `up`; whatever goes wrong (body throws, an upload fails) aborts the upload.
void run_body(upload_buffer& up, const object& target, const std::function<void(std::ostream&)>& body) {
    std::ostream out(&up);
    out.exceptions(std::ios::badbit);
    try {
        body(out);
        out.flush();
    } catch (...) {
        up.abort();
        throw;
    }
    if (!out) {
        up.abort();
        throw save_error("cannot write " + target.uri() + ": the writer left its stream failed");
    }
}

// ---- reading: a streambuf that fetches ranges -------------------------------------------

class download_buffer final : public std::streambuf {
public:
    download_buffer(impl_ptr owner, object target, std::string etag, std::uint64_t total, std::string first)
        : owner_(std::move(owner)),
          target_(std::move(target)),
          etag_(std::move(etag)),
          total_(total),
          buffer_(std::move(first)) {
        owner_->note_buffer(buffer_.capacity());
        setg(buffer_.data(), buffer_.data(), buffer_.data() + buffer_.size());
    }

protected:
    int_type underflow() override {
        if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
        const std::uint64_t next = start_ + buffer_.size();
        if (next >= total_) return traits_type::eof();
        fetch(next);
        if (gptr() == egptr()) return traits_type::eof();
        return traits_type::to_int_type(*gptr());
    }

    std::streamsize showmanyc() override {
        const std::uint64_t position = start_ + static_cast<std::uint64_t>(gptr() - eback());
        return position >= total_ ? -1 : static_cast<std::streamsize>(total_ - position);
    }

    pos_type seekoff(off_type off, std::ios_base::seekdir dir, std::ios_base::openmode which) override {
        if ((which & std::ios_base::in) == 0) return pos_type(off_type(-1));
        const auto position = static_cast<off_type>(start_) + static_cast<off_type>(gptr() - eback());
        off_type target = off;
        if (dir == std::ios_base::cur) target += position;
        if (dir == std::ios_base::end) target += static_cast<off_type>(total_);
        return seek_to(target);
    }
    pos_type seekpos(pos_type pos, std::ios_base::openmode which) override {
        if ((which & std::ios_base::in) == 0) return pos_type(off_type(-1));
        return seek_to(off_type(pos));
    }

private:
    pos_type seek_to(off_type target) {
        if (target < 0 || static_cast<std::uint64_t>(target) > total_) return pos_type(off_type(-1));
        const auto t = static_cast<std::uint64_t>(target);
        if (t >= start_ && t <= start_ + buffer_.size()) {
            setg(eback(), eback() + (t - start_), egptr());
        } else {
            buffer_.clear();
            start_ = t;
            setg(buffer_.data(), buffer_.data(), buffer_.data());
        }
        return pos_type(target);
    }

    void fetch(std::uint64_t offset) {
        const std::uint64_t last = std::min(total_, offset + owner_->part_size) - 1;
        std::string().swap(buffer_);  // the old range goes before the new one comes
        setg(nullptr, nullptr, nullptr);
        start_ = offset;
        s3_storage::impl::call c{"GetObject",
                                 "GET",
                                 target_,
                                 {},
                                 {{"Range", "bytes=" + std::to_string(offset) + "-" + std::to_string(last)},
                                  {"If-Match", quoted_ ? "\"" + etag_ + "\"" : etag_}},
                                 {},
                                 true,
                                 static_cast<std::size_t>(last - offset + 1)};
        auto out = owner_->send(c);
        if (out.status() == 412 && !quoted_) {  // a store that takes the ETag only in double quotes?
            c.headers.back().value = "\"" + etag_ + "\"";
            out = owner_->send(c);
            quoted_ = out.status() != 412;
        }
        const auto status = out.status();
        if (status == 412) {
            throw path_error("cannot read " + target_.uri() + ": the object changed while it was read (its ETag is no longer " +
                             etag_ + "); open it again");
        }
        if (status == 404) throw path_error("cannot read " + target_.uri() + ": the object was removed while it was read");
        if (status == 206) {
            buffer_ = std::move(out.response.body);
            if (buffer_.size() != last - offset + 1) {
                throw path_error("cannot read " + target_.uri() + ": asked for bytes " + std::to_string(offset) + "-" +
                                 std::to_string(last) + ", got " + std::to_string(buffer_.size()));
            }
        } else if (status == 200) {  // the server ignored Range: the whole object came
            buffer_ = std::move(out.response.body);
            if (buffer_.size() != total_) {
                throw path_error("cannot read " + target_.uri() + ": the object changed while it was read");
            }
            start_ = 0;
            owner_->note_buffer(buffer_.capacity());
            setg(buffer_.data(), buffer_.data() + offset, buffer_.data() + buffer_.size());
            return;
        } else {
            owner_->fail_read(c, out);
        }
        owner_->note_buffer(buffer_.capacity());
        setg(buffer_.data(), buffer_.data(), buffer_.data() + buffer_.size());
    }

    impl_ptr owner_;
    object target_;
    std::string etag_;
    std::uint64_t total_;
    std::uint64_t start_ = 0;  // the object offset of buffer_[0]
    std::string buffer_;
    bool quoted_ = false;  // If-Match goes in double quotes (found on the first 412)
};

class owning_istream final : public std::istream {
public:
    explicit owning_istream(std::unique_ptr<std::streambuf> buffer)
        : std::istream(buffer.get()), buffer_(std::move(buffer)) {
        exceptions(std::ios::badbit);  // a failed range surfaces as the path_error it is
    }

private:
    std::unique_ptr<std::streambuf> buffer_;
};

std::optional<std::uint64_t> total_from_content_range(const std::string& value) {
    const auto slash = value.rfind('/');
    if (slash == std::string::npos || slash + 1 >= value.size() || value[slash + 1] == '*') return std::nullopt;
    try {
        return std::stoull(value.substr(slash + 1));
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

std::string parent_prefix(const std::string& key) {
    const auto slash = key.rfind('/');
    return slash == std::string::npos ? std::string() : key.substr(0, slash);
}

}  // namespace

// ---- the probe -------------------------------------------------------------------------------

probe_result s3_storage::impl::probe(const object& place) {
    std::lock_guard guard(probe_mutex);
    if (const auto known = probes.find(place.bucket); known != probes.end()) return known->second;
    auto result = probe_once(place.bucket, place.key);
    probes.insert_or_assign(place.bucket, result);
    return result;
}

probe_result s3_storage::impl::probe_once(const std::string& bucket, const std::string& prefix) {
    const object scratch{bucket, (prefix.empty() ? std::string() : prefix + "/") + ".lazyscribe-probe-" + random_hex(8)};
    probe_result result;
    const auto check = [&](const write_result& got, write_outcome wanted, const std::string& failure) {
        if (got.outcome == wanted) return true;
        if (got.outcome == write_outcome::outcome_unknown) {
            throw save_error("cannot check conditional writes at " + where.display() + " with " + scratch.uri() + ": " +
                             got.reason);
        }
        result.failed_check = failure + (got.reason.empty() ? std::string() : " (" + got.reason + ")");
        return false;
    };
    struct cleanup {
        const impl* self;
        const object* target;
        ~cleanup() {
            try {
                (void)self->remove(*target);
            } catch (...) {  // a scratch object left behind is harmless
            }
        }
    } remove_scratch{this, &scratch};

    const auto created = put(scratch, write_condition::create_only(), "lazyscribe probe 1");
    if (!check(created, write_outcome::written, "the store refused a create-only PUT (If-None-Match: *) of a new object")) {
        return result;
    }
    std::string current = created.version;
    const auto again = put(scratch, write_condition::create_only(), "lazyscribe probe 2");
    if (again.outcome == write_outcome::written) current = again.version;
    if (!check(again, write_outcome::condition_failed, "the store ignored If-None-Match: *")) return result;
    const auto stale = put(scratch, write_condition::replace("0123456789abcdef0123456789abcdef"), "lazyscribe probe 3");
    if (stale.outcome == write_outcome::written) current = stale.version;
    if (!check(stale, write_outcome::condition_failed, "the store ignored If-Match with a wrong ETag")) return result;
    auto matched = put(scratch, write_condition::replace(current), "lazyscribe probe 4");
    if (matched.outcome == write_outcome::condition_failed) {  // perhaps only in double quotes
        matched = put(scratch, write_condition::replace(current), "lazyscribe probe 4", true);
        result.quoted_etags = matched.outcome == write_outcome::written;
    }
    if (!check(matched, write_outcome::written,
               "the store refused If-Match with the object's current ETag, bare and in double quotes")) {
        return result;
    }
    result.passed = true;

    // Does CompleteMultipartUpload honour If-None-Match? The object exists, so it must refuse.
    const std::string upload_id = create_upload(scratch);
    try {
        const auto part = upload_part(scratch, upload_id, 1, "lazyscribe probe 5");
        const auto completed =
            complete_upload(scratch, upload_id, {part}, write_condition::create_only(), result.quoted_etags);
        result.multipart_conditions = completed.outcome == write_outcome::condition_failed;
        if (completed.outcome != write_outcome::written) abort_upload(scratch, upload_id);
    } catch (...) {
        abort_upload(scratch, upload_id);
        result.multipart_conditions = false;
    }
    return result;
}

// ---- s3_storage ------------------------------------------------------------------------------

s3_storage::s3_storage(s3_config config) : impl_(std::make_shared<impl>(std::move(config))) {}
s3_storage::~s3_storage() = default;

const s3_config& s3_storage::config() const noexcept { return impl_->config; }
std::size_t s3_storage::peak_stream_buffer() const noexcept { return impl_->peak_buffer.load(); }

versioned_bytes s3_storage::read_versioned(const std::filesystem::path& file) {
    const auto target = locate_or_throw<path_error>(file);
    const impl::call c{"GetObject", "GET", target, {}, {}, {}, true, static_cast<std::size_t>(max_file_bytes)};
    auto out = impl_->send(c);
    if (out.status() == 404 && xml_first(out.response.body, "Code").value_or("NoSuchKey") != "NoSuchBucket") {
        return {std::nullopt, {}};
    }
    if (out.status() != 200) impl_->fail_read(c, out);
    auto version = strip_quotes(out.response.header_value("etag").value_or(""));
    return {std::move(out.response.body), std::move(version)};
}

std::optional<std::string> s3_storage::read(const std::filesystem::path& file) { return read_versioned(file).bytes; }

std::unique_ptr<std::istream> s3_storage::open(const std::filesystem::path& file, bool) {
    const auto target = locate_or_throw<path_error>(file);
    const auto chunk = impl_->part_size;
    for (int attempt = 0; attempt < 3; ++attempt) {
        const impl::call c{"GetObject",
                           "GET",
                           target,
                           {},
                           {{"Range", "bytes=0-" + std::to_string(chunk - 1)}},
                           {},
                           true,
                           static_cast<std::size_t>(chunk)};
        auto out = impl_->send(c);
        const auto status = out.status();
        if (status == 404 && xml_first(out.response.body, "Code").value_or("NoSuchKey") != "NoSuchBucket") {
            return nullptr;
        }
        auto etag = strip_quotes(out.response.header_value("etag").value_or(""));
        if (status == 206) {
            const auto total = total_from_content_range(out.response.header_value("content-range").value_or(""));
            if (!total) {
                throw path_error("cannot read " + target.uri() + ": a ranged GetObject answered without a total size");
            }
            return std::make_unique<owning_istream>(
                std::make_unique<download_buffer>(impl_, target, std::move(etag), *total, std::move(out.response.body)));
        }
        if (status == 200) {  // a server that ignores Range: it sent the whole object
            const auto total = out.response.body.size();
            return std::make_unique<owning_istream>(
                std::make_unique<download_buffer>(impl_, target, std::move(etag), total, std::move(out.response.body)));
        }
        if (status == 416) {  // an empty object has no byte 0: ask what it is
            const impl::call head{"HeadObject", "HEAD", target, {}, {}, {}, true, small_reserve};
            auto h = impl_->send(head);
            if (h.status() == 404) return nullptr;
            if (h.status() != 200) impl_->fail_read(head, h);
            if (h.response.header_value("content-length").value_or("") == "0") {
                return std::make_unique<owning_istream>(std::make_unique<download_buffer>(
                    impl_, target, strip_quotes(h.response.header_value("etag").value_or("")), 0, std::string()));
            }
            continue;  // replaced meanwhile by a non-empty object: start again
        }
        impl_->fail_read(c, out);
    }
    throw path_error("cannot read " + target.uri() + ": the object kept changing while it was opened");
}

void s3_storage::write(const std::filesystem::path& file, bool, const std::function<void(std::ostream&)>& body,
                       bool) {
    auto target = locate_or_throw<save_error>(file);
    upload_buffer up(impl_, target, std::nullopt, true);
    run_body(up, target, body);
    (void)up.finish();
}

write_result s3_storage::write_if(const std::filesystem::path& file, const write_condition& condition, bool,
                                  const std::function<void(std::ostream&)>& body, bool) {
    auto target = locate_or_throw<save_error>(file);
    bool multipart = false;
    bool quote = false;
    if (impl_->config.probe_conditional_writes) {
        const auto probed = impl_->probe(object{target.bucket, parent_prefix(target.key)});
        if (!probed.passed) {
            throw save_error("cannot save " + target.uri() + " safely: bucket " + target.bucket + " at " +
                             impl_->where.display() + " failed lazyscribe's conditional-write check: " +
                             probed.failed_check +
                             " — lazyscribe cannot guarantee that concurrent saves lose nothing; see docs/storage.md "
                             "(s3_config::probe_conditional_writes = false trusts the store)");
        }
        multipart = probed.multipart_conditions;
        quote = probed.quoted_etags;
    }
    upload_buffer up(impl_, target, condition, multipart, quote);
    run_body(up, target, body);
    return up.finish();
}

bool s3_storage::exists(const std::filesystem::path& file) {
    const auto target = locate_or_throw<path_error>(file);
    const impl::call c{"HeadObject", "HEAD", target, {}, {}, {}, true, small_reserve};
    const auto out = impl_->send(c);
    if (success(out.status())) return true;
    if (out.status() == 404) return false;
    impl_->fail_read(c, out);
}

std::optional<std::uintmax_t> s3_storage::size(const std::filesystem::path& file) {
    const auto target = locate_or_throw<path_error>(file);
    const impl::call c{"HeadObject", "HEAD", target, {}, {}, {}, true, small_reserve};
    const auto out = impl_->send(c);
    if (out.status() == 404) return std::nullopt;
    if (!success(out.status())) impl_->fail_read(c, out);
    const auto length = out.response.header_value("content-length");
    if (!length) return std::nullopt;
    try {
        return static_cast<std::uintmax_t>(std::stoull(*length));
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

void s3_storage::remove(const std::filesystem::path& file) {
    (void)impl_->remove(locate_or_throw<save_error>(file));
}

void s3_storage::append(const std::filesystem::path& file, std::string_view bytes, bool) {
    if (bytes.empty()) return;  // a finished write on S3 is durable: nothing to make durable
    const auto target = locate_or_throw<save_error>(file);
    const bool quote = impl_->quotes_etags(target.bucket);
    std::string last_reason;
    for (int attempt = 1; attempt <= max_append_attempts; ++attempt) {
        // From min_part_size on, the store copies the object into a new one ending in `bytes`.
        // The HEAD comes first every time: a store may ignore the copy's condition (Ceph RGW 16
        // does), so the size it copies must be the object's now. A journal has one writer.
        std::optional<impl::append_state> known;
        try {
            known = impl_->head(target);
        } catch (const error& e) {
            throw save_error(std::string("cannot append: ") + e.what());
        }
        if (known && known->size >= min_part_size) {
            if (impl_->append_by_copy(target, *known, bytes, quote)) return;
            last_reason = "UploadPartCopy " + target.uri() + ": the object changed while being appended to";
            continue;
        }
        // Smaller: read it whole and write it back with If-Match (or create-only).
        versioned_bytes current;
        try {
            current = read_versioned(file);
        } catch (const error& e) {
            throw save_error(std::string("cannot append: ") + e.what());
        }
        std::string joined = current.bytes ? std::move(*current.bytes) : std::string();
        const std::size_t before = joined.size();
        joined.append(bytes);
        const auto condition =
            current.bytes ? write_condition::replace(current.version) : write_condition::create_only();
        const auto result = impl_->put(target, condition, joined, quote);
        if (result.outcome == write_outcome::written) return;
        if (result.outcome == write_outcome::outcome_unknown) {
            std::optional<std::string> now;
            try {
                now = read(file);
            } catch (const error& e) {
                throw save_error("cannot append to " + target.uri() + ": the write's outcome is unknown (" +
                                 result.reason + ") and reading it back failed: " + e.what());
            }
            if (now && *now == joined) return;
            if (!(now ? now->size() == before && std::string_view(joined).substr(0, before) == *now : before == 0)) {
                throw save_error("cannot append to " + target.uri() + ": the write's outcome is unknown (" +
                                 result.reason + ") and the object now holds other bytes");
            }
        }
        last_reason = result.reason;
        if (attempt < max_append_attempts) sleep_before_attempt(std::min(attempt + 1, 4));
    }
    throw save_error("cannot append to " + target.uri() + ": " + std::to_string(max_append_attempts) +
                     " attempts, each overtaken by another writer (last: " + last_reason + ")");
}

std::shared_ptr<void> s3_storage::lock(const std::filesystem::path&) { return {}; }

bool s3_storage::conditional_writes() const { return true; }

std::string s3_storage::display_name(const std::filesystem::path& file) const { return "s3://" + file.generic_string(); }

void s3_storage::check_inside(const std::filesystem::path& root, const std::filesystem::path& file) {
    std::string r = normalised(root);
    while (!r.empty() && r.back() == '/') r.pop_back();
    const std::string f = normalised(file);
    const bool inside = !escapes(f) && !escapes(r) &&
                        (r.empty() || f == r || (f.size() > r.size() && f.compare(0, r.size(), r) == 0 && f[r.size()] == '/'));
    if (!inside) {
        throw format_error("file: s3://" + f + " lies outside s3://" + r + " (" + file.string() + ")");
    }
}

probe_result s3_storage::probe_conditional_writes(const std::string& bucket_and_prefix) {
    const auto place = split_bucket_prefix(bucket_and_prefix);
    std::lock_guard guard(impl_->probe_mutex);
    auto result = impl_->probe_once(place.bucket, place.key);
    impl_->probes.insert_or_assign(place.bucket, result);
    return result;
}

std::vector<std::string> s3_storage::list(const std::string& bucket_and_prefix) {
    const auto place = split_bucket_prefix(bucket_and_prefix);
    const object bucket{place.bucket, {}};
    const std::string prefix = place.key.empty() ? std::string() : place.key + "/";
    std::vector<std::string> keys;
    std::optional<std::string> token;
    for (;;) {
        impl::call c{"ListObjectsV2", "GET", bucket, {{"list-type", "2"}, {"prefix", prefix}}, {}, {}, true,
                     small_reserve};
        if (token) c.query.push_back({"continuation-token", *token});
        const auto out = impl_->send(c);
        if (out.status() != 200) impl_->fail_read(c, out);
        for (auto& key : xml_all(out.response.body, "Key")) keys.push_back(place.bucket + "/" + key);
        if (xml_first(out.response.body, "IsTruncated").value_or("false") != "true") break;
        token = xml_first(out.response.body, "NextContinuationToken");
        if (!token || token->empty()) break;
    }
    return keys;
}

std::vector<std::string> s3_storage::list_uploads(const std::string& bucket_and_prefix) {
    const auto place = split_bucket_prefix(bucket_and_prefix);
    const object bucket{place.bucket, {}};
    const std::string prefix = place.key.empty() ? std::string() : place.key + "/";
    std::vector<std::string> keys;
    std::optional<std::string> key_marker;
    std::optional<std::string> id_marker;
    for (;;) {
        impl::call c{"ListMultipartUploads", "GET", bucket, {{"uploads", std::nullopt}, {"prefix", prefix}}, {}, {},
                     true, small_reserve};
        if (key_marker) c.query.push_back({"key-marker", *key_marker});
        if (id_marker) c.query.push_back({"upload-id-marker", *id_marker});
        const auto out = impl_->send(c);
        if (out.status() != 200) impl_->fail_read(c, out);
        for (auto& key : xml_all(out.response.body, "Key")) keys.push_back(place.bucket + "/" + key);
        if (xml_first(out.response.body, "IsTruncated").value_or("false") != "true") break;
        key_marker = xml_first(out.response.body, "NextKeyMarker");
        id_marker = xml_first(out.response.body, "NextUploadIdMarker");
        if (!key_marker || key_marker->empty()) break;
    }
    return keys;
}

// ---- registration ------------------------------------------------------------------------

void register_s3(s3_config config) {
    auto shared = std::make_shared<const s3_config>(std::move(config));
    register_protocol("s3", [shared] { return std::make_shared<s3_storage>(*shared); });
}

bool detail::register_s3_from_environment_if_unregistered() {
    auto& registry = detail::protocols();
    std::lock_guard guard(registry.mutex);
    if (registry.factories.find("s3") == registry.factories.end()) {
        registry.factories.emplace("s3", [] { return std::make_shared<s3_storage>(s3_config::from_environment()); });
    }
    return true;
}

}  // namespace lazyscribe
