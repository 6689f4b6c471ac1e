#pragma once
/// @file pyjson_strings.hpp
/// @brief The characters of JSON text as Python 3.11's `json` module handles them: UTF-8
/// decoding and encoding (shared by the reader and the writer) and string escaping as
/// Python's encoder writes it (json.dumps' ensure_ascii true and false).

#include <lazyscribe/errors.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace lazyscribe::detail::pyjson {

namespace impl {

inline constexpr char hex_digits[] = "0123456789abcdef";

/// Length of the well-formed UTF-8 sequence starting at s[i] (code point in cp), or 0.
/// Rejects overlong forms, surrogates and values above U+10FFFF, as Python's decoder does.
inline std::size_t decode_utf8(std::string_view s, std::size_t i, char32_t& cp) noexcept {
    const auto byte = [&](std::size_t k) -> unsigned {
        return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0u;
    };
    const unsigned b0 = byte(0);
    if (b0 < 0x80) {
        cp = b0;
        return 1;
    }
    std::size_t len = 0;
    unsigned lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        len = 2;
        cp = b0 & 0x1F;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        len = 3;
        cp = b0 & 0x0F;
        if (b0 == 0xE0) lo = 0xA0;  // overlong
        if (b0 == 0xED) hi = 0x9F;  // UTF-16 surrogates
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        len = 4;
        cp = b0 & 0x07;
        if (b0 == 0xF0) lo = 0x90;  // overlong
        if (b0 == 0xF4) hi = 0x8F;  // above U+10FFFF
    } else {
        return 0;
    }
    for (std::size_t k = 1; k < len; ++k) {
        const unsigned b = byte(k);
        if (k == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF)) return 0;
        cp = (cp << 6) | (b & 0x3F);
    }
    return len;
}

template <class String>
void append_utf8(String& out, char32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

inline void append_u_escape(std::string& out, unsigned unit) {
    const char buf[6] = {'\\',
                         'u',
                         hex_digits[(unit >> 12) & 0xF],
                         hex_digits[(unit >> 8) & 0xF],
                         hex_digits[(unit >> 4) & 0xF],
                         hex_digits[unit & 0xF]};
    out.append(buf, 6);
}

/// Writes s as a quoted JSON string the way Python's encoder does
/// (py_encode_basestring_ascii / py_encode_basestring).
inline void append_string(std::string& out, std::string_view s, bool ensure_ascii) {
    out += '"';
    std::size_t i = 0;
    while (i < s.size()) {
        // Copy the longest run that needs no escaping in one append.
        const std::size_t run = i;
        while (i < s.size()) {
            const auto c = static_cast<unsigned char>(s[i]);
            if (c < 0x20 || c == '"' || c == '\\' || c >= 0x7F) break;
            ++i;
        }
        out.append(s.data() + run, i - run);
        if (i == s.size()) break;
        const auto c = static_cast<unsigned char>(s[i]);
        switch (c) {
        case '"':
            out += "\\\"";
            ++i;
            continue;
        case '\\':
            out += "\\\\";
            ++i;
            continue;
        case '\b':
            out += "\\b";
            ++i;
            continue;
        case '\t':
            out += "\\t";
            ++i;
            continue;
        case '\n':
            out += "\\n";
            ++i;
            continue;
        case '\f':
            out += "\\f";
            ++i;
            continue;
        case '\r':
            out += "\\r";
            ++i;
            continue;
        default:
            break;
        }
        if (c < 0x20) {
            append_u_escape(out, c);
            ++i;
            continue;
        }
        if (c == 0x7F) {
            // Only the ASCII encoder escapes DEL; the other one escapes C0 controls only.
            if (ensure_ascii)
                append_u_escape(out, c);
            else
                out += static_cast<char>(c);
            ++i;
            continue;
        }
        char32_t cp = 0;
        const std::size_t len = decode_utf8(s, i, cp);
        if (len == 0) throw format_error("cannot write JSON: invalid UTF-8 in a string at byte " + std::to_string(i));
        if (!ensure_ascii) {
            out.append(s.data() + i, len);
        } else if (cp < 0x10000) {
            append_u_escape(out, static_cast<unsigned>(cp));
        } else {
            const auto v = static_cast<unsigned>(cp - 0x10000);
            append_u_escape(out, 0xD800 + (v >> 10));
            append_u_escape(out, 0xDC00 + (v & 0x3FF));
        }
        i += len;
    }
    out += '"';
}

}  // namespace impl

}  // namespace lazyscribe::detail::pyjson
