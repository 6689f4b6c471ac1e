#pragma once
/// @file pyjson_options.hpp
/// @brief The options of Python's json.dump that change the text, and their reading from
/// the keyword arguments a handler or a releases file is given.

#include <lazyscribe/errors.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

namespace lazyscribe::detail::pyjson {

/// @brief Options of Python's json.dump that change the output text.
struct dump_options {
    int indent = -1;             ///< < 0: indent=None (one line); >= 0: newline + indent spaces per level
    bool sort_keys = false;      ///< sort object keys by code point at every depth
    std::string item_separator;  ///< empty: Python's default (", " without indent, "," with)
    std::string key_separator = ": ";
    bool ensure_ascii = true;  ///< false: write UTF-8 as is (still escaping '"', '\\' and C0 controls)
    bool allow_nan = true;     ///< false: NaN/Infinity throw format_error (Python's ValueError)
    /// Nesting level the value sits at inside a larger document being written piecewise
    /// (indentation only), so a big array can be streamed element by element.
    std::size_t initial_depth = 0;
};

/// @brief dump_options from the keyword arguments of a Python json.dump call, given as
/// a JSON object: "indent" (integer, string of spaces or null), "sort_keys",
/// "separators" ([item, key] or null), "ensure_ascii", "allow_nan" (booleans);
/// "skipkeys" and "check_circular" (booleans) are accepted and change nothing, as all
/// keys are strings and values are trees. null kwargs means no arguments.
/// @throws lazyscribe::format_error naming the argument for unknown ones or wrong types.
inline dump_options options_from_kwargs(const nlohmann::json& kwargs) {
    dump_options o;
    if (kwargs.is_null()) return o;
    if (!kwargs.is_object())
        throw format_error(std::string("json writer kwargs must be an object, got a JSON ") + kwargs.type_name());
    const auto get_bool = [](const std::string& key, const nlohmann::json& v) {
        if (!v.is_boolean())
            throw format_error("json writer kwarg '" + key + "' must be a boolean, got a JSON " + v.type_name());
        return v.get<bool>();
    };
    for (const auto& [key, v] : kwargs.items()) {
        if (key == "indent") {
            if (v.is_null()) {
                o.indent = -1;
            } else if (v.is_number_integer()) {
                // Python: ' ' * indent, so a negative indent means no spaces, like 0.
                if (v.is_number_unsigned() ? v.get<std::uint64_t>() > 1024u : v.get<std::int64_t>() > 1024)
                    throw format_error("json writer kwarg 'indent' is too large (at most 1024)");
                o.indent = v.is_number_unsigned() ? static_cast<int>(v.get<std::uint64_t>())
                                                  : static_cast<int>(std::max<std::int64_t>(v.get<std::int64_t>(), 0));
            } else if (v.is_string()) {
                // Python also takes the indent string itself; only spaces map onto `indent`.
                const auto& s = v.get_ref<const std::string&>();
                if (s.size() > 1024 || s.find_first_not_of(' ') != std::string::npos)
                    throw format_error("json writer kwarg 'indent': only strings of spaces are supported");
                o.indent = static_cast<int>(s.size());
            } else {
                throw format_error(std::string("json writer kwarg 'indent' must be an integer or null, got a JSON ") +
                                   v.type_name());
            }
        } else if (key == "separators") {
            if (v.is_null()) {
                o.item_separator.clear();
                o.key_separator = ": ";
                continue;
            }
            if (!v.is_array() || v.size() != 2 || !v[0].is_string() || !v[1].is_string())
                throw format_error(
                    "json writer kwarg 'separators' must be an array of two strings "
                    "[item_separator, key_separator]");
            o.item_separator = v[0].get<std::string>();
            o.key_separator = v[1].get<std::string>();
            // dump_options uses "" for "Python's default"; an explicitly empty one would
            // silently mean ',' or ', ', so refuse it.
            if (o.item_separator.empty())
                throw format_error("json writer kwarg 'separators': an empty item separator is not supported");
        } else if (key == "sort_keys") {
            o.sort_keys = get_bool(key, v);
        } else if (key == "ensure_ascii") {
            o.ensure_ascii = get_bool(key, v);
        } else if (key == "allow_nan") {
            o.allow_nan = get_bool(key, v);
        } else if (key == "skipkeys" || key == "check_circular") {
            (void)get_bool(key, v);
        } else {
            throw format_error("unsupported json writer kwarg '" + key +
                               "' (supported: indent, sort_keys, separators, ensure_ascii, allow_nan, "
                               "skipkeys, check_circular)");
        }
    }
    return o;
}

}  // namespace lazyscribe::detail::pyjson
