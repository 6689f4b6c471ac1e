#pragma once
// Splits a JSON document that is an array of objects into the objects' byte ranges, without
// parsing them, so that they can be read in parallel (read_summary). Not a validator: each
// range is still read by the library's reader, and anything the splitter does not recognise
// gives nullopt, for the caller to read the file the ordinary way (and report its errors).

#include <cstddef>
#include <cstring>
#include <optional>
#include <string_view>
#include <vector>

namespace lazyscribe::detail {

// Deeper nesting is left to the ordinary reader (its limit counts the whole file).
inline constexpr int split_max_depth = 256;

inline bool is_json_space(char c) noexcept { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

// The byte ranges of the top-level array's elements, each an object; nullopt for anything else.
inline std::optional<std::vector<std::string_view>> split_object_array(std::string_view text) {
    const std::size_t n = text.size();
    std::size_t i = 0;
    const auto skip = [&] {
        while (i < n && is_json_space(text[i])) ++i;
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
                    const auto q = static_cast<std::size_t>(static_cast<const char*>(hit) - text.data());
                    std::size_t backslashes = 0;
                    while (q - backslashes > i && text[q - backslashes - 1] == '\\') ++backslashes;
                    i = q + 1;
                    if (backslashes % 2 == 0) break;  // not an escaped quote
                }
                continue;
            }
            if (c == '{' || c == '[') {
                if (++depth > split_max_depth) return std::nullopt;
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

}  // namespace lazyscribe::detail
