#include "summary.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <filesystem>
#include <optional>
#include <string_view>
#include <thread>
#include <utility>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <lazyscribe/detail/pyjson_parser.hpp>
#include <lazyscribe/detail/slugify.hpp>
#include <lazyscribe/detail/user.hpp>

#include "support.hpp"

namespace lazyscribe::cli {

namespace {

namespace pyjson = lazyscribe::detail::pyjson;

// Below this many experiments one thread does it all.
constexpr std::size_t parallel_threshold = 2000;
// Deeper nesting is left to the library's reader (its limit counts the whole file).
constexpr int max_depth = 256;

// The file's bytes. Read, not mapped: a writer truncating the file meanwhile (Python rewrites
// project files in place) must give a parse error, not a SIGBUS.
class file_bytes {
public:
    explicit file_bytes(const std::filesystem::path& path) {
        const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) return;
        struct stat st {};
        if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
            const auto expected = static_cast<std::size_t>(st.st_size);
            data_ = std::make_unique_for_overwrite<char[]>(expected + 1);
            ok_ = true;
            while (size_ < expected) {
                const ::ssize_t n = ::read(fd, data_.get() + size_, expected - size_);
                if (n < 0 && errno == EINTR) continue;
                if (n < 0) ok_ = false;
                if (n <= 0) break;
                size_ += static_cast<std::size_t>(n);
            }
        }
        ::close(fd);
    }
    bool ok() const noexcept { return ok_; }
    std::string_view text() const noexcept { return {data_.get(), size_}; }

private:
    std::unique_ptr<char[]> data_;
    std::size_t size_ = 0;
    bool ok_ = false;
};

