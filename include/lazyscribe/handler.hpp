#pragma once
/// @file handler.hpp
/// @brief The ArtifactHandler concept: what a type must provide to read and write artifacts.
///
/// A handler is a stateless type with
/// - `static constexpr std::string_view alias`  — the name stored in the project file ("json");
/// - `static constexpr std::string_view suffix` — the file extension, without the dot ("json");
/// - `static constexpr bool binary`              — open files in binary mode;
/// - `static constexpr bool output_only`         — files are for people, not for loading back;
/// - `static void write(const T&, std::ostream&, const lazyscribe::json& kwargs)`;
/// - `static T read(std::istream&, const lazyscribe::json& kwargs)` (or a template
///   `template <class T> static T read(...)` for handlers that serve a family of types);
/// - optionally `static lazyscribe::json environment()`: metadata fields stored with each
///   artifact and compared with the reader's when the artifact is loaded.
/// See docs/custom-handler.md for a step-by-step guide.

#include <concepts>
#include <istream>
#include <ostream>
#include <string_view>
#include <type_traits>

#include <lazyscribe/json.hpp>

namespace lazyscribe {

namespace detail {

// A name lookup that is ambiguous between H and this fallback means H declares the
// member, whatever its form (function, overload set, template).
struct member_probe {
    static void write();
    static void read();
};
template <class H>
struct probe_derived : H, member_probe {};

template <class H>
concept declares_write = std::is_class_v<H> &&(std::is_final_v<H> || !requires { &probe_derived<H>::write; });
template <class H>
concept declares_read = std::is_class_v<H> &&(std::is_final_v<H> || !requires { &probe_derived<H>::read; });

template <class H>
concept has_alias = requires {
    std::string_view(H::alias);
};
// Instantiating a template with the value proves it is a constant expression.
template <class H>
concept has_constexpr_alias = has_alias<H> && requires {
    typename std::integral_constant<std::size_t, std::string_view(H::alias).size()>;
};
template <class H>
concept has_suffix = requires {
    std::string_view(H::suffix);
};
template <class H>
concept has_constexpr_suffix = has_suffix<H> && requires {
    typename std::integral_constant<std::size_t, std::string_view(H::suffix).size()>;
};
template <class H>
concept has_constexpr_binary = std::same_as < std::remove_cvref_t<decltype(H::binary)>,
bool > &&requires { typename std::bool_constant<H::binary>; };
template <class H>
concept has_constexpr_output_only = std::same_as < std::remove_cvref_t<decltype(H::output_only)>,
bool > &&requires { typename std::bool_constant<H::output_only>; };

// Aliases end up in project files and in `|`-separated references; keep them plain.
constexpr bool is_valid_alias(std::string_view alias) noexcept {
    if (alias.empty()) return false;
    for (char c : alias) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                        c == '-' || c == '.';
        if (!ok) return false;
    }
    return true;
}

template <class H>
concept has_valid_alias = has_constexpr_alias<H> && std::bool_constant<is_valid_alias(H::alias)>::value;

}  // namespace detail

/// @brief A type that lazyscribe can use to write and read artifact files.
/// An output-only handler (files for people: plots, reports) need not declare `read`.
template <class H>
concept ArtifactHandler = std::is_class_v<H> && detail::has_valid_alias<H> && detail::has_constexpr_suffix<H> &&
    detail::has_constexpr_binary<H> && detail::has_constexpr_output_only<H> && detail::declares_write<H> &&
    (H::output_only || detail::declares_read<H>);

/// @brief True when handler H can write a value of type T.
template <class H, class T>
concept WritableBy = ArtifactHandler<H> && requires(const T& value, std::ostream& out, const json& kwargs) {
    H::write(value, out, kwargs);
};

namespace detail {
template <class H, class T>
concept reads_by_template = requires(std::istream& in, const json& kwargs) {
    { H::template read<T>(in, kwargs) } -> std::convertible_to<T>;
};
template <class H, class T>
concept reads_by_value = requires(std::istream& in, const json& kwargs) {
    { H::read(in, kwargs) } -> std::convertible_to<T>;
};
}  // namespace detail

/// @brief True when handler H can read a file back as a value of type T.
template <class H, class T>
concept ReadableAs = ArtifactHandler<H> &&(detail::reads_by_template<H, T> || detail::reads_by_value<H, T>);

/// @brief True when handler H records environment metadata with each artifact.
template <class H>
concept HasEnvironment = ArtifactHandler<H> && requires {
    { H::environment() } -> std::convertible_to<json>;
};

