#pragma once
/// @file pyjson_big_integer.hpp
/// @brief Integers wider than 64 bits ("big integers"), which Python writes as their digits.
///
/// They are kept as nlohmann binary values with subtype big_integer_subtype whose bytes are
/// the decimal digits; the writer copies them verbatim, so such values survive a read/write
/// round trip. The public face of this is lazyscribe/json.hpp (big_integer, integer_digits).

#include <lazyscribe/detail/pyjson_numbers.hpp>
#include <lazyscribe/errors.hpp>

#include <nlohmann/json.hpp>

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <system_error>

namespace lazyscribe::detail::pyjson {

/// @brief Binary subtype marking a big integer (the bytes "bi").
inline constexpr std::uint64_t big_integer_subtype = 0x6269;

/// @brief Most digits Python 3.11 converts between int and str
/// (sys.int_info.default_max_str_digits); longer integers fail in Python, so here too.
inline constexpr std::size_t max_integer_digits = 4300;

namespace impl {

/// True if s is a JSON integer literal: -?(0|[1-9][0-9]*).
inline bool is_integer_literal(std::string_view s) noexcept {
    std::size_t i = (!s.empty() && s[0] == '-') ? 1 : 0;
    if (i == s.size()) return false;
    if (s[i] == '0') return i + 1 == s.size();
    for (; i < s.size(); ++i)
        if (!is_digit(s[i])) return false;
    return true;
}

/// The value of an integer literal that passed is_integer_literal: number_integer,
/// number_unsigned or, if neither holds it, a big integer (digit count not checked here).
template <class BasicJson>
BasicJson integer_value(std::string_view lit) {
    const char* const first = lit.data();
    const char* const last = lit.data() + lit.size();
    if (lit[0] == '-') {
        std::int64_t v = 0;
        const auto r = std::from_chars(first, last, v);
        if (r.ec == std::errc{} && r.ptr == last)
            return BasicJson(static_cast<typename BasicJson::number_integer_t>(v));
    } else {
        std::uint64_t v = 0;
        const auto r = std::from_chars(first, last, v);
        if (r.ec == std::errc{} && r.ptr == last) {
            if (v <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
                return BasicJson(static_cast<typename BasicJson::number_integer_t>(v));
            return BasicJson(static_cast<typename BasicJson::number_unsigned_t>(v));
        }
    }
    using container_t = typename BasicJson::binary_t::container_type;
    return BasicJson::binary(container_t(lit.begin(), lit.end()), big_integer_subtype);
}

inline std::size_t digit_count(std::string_view lit) noexcept {
    return lit.size() - ((!lit.empty() && lit[0] == '-') ? 1 : 0);
}

}  // namespace impl

/// @brief True if v is a big integer made by the reader or make_big_integer.
template <class BasicJson>
[[nodiscard]] bool is_big_integer(const BasicJson& v) noexcept {
    return v.is_binary() && v.get_binary().has_subtype() && v.get_binary().subtype() == big_integer_subtype;
}

/// @brief The integer whose JSON literal is `digits` (-?(0|[1-9][0-9]*), at most 4300
/// digits). Like the reader, gives a plain number_integer/number_unsigned when the
/// value fits in 64 bits and a big integer only otherwise.
/// @throws lazyscribe::format_error if digits is not such a literal.
template <class BasicJson = nlohmann::json>
[[nodiscard]] BasicJson make_big_integer(std::string_view digits) {
    if (!impl::is_integer_literal(digits))
        throw format_error("not a decimal integer literal: \"" + std::string(digits) + "\"");
    if (impl::digit_count(digits) > max_integer_digits)
        throw format_error("integer of " + std::to_string(impl::digit_count(digits)) +
                           " digits exceeds Python's limit of 4300 digits");
    return impl::integer_value<BasicJson>(digits);
}

/// @brief Decimal digits of a big integer (also accepts a number_integer/number_unsigned).
/// @throws lazyscribe::format_error for any other value.
template <class BasicJson>
[[nodiscard]] std::string big_integer_digits(const BasicJson& v) {
    if (is_big_integer(v)) return std::string(v.get_binary().begin(), v.get_binary().end());
    std::string out;
    if (v.is_number_integer() && !v.is_number_unsigned())
        impl::append_int(out, *v.template get_ptr<const typename BasicJson::number_integer_t*>());
    else if (v.is_number_unsigned())
        impl::append_int(out, *v.template get_ptr<const typename BasicJson::number_unsigned_t*>());
    else
        throw format_error(std::string("expected an integer, got a JSON ") + v.type_name());
    return out;
}

}  // namespace lazyscribe::detail::pyjson
