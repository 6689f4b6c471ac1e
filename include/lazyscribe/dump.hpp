#pragma once
/// @file dump.hpp
/// @brief JSON text exactly as Python's json.dumps writes it (lazyscribe's files use it).

#include <string>

#include <lazyscribe/detail/python_json.hpp>

namespace lazyscribe {

/// @brief The json.dumps arguments lazyscribe supports.
struct dump_options {
    /// @brief < 0: indent=None (one line, ", " and ": " separators); >= 0: a newline and this many
    /// spaces per level ("," between items).
    int indent = -1;
    /// @brief Object keys sorted by code point at every depth.
    bool sort_keys = false;
    /// @brief false: UTF-8 written as is (still escaping '"', '\\' and C0 controls).
    bool ensure_ascii = true;
    /// @brief false: NaN and ±Infinity throw format_error (Python's ValueError) instead of being
    /// written as NaN, Infinity, -Infinity.
    bool allow_nan = true;
};

/// @brief The text `json.dumps(value, indent=..., sort_keys=..., ensure_ascii=..., allow_nan=...)`
/// returns in Python: floats as Python's repr, big integers (json.hpp) as their digits.
/// BasicJson is json or ordered_json.
/// @throws lazyscribe::format_error for NaN or ±Infinity when `allow_nan` is false.
template <class BasicJson>
[[nodiscard]] std::string dump(const BasicJson& value, const dump_options& options = {}) {
    detail::pyjson::dump_options o;
    o.indent = options.indent;
    o.sort_keys = options.sort_keys;
    o.ensure_ascii = options.ensure_ascii;
    o.allow_nan = options.allow_nan;
    return detail::pyjson::dump(value, o);
}

}  // namespace lazyscribe
