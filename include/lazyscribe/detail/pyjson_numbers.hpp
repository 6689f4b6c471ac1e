#pragma once
/// @file pyjson_numbers.hpp
/// @brief Numbers as Python 3.11 writes them: float.__repr__ (shortest round-trip digits,
/// with json's NaN/Infinity spellings) and integers.

#include <lazyscribe/errors.hpp>

#include <charconv>
#include <cmath>
#include <cstddef>
#include <string>

namespace lazyscribe::detail::pyjson {

namespace impl {

inline bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

/// Appends Python's float.__repr__ of d (plus json's NaN/Infinity spellings).
inline void append_float(std::string& out, double d, bool allow_nan) {
    if (std::isnan(d) || std::isinf(d)) {
        if (!allow_nan)
            throw format_error(
                "cannot write JSON: out of range float values are not JSON "
                "compliant (allow_nan is false)");
        out += std::isnan(d) ? "NaN" : (d > 0 ? "Infinity" : "-Infinity");
        return;
    }
    // Shortest round-trip digits as "[-]d[.ddd]e±XX"; Ryu-based, like Python's dtoa mode 0.
    char buf[64];
    const auto res = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
    const char* p = buf;
    const char* const end = res.ptr;
    if (*p == '-') {
        out += '-';
        ++p;
    }
    char digits[32];
    std::size_t n = 0;
    for (; p != end && *p != 'e'; ++p)
        if (*p != '.') digits[n++] = *p;
    int exp = 0;
    if (p != end) {
        ++p;                 // 'e'
        if (*p == '+') ++p;  // from_chars rejects a leading '+'
        std::from_chars(p, end, exp);
    }
    if (exp >= -4 && exp < 16) {
        if (exp >= 0) {
            const auto int_len = static_cast<std::size_t>(exp) + 1;
            if (n <= int_len) {
                out.append(digits, n);
                out.append(int_len - n, '0');
                out += ".0";
            } else {
                out.append(digits, int_len);
                out += '.';
                out.append(digits + int_len, n - int_len);
            }
        } else {
            out += "0.";
            out.append(static_cast<std::size_t>(-exp - 1), '0');
            out.append(digits, n);
        }
        return;
    }
    out += digits[0];
    if (n > 1) {
        out += '.';
        out.append(digits + 1, n - 1);
    }
    out += 'e';
    out += exp < 0 ? '-' : '+';
    const int mag = exp < 0 ? -exp : exp;
    if (mag < 10) out += '0';
    char ebuf[8];
    const auto er = std::to_chars(ebuf, ebuf + sizeof ebuf, mag);
    out.append(ebuf, er.ptr);
}

template <class Int>
void append_int(std::string& out, Int v) {
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}

}  // namespace impl

}  // namespace lazyscribe::detail::pyjson