bool is_space(char c) noexcept { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

// The byte ranges of the top-level array's elements, each an object; nullopt for anything
// else (the library's reader then says what is wrong).
std::optional<std::vector<std::string_view>> split(std::string_view text) {
    const std::size_t n = text.size();
    std::size_t i = 0;
    const auto skip = [&] {
        while (i < n && is_space(text[i])) ++i;
    };
    skip();
    if (i == n || text[i] != '[') return std::nullopt;
    ++i;
    skip();
    std::vector<std::string_view> spans;
    if (i < n && text[i] == ']') {
        ++i;
        skip();
        if (i != n) return std::nullopt;
        return spans;
    }
    while (true) {
        if (i == n || text[i] != '{') return std::nullopt;
        const std::size_t start = i;
        int depth = 0;
        bool closed = false;
        while (i < n) {
            const char c = text[i];
            if (c == '"') {
                ++i;
                while (true) {
                    const void* hit = std::memchr(text.data() + i, '"', n - i);
                    if (hit == nullptr) return std::nullopt;
                    std::size_t q = static_cast<std::size_t>(static_cast<const char*>(hit) - text.data());
                    std::size_t backslashes = 0;
                    while (q - backslashes > i && text[q - backslashes - 1] == '\\') ++backslashes;
                    i = q + 1;
                    if (backslashes % 2 == 0) break;  // not an escaped quote
                }
                continue;
            }
            if (c == '{' || c == '[') {
                if (++depth > max_depth) return std::nullopt;
            } else if (c == '}' || c == ']') {
                if (--depth == 0) {
                    ++i;
                    closed = true;
                    break;
                }
            }
            ++i;
        }
        if (!closed) return std::nullopt;
        spans.push_back(text.substr(start, i - start));
        skip();
        if (i < n && text[i] == ',') {
            ++i;
            skip();
            continue;
        }
        if (i < n && text[i] == ']') {
            ++i;
            skip();
            if (i != n) return std::nullopt;
            return spans;
        }
        return std::nullopt;
    }
}

// What experiment::from_json takes from these fields, with its defaults; false where it would
// throw, or where the fast path stops (dependencies). One pass over the members.
bool extract(json& j, summary& s, const std::string& reader) {
    json* name = nullptr;
    json* created_at = nullptr;
    json* last_updated = nullptr;
    json* author = nullptr;
    json* last_updated_by = nullptr;
    json* short_slug = nullptr;
    json* slug = nullptr;
    for (auto& [key, value] : j.get_ref<json::object_t&>()) {
        switch (key.size()) {
        case 4:
            if (key == "name")
                name = &value;
            else if (key == "slug")
                slug = &value;
            else if (key == "tags") {
                if (!value.is_array()) return false;
                for (auto& t : value) {
                    if (!t.is_string()) return false;
                    s.tags_.push_back(std::move(t.get_ref<std::string&>()));
                }
            }
            break;
        case 5:
            if (key == "tests") {
                if (!value.is_array()) return false;
                s.tests_ = value.size();
            }
            break;
        case 6:
            if (key == "author") author = &value;
            break;
        case 7:
            if (key == "metrics") {
                if (!value.is_object()) return false;
                s.metrics_ = std::move(value);
            }
            break;
        case 9:
            if (key == "artifacts") {
                if (!value.is_array()) return false;
                s.artifacts_ = value.size();
            }
            break;
        case 10:
            if (key == "created_at")
                created_at = &value;
            else if (key == "parameters" && !value.is_object())
                return false;
            else if (key == "short_slug")
                short_slug = &value;
            break;
        case 12:
            if (key == "last_updated")
                last_updated = &value;
            else if (key == "dependencies" && !(value.is_array() && value.empty()))
                return false;
            break;
        case 15:
            if (key == "last_updated_by") last_updated_by = &value;
            break;
        default:
            break;
        }
    }
    const auto time_of = [](const json* v, time_point& out) {
        if (v == nullptr || !v->is_string()) return false;
        const auto t = detail::parse_time(v->get_ref<const std::string&>());
        if (!t) return false;
        out = *t;
        return true;
    };
    // absent: fallback; not a string: false (the library throws)
    const auto text_of = [](json* v, std::string& out, auto&& fallback) {
        if (v == nullptr) {
            out = fallback();
            return true;
        }
        if (!v->is_string()) return false;
        out = std::move(v->get_ref<std::string&>());
        return true;
    };
    if (name == nullptr || !name->is_string()) return false;
    s.name_ = std::move(name->get_ref<std::string&>());
    if (!time_of(created_at, s.created_at_) || !time_of(last_updated, s.last_updated_)) return false;
    return text_of(author, s.author_, [&] { return reader; }) &&
           text_of(last_updated_by, s.last_updated_by_, [&] { return s.author_; }) &&
           text_of(short_slug, s.short_slug_, [&] { return detail::slugify(s.name_); }) && text_of(slug, s.slug_, [&] {
               return detail::experiment_slug(s.name_, detail::format_stamp(s.created_at_));
           });
}

std::optional<std::vector<summary>> fast_load(const std::filesystem::path& path) {
    const file_bytes bytes(path);
    if (!bytes.ok()) return std::nullopt;
    const auto spans = split(bytes.text());
    if (!spans) return std::nullopt;

    const std::string file = path.string();
    const std::string reader = detail::os_user_name();
    std::vector<summary> parsed(spans->size());
    std::atomic<bool> failed{false};
    const auto work = [&](std::size_t begin, std::size_t end) {
        try {
            for (std::size_t i = begin; i < end && !failed.load(std::memory_order_relaxed); ++i) {
                json j = pyjson::parse<json>((*spans)[i], file);
                if (!extract(j, parsed[i], reader)) failed = true;
            }
        } catch (...) {
            failed = true;  // the library's reader will say what is wrong
        }
    };
    const std::size_t count = spans->size();
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    const std::size_t threads = count < parallel_threshold ? 1 : std::min<std::size_t>(cores, 8);
    if (threads == 1) {
        work(0, count);
    } else {
        std::vector<std::thread> pool;
        const std::size_t chunk = (count + threads - 1) / threads;
        try {
            for (std::size_t t = 1; t < threads; ++t) {
                pool.emplace_back(work, std::min(count, t * chunk), std::min(count, (t + 1) * chunk));
            }
        } catch (...) {
            failed = true;  // no thread: fall back
        }
        work(0, std::min(count, chunk));
        for (auto& t : pool) t.join();
    }
    if (failed) return std::nullopt;

    // The project's order: each experiment inserted after every one it does not sort before
    // (same slug: by last_updated; otherwise by created_at), as basic_project::insert does.
    std::vector<std::size_t> slug_hash(count);
    for (std::size_t i = 0; i < count; ++i) slug_hash[i] = std::hash<std::string>{}(parsed[i].slug_);
    const auto sorts_before = [&](std::size_t a, std::size_t b) {
        const bool same_slug = slug_hash[a] == slug_hash[b] && parsed[a].slug_ == parsed[b].slug_;
        return same_slug ? parsed[a].last_updated_ < parsed[b].last_updated_
                         : parsed[a].created_at_ < parsed[b].created_at_;
    };
    std::vector<std::size_t> order;
    order.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        std::size_t lo = 0, hi = order.size();  // exactly the library's bisection
        while (lo < hi) {
            const std::size_t mid = (lo + hi) / 2;
            if (sorts_before(i, order[mid]))
                hi = mid;
            else
                lo = mid + 1;
        }
        order.insert(order.begin() + static_cast<std::ptrdiff_t>(lo), i);
    }
    std::vector<summary> out;
    out.reserve(count);
    for (const auto i : order) out.push_back(std::move(parsed[i]));
    return out;
}

}  // namespace

std::vector<summary> load_summaries(const std::string& argument) {
    const auto path = project_file(argument);
    const char* reader = std::getenv("LAZYSCRIBE_LIST_READER");  // "library": skip the fast path
    if (reader == nullptr || std::string_view(reader) != "library") {
        if (auto fast = fast_load(path)) return std::move(*fast);
    }
    const project p(path, mode::read_only);  // the library's reading, and its errors
    std::vector<summary> out;
    out.reserve(p.size());
    for (const auto& e : p) {
        summary s;
        s.name_ = e.name();
        s.slug_ = e.slug();
        s.short_slug_ = e.short_slug();
        s.author_ = e.author();
        s.last_updated_by_ = e.last_updated_by();
        s.created_at_ = e.created_at();
        s.last_updated_ = e.last_updated();
        s.tags_ = e.tags();
        s.metrics_ = e.metrics();
        s.tests_ = e.tests().size();
        s.artifacts_ = e.artifacts().size();
        out.push_back(std::move(s));
    }
    return out;
}

}  // namespace lazyscribe::cli
