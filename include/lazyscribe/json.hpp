#pragma once
/// @file json.hpp
/// @brief lazyscribe's JSON value type, integers wider than 64 bits in it, and JSON text
/// exactly as Python's `json.dumps` writes it and `json.loads` reads it (dumps, loads).

#include <lazyscribe/detail/pyjson_big_integer.hpp>
#include <lazyscribe/detail/pyjson_options.hpp>
#include <lazyscribe/detail/pyjson_parser.hpp>
#include <lazyscribe/detail/pyjson_writer.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace lazyscribe {

/// @brief True for a type that nlohmann_json takes for a JSON array (it has begin() and end())
/// but that is not one, so that the handlers built on JSON (json, yaml, pickle) do not claim
/// it: a handler header specialises it for its own types (handlers/eigen.hpp, Eigen's vectors).
template <class T>
inline constexpr bool not_json_v = false;

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

/// @brief The options of Python's `json.dumps` that change the text: `indent` (< 0: one
/// line, as indent=None), `sort_keys`, `item_separator`/`key_separator` (as `separators`;
/// an empty item separator means Python's default), `ensure_ascii`, `allow_nan`.
using dump_options = detail::pyjson::dump_options;

/// @brief The text Python's `json.dumps(value, **options)` returns, byte for byte (floats as
/// Python's repr, NaN/Infinity, big integers as their digits, Python's escaping and layout),
/// which nlohmann's own dump() does not give.
/// @throws lazyscribe::format_error for invalid UTF-8 in a string, NaN/Infinity with
/// allow_nan false, binary values other than big integers, or discarded values.
template <class BasicJson>
[[nodiscard]] std::string dumps(const BasicJson& value, const dump_options& options = {}) {
    return detail::pyjson::dump(value, options);
}

/// @brief The value Python's `json.loads(text)` gives: standard JSON plus NaN, Infinity and
/// -Infinity; for a repeated key the last value wins; integers beyond 64 bits become big
/// integers; lone UTF-16 surrogate escapes are refused. Read into ordered_json to keep the
/// keys' order.
/// @param source_name names the text (usually a path) in error messages.
/// @throws lazyscribe::parse_error with the 1-based line and byte column.
template <class BasicJson = json>
[[nodiscard]] BasicJson loads(std::string_view text, const std::string& source_name = "<string>") {
    return detail::pyjson::parse<BasicJson>(text, source_name);
}

}  // namespace lazyscribe
