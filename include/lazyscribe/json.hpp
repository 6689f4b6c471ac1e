#pragma once
/// @file json.hpp
/// @brief lazyscribe's JSON value type, and integers wider than 64 bits in it.

#include <lazyscribe/detail/python_json.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace lazyscribe {

/// @brief The JSON value type used for parameters, metrics, writer/reader kwargs and
/// handler environments. Objects keep their keys sorted.
using json = nlohmann::json;

/// @brief A JSON value whose objects keep insertion order, as Python's dicts do.
/// Read an artifact as ordered_json to write it back byte for byte.
using ordered_json = nlohmann::ordered_json;

/// @brief The binary subtype that marks a big integer (the bytes "bi").
///
/// Python integers have no size limit, and Python writes a parameter of 2**70 as its digits.
/// nlohmann::json holds at most 64 bits, so lazyscribe keeps an integer outside
/// [-2**63, 2**64) as a **binary value of this subtype whose bytes are its decimal digits**
/// ("-" first if negative). Reading a file gives that value, writing one writes the digits
/// verbatim, so such integers survive a load and save exactly. Integers that fit in 64 bits
/// are always plain nlohmann numbers.
inline constexpr std::uint64_t big_integer_subtype = detail::pyjson::big_integer_subtype;

/// @brief The integer whose decimal text is `digits` (`-?(0|[1-9][0-9]*)`, at most 4300
/// digits, Python's limit), for log_parameter or log_metric: a plain number when it fits in
/// 64 bits, else a big integer (see big_integer_subtype).
/// @throws lazyscribe::format_error if `digits` is not such a number.
template <class BasicJson = json>
[[nodiscard]] BasicJson big_integer(std::string_view digits) {
    return detail::pyjson::make_big_integer<BasicJson>(digits);
}

/// @brief True if `value` is an integer too wide for 64 bits (see big_integer_subtype).
template <class BasicJson>
[[nodiscard]] bool is_big_integer(const BasicJson& value) noexcept {
    return detail::pyjson::is_big_integer(value);
}

/// @brief True for any integer: a 64-bit nlohmann integer or a big integer.
template <class BasicJson>
[[nodiscard]] bool is_integer(const BasicJson& value) noexcept {
    return value.is_number_integer() || detail::pyjson::is_big_integer(value);
}

/// @brief The decimal digits of an integer, big or not ("1180591620717411303424", "-5").
/// @throws lazyscribe::format_error if `value` is not an integer.
template <class BasicJson>
[[nodiscard]] std::string integer_digits(const BasicJson& value) {
    return detail::pyjson::big_integer_digits(value);
}

}  // namespace lazyscribe