/// @brief True when handler H checks writer kwargs itself, so that a mistake is reported
/// when the artifact is logged rather than when it is saved.
template <class H>
concept ChecksWriteKwargs = ArtifactHandler<H> && requires(const json& kwargs) {
    H::check_write_kwargs(kwargs);
};

/// @brief Reads a T with handler H, whichever of the two `read` forms H provides.
template <class T, class H>
requires ReadableAs<H, T> T read_with(std::istream& in, const json& kwargs) {
    if constexpr (detail::reads_by_template<H, T>) {
        return H::template read<T>(in, kwargs);
    } else {
        return static_cast<T>(H::read(in, kwargs));
    }
}

/// @brief The environment fields handler H stores with an artifact: an empty object for
/// handlers without `environment()`.
template <ArtifactHandler H>
json environment_of() {
    if constexpr (HasEnvironment<H>) {
        json env = H::environment();
        return env.is_object() ? env : json::object();
    } else {
        return json::object();
    }
}

namespace detail {

// Named by the static_asserts below, so that the compiler prints the handler type in the
// failing condition (clang) or in its note (g++). `passed` is declared here, not inherited,
// so that g++ names this type and not a base.
template <class Handler>
struct artifact_handler_check {
    static constexpr bool passed = false;
};

// The requirements one at a time, in declaration order: the first one H misses is the only
// message. `if constexpr` keeps the later checks (and H's members) out of the compilation, so
// no second error follows, and the condition is a plain bool, so no notes about concepts.
template <class H>
constexpr bool check_handler() {
    using check = artifact_handler_check<H>;
    if constexpr (!std::is_class_v<H>) {
        static_assert(check::passed, "lazyscribe: an artifact handler must be a class type");
        return false;
    } else if constexpr (!has_alias<H>) {
        static_assert(check::passed,
                      "lazyscribe: artifact handler is missing `static constexpr std::string_view alias` (the name "
                      "stored in project files, e.g. \"json\")");
        return false;
    } else if constexpr (!has_constexpr_alias<H>) {
        static_assert(check::passed,
                      "lazyscribe: artifact handler's `alias` is not a constant expression; declare it `static "
                      "constexpr std::string_view alias = \"...\";`");
        return false;
    } else if constexpr (!has_valid_alias<H>) {
        static_assert(check::passed,
                      "lazyscribe: artifact handler's `alias` must be non-empty and use only letters, digits, '_', "
                      "'-' and '.'");
        return false;
    } else if constexpr (!has_suffix<H>) {
        static_assert(check::passed,
                      "lazyscribe: artifact handler is missing `static constexpr std::string_view suffix` (the file "
                      "extension without the dot, e.g. \"json\")");
        return false;
    } else if constexpr (!has_constexpr_suffix<H>) {
        static_assert(check::passed,
                      "lazyscribe: artifact handler's `suffix` is not a constant expression; declare it `static "
                      "constexpr std::string_view suffix = \"...\";`");
        return false;
    } else if constexpr (!has_constexpr_binary<H>) {
        static_assert(check::passed,
                      "lazyscribe: artifact handler is missing `static constexpr bool binary` (true for binary files)");
        return false;
    } else if constexpr (!has_constexpr_output_only<H>) {
        static_assert(check::passed,
                      "lazyscribe: artifact handler is missing `static constexpr bool output_only` (true when files "
                      "cannot be read back)");
        return false;
    } else if constexpr (!declares_write<H>) {
        static_assert(check::passed,
                      "lazyscribe: artifact handler is missing `static void write(const T& value, std::ostream& out, "
                      "const lazyscribe::json& kwargs)`");
        return false;
    } else if constexpr (!H::output_only && !declares_read<H>) {
        static_assert(check::passed,
                      "lazyscribe: artifact handler is missing `static T read(std::istream& in, const "
                      "lazyscribe::json& kwargs)` (or declare `output_only = true`)");
        return false;
    } else {
        static_assert(ArtifactHandler<H>, "lazyscribe: internal: the checks above and ArtifactHandler disagree");
        return true;
    }
}

}  // namespace detail

/// @brief True when H is an ArtifactHandler; when it is not, compilation stops with one message
/// that names the first member H lacks (rather than the unsatisfied concept). Write
/// `static_assert(lazyscribe::checked_handler<MyHandler>);` next to the handler's definition.
template <class H>
// `|| true`: the call is made for the static_assert it may fire; the value is always true.
// NOLINTNEXTLINE(readability-simplify-boolean-expr)
inline constexpr bool checked_handler = detail::check_handler<H>() || true;

}  // namespace lazyscribe
