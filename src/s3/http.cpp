// lazyscribe::s3's HTTP transport over libcurl (see http.hpp).
#include "http.hpp"

#include <curl/curl.h>
#include <unistd.h>  // getpid: a forked child makes handles of its own

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <mutex>
#include <new>
#include <stdexcept>
#include <utility>

namespace lazyscribe::detail::s3http {

namespace {

void global_init() {
    static std::once_flag once;
    std::call_once(once, [] {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
            throw std::runtime_error("lazyscribe::s3: curl_global_init failed");
        }
    });
}

// This thread's easy handle: kept for the thread's life so that its connection cache (keep-alive,
// TLS sessions) serves every request the thread sends, whichever s3_storage sends it.
//
// A process forked from this one inherits the handle, and with it the parent's open connections:
// parent and children would then send requests down one socket and read each other's answers (a
// 412 taken for a 200, say). So the handle belongs to the process that made it, and a forked
// child makes its own at its first request. The inherited one is left as it is, never cleaned up:
// that could write to the parent's connections (a TLS close_notify); its memory and descriptors
// are the child's cost, once per thread that forked.
class thread_handle {
public:
    thread_handle() {
        global_init();
        open();
    }
    ~thread_handle() {
        if (owner_ == ::getpid()) curl_easy_cleanup(handle_);
    }
    thread_handle(const thread_handle&) = delete;
    thread_handle& operator=(const thread_handle&) = delete;
    [[nodiscard]] CURL* get() {
        if (owner_ != ::getpid()) open();  // forked since: the inherited handle stays the parent's
        return handle_;
    }

private:
    void open() {
        handle_ = curl_easy_init();
        if (handle_ == nullptr) throw std::runtime_error("lazyscribe::s3: curl_easy_init failed");
        owner_ = ::getpid();
    }
    CURL* handle_ = nullptr;
    pid_t owner_ = 0;
};

CURL* this_thread_handle() {
    thread_local thread_handle handle;
    return handle.get();
}

class header_list {
public:
    header_list() = default;
    ~header_list() { curl_slist_free_all(list_); }
    header_list(const header_list&) = delete;
    header_list& operator=(const header_list&) = delete;
    void add(const std::string& line) {
        curl_slist* grown = curl_slist_append(list_, line.c_str());
        if (grown == nullptr) throw std::bad_alloc();
        list_ = grown;
    }
    [[nodiscard]] curl_slist* get() const noexcept { return list_; }

private:
    curl_slist* list_ = nullptr;
};

struct sink {
    response* out;
    std::size_t reserve_cap;
};

std::string lowercase(std::string_view text) {
    std::string out(text);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r' || text.back() == '\n')) {
        text.remove_suffix(1);
    }
    return text;
}

extern "C" std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
    auto* s = static_cast<sink*>(user);
    const std::size_t bytes = size * count;
    try {
        const std::string_view line(data, bytes);
        if (line.rfind("HTTP/", 0) == 0) {  // a new response (after a 100 Continue): its headers only
            s->out->headers.clear();
            s->out->body.clear();
            return bytes;
        }
        const auto colon = line.find(':');
        if (colon == std::string_view::npos) return bytes;
        header h{lowercase(trim(line.substr(0, colon))), std::string(trim(line.substr(colon + 1)))};
        if (h.name == "content-length") {
            char* end = nullptr;
            const unsigned long long length = std::strtoull(h.value.c_str(), &end, 10);
            if (end != h.value.c_str()) s->out->body.reserve(static_cast<std::size_t>(std::min<unsigned long long>(length, s->reserve_cap)));
        }
        s->out->headers.push_back(std::move(h));
        return bytes;
    } catch (...) {
        return 0;  // curl fails the transfer (CURLE_WRITE_ERROR)
    }
}

extern "C" std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
    auto* s = static_cast<sink*>(user);
    const std::size_t bytes = size * count;
    try {
        s->out->body.append(data, bytes);
        return bytes;
    } catch (...) {
        return 0;
    }
}

transport_failure classify(CURLcode code, CURL* handle) {
    switch (code) {
    case CURLE_OK:
        return transport_failure::none;
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
        return transport_failure::not_sent;
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_CIPHER:
        return transport_failure::fatal;
    case CURLE_OPERATION_TIMEDOUT: {
        long request_bytes = 0;  // none sent: the connection itself timed out
        if (curl_easy_getinfo(handle, CURLINFO_REQUEST_SIZE, &request_bytes) == CURLE_OK && request_bytes == 0) {
            return transport_failure::not_sent;
        }
        return transport_failure::maybe_sent;
    }
    default:
        return transport_failure::maybe_sent;
    }
}

