#pragma once
// The readable name of a type, for run-time error messages ("cannot read a value of type X").

#include <string_view>

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
