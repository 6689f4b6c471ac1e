#pragma once
/// @file handlers/json.hpp
/// @brief The built-in `json` handler: any value nlohmann::json can convert, in files that
/// Python's `json.load` reads and that match Python's `json.dump` byte for byte.

#include <istream>
#include <iterator>
#include <ostream>
#include <string>
#include <string_view>
#include <type_traits>

#include <lazyscribe/detail/pyjson_options.hpp>
#include <lazyscribe/detail/pyjson_parser.hpp>
#include <lazyscribe/detail/pyjson_writer.hpp>
#include <lazyscribe/errors.hpp>
#include <lazyscribe/handler.hpp>
#include <lazyscribe/json.hpp>

namespace lazyscribe {

namespace detail {
// nlohmann's own trait: true for every basic_json specialisation (json, ordered_json, ...).
template <class T>
using is_basic_json = nlohmann::detail::is_basic_json<T>;
}  // namespace detail

/// @brief Values the json handler writes: JSON values and anything with a `to_json`.
template <class T>
concept JsonWritable = detail::is_basic_json<T>::value || (!not_json_v<T> && std::is_constructible_v<json, const T&>);

/// @brief Values the json handler reads: JSON values and anything with a `from_json`.
template <class T>
concept JsonReadable = detail::is_basic_json<T>::value || (!not_json_v<T> && requires(const json& j) {
                           j.template get<T>();
                       });

/// @brief Writes and reads values as JSON text, as Python lazyscribe's `json` handler.
///
/// Writer kwargs are Python's `json.dump` options: `indent` (int or null), `sort_keys`,
/// `separators` ([item, key]), `ensure_ascii`, `allow_nan`. With none, the file is one line
/// with `", "` and `": "` separators, as Python writes it. NaN and infinities are written as
/// `NaN`/`Infinity`, which Python reads back. Objects are written in the order of the
/// value's container: `lazyscribe::json` sorts keys, `lazyscribe::ordered_json` keeps
/// insertion order (read a file as ordered_json to write it back unchanged).
struct json_handler {
    static constexpr std::string_view alias = "json";
    static constexpr std::string_view suffix = "json";
    static constexpr bool binary = false;
    static constexpr bool output_only = false;

    /// @brief Throws format_error naming an unknown or ill-typed kwarg; called at log time.
    static void check_write_kwargs(const json& kwargs) { (void)detail::pyjson::options_from_kwargs(kwargs); }

    template <JsonWritable T>
    static void write(const T& value, std::ostream& out, const json& kwargs) {
        const auto options = detail::pyjson::options_from_kwargs(kwargs);
        std::string text;
        if constexpr (requires { value.write_python_json(out); }) {
            // A value that streams json.dump's default text itself (a run's history columns),
            // without a document of itself; other kwargs take the general path.
            if (kwargs.is_null() || kwargs.empty()) {
                value.write_python_json(out);
                return;
            }
        }
        if constexpr (detail::is_basic_json<T>::value) {
            detail::pyjson::dump_to(value, text, options);
        } else {
            detail::pyjson::dump_to(json(value), text, options);
        }
        out.write(text.data(), static_cast<std::streamsize>(text.size()));
    }

    template <JsonReadable T>
    static T read(std::istream& in, const json& kwargs) {
        if (!kwargs.is_null() && !(kwargs.is_object() && kwargs.empty())) {
            throw format_error("the json handler's read takes no kwargs; given: " + kwargs.dump());
        }
        const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
        if constexpr (detail::is_basic_json<T>::value) {
            return detail::pyjson::parse<T>(text, "json artifact");
        } else {
            const auto value = detail::pyjson::parse<json>(text, "json artifact");
            try {
                return value.template get<T>();
            } catch (const nlohmann::json::exception& e) {
                throw format_error(std::string("json artifact does not convert to the requested type: ") + e.what());
            }
        }
    }
};

static_assert(ArtifactHandler<json_handler>);
static_assert(WritableBy<json_handler, json> && WritableBy<json_handler, ordered_json>);
static_assert(WritableBy<json_handler, std::string> && ReadableAs<json_handler, std::string>);
static_assert(ReadableAs<json_handler, json> && ReadableAs<json_handler, ordered_json>);
static_assert(!WritableBy<json_handler, std::istream*> && !ReadableAs<json_handler, std::ostream>);

}  // namespace lazyscribe
