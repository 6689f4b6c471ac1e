#pragma once
// The compiler's name of a type, for error messages. The canonical name recorded with cereal
// artifacts is in canonical_type_name.hpp: it names the standard containers, so it includes
// them, and only the cereal handler needs it.

#include <string_view>

namespace lazyscribe {

/// @brief Specialise to name a type in artifact metadata (the cereal handler's `cereal_type`):
/// `template <> struct artifact_type_name<my::point> { static constexpr std::string_view value = "my.point"; };`
/// A class may instead have `static constexpr std::string_view lazyscribe_type_name = "my.point";`.
template <class T>
struct artifact_type_name {};

}  // namespace lazyscribe

namespace lazyscribe::detail {

template <class T>
constexpr std::string_view type_name() noexcept {
#if defined(__clang__) || defined(__GNUC__)
    std::string_view f = __PRETTY_FUNCTION__;
    // g++: "... [with T = int; std::string_view = ...]"; clang: "... [T = int]"
    const auto start = f.find("T = ");
    if (start == std::string_view::npos) return f;
    f.remove_prefix(start + 4);
    const auto end = f.find_first_of(";]");
    return f.substr(0, end);
#else
    return "(unknown type)";
#endif
}

}  // namespace lazyscribe::detail