template <class T>
void set(CURL* handle, CURLoption option, T value) {
    if (const CURLcode code = curl_easy_setopt(handle, option, value); code != CURLE_OK) {
        throw std::runtime_error(std::string("lazyscribe::s3: curl_easy_setopt failed: ") + curl_easy_strerror(code));
    }
}

}  // namespace

std::optional<std::string> response::header_value(std::string_view lowercase_name) const {
    for (const auto& h : headers) {
        if (h.name == lowercase_name) return h.value;
    }
    return std::nullopt;
}

response perform(const request& r, const transfer_options& options, std::size_t body_sink_reserve) {
    CURL* handle = this_thread_handle();
    curl_easy_reset(handle);  // keeps the connection cache

    response out;
    sink s{&out, body_sink_reserve};
    char error_text[CURL_ERROR_SIZE] = {};
    header_list headers;
    for (const auto& h : r.headers) headers.add(h.name + ": " + h.value);
    headers.add("Expect:");  // no 100-continue round trip before a body

    set(handle, CURLOPT_URL, r.url.c_str());
    set(handle, CURLOPT_NOSIGNAL, 1L);
#if LIBCURL_VERSION_NUM >= 0x075500
    set(handle, CURLOPT_PROTOCOLS_STR, "http,https");
#else
    set(handle, CURLOPT_PROTOCOLS, static_cast<long>(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    set(handle, CURLOPT_FOLLOWLOCATION, 0L);
    set(handle, CURLOPT_TCP_KEEPALIVE, 1L);
    set(handle, CURLOPT_ERRORBUFFER, error_text);
    set(handle, CURLOPT_HEADERFUNCTION, &on_header);
    set(handle, CURLOPT_HEADERDATA, static_cast<void*>(&s));
    set(handle, CURLOPT_WRITEFUNCTION, &on_body);
    set(handle, CURLOPT_WRITEDATA, static_cast<void*>(&s));
    set(handle, CURLOPT_SSL_VERIFYPEER, options.verify_tls ? 1L : 0L);
    set(handle, CURLOPT_SSL_VERIFYHOST, options.verify_tls ? 2L : 0L);
    if (!options.ca_bundle.empty()) set(handle, CURLOPT_CAINFO, options.ca_bundle.c_str());
    if (options.connect_timeout.count() > 0) {
        set(handle, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options.connect_timeout.count()));
    }
    if (options.request_timeout.count() > 0) {
        set(handle, CURLOPT_TIMEOUT_MS, static_cast<long>(options.request_timeout.count()));
    }

    if (r.method == "GET") {
        set(handle, CURLOPT_HTTPGET, 1L);
    } else if (r.method == "HEAD") {
        set(handle, CURLOPT_NOBODY, 1L);
    } else if (r.method == "PUT" || r.method == "POST") {
        headers.add("Content-Type:");  // not curl's form type (S3 stores what it is given)
        set(handle, CURLOPT_POST, 1L);
        set(handle, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
        set(handle, CURLOPT_POSTFIELDS, r.body.empty() ? "" : r.body.data());
        if (r.method == "PUT") set(handle, CURLOPT_CUSTOMREQUEST, "PUT");
    } else {
        set(handle, CURLOPT_CUSTOMREQUEST, r.method.c_str());
    }
    set(handle, CURLOPT_HTTPHEADER, headers.get());

    const CURLcode code = curl_easy_perform(handle);
    if (code != CURLE_OK) {
        out.failure = classify(code, handle);
        // curl's detail ("Failed to connect to 127.0.0.1 port 1 after 0 ms: Couldn't connect to
        // server") when it names the failure, else the failure with the detail after it.
        const std::string failure = curl_easy_strerror(code);
        const std::string detail = error_text;
        if (detail.find(failure) != std::string::npos) {
            out.transport_error = detail;
        } else if (!detail.empty()) {
            out.transport_error = failure + " (" + detail + ")";
        } else {
            out.transport_error = failure;
        }
        out.status = 0;
        out.body.clear();
        out.body.shrink_to_fit();
    } else {
        long status = 0;
        curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status);
        out.status = status;
    }
    // Nothing of this request stays on the handle: the header list dies here.
    set(handle, CURLOPT_HTTPHEADER, static_cast<curl_slist*>(nullptr));
    set(handle, CURLOPT_ERRORBUFFER, static_cast<char*>(nullptr));
    return out;
}

}  // namespace lazyscribe::detail::s3http
