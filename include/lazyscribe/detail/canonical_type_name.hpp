#pragma once
// A canonical type name, the same for g++ and clang++, libstdc++ and libc++, and every build
// (recorded with cereal artifacts).

#include <array>
#include <concepts>
#include <cstddef>
#include <deque>
#include <limits>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <variant>
#include <vector>

#include <lazyscribe/detail/type_name.hpp>

namespace lazyscribe::detail {

/// The compiler's name with the known spelling differences between compilers and standard
/// libraries removed: inline namespaces (std::__cxx11::, std::__1::), the anonymous namespace
/// ("{anonymous}" / "(anonymous namespace)"), and spaces ("> >", ", ").
inline std::string normalized_compiler_name(std::string_view name) {
    std::string out(name);
    auto replace_all = [&](std::string_view from, std::string_view to) {
        for (auto at = out.find(from); at != std::string::npos; at = out.find(from, at + to.size())) {
            out.replace(at, from.size(), to);
        }
    };
    replace_all("std::__cxx11::", "std::");
    replace_all("std::__1::", "std::");
    replace_all("(anonymous namespace)", "(anonymous)");
    replace_all("{anonymous}", "(anonymous)");
    std::string compact;
    for (std::size_t i = 0; i < out.size(); ++i) {
        // A space is kept only between two word characters ("unsigned int", "const char").
        if (out[i] == ' ') {
            auto word = [](char c) {
                return c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
            };
            if (!compact.empty() && i + 1 < out.size() && word(compact.back()) && word(out[i + 1])) compact += ' ';
            continue;
        }
        compact += out[i];
    }
    return compact;
}

template <class T>
struct canonical_name;

template <class T>
std::string canonical_type_name();

template <class... Ts>
std::string canonical_list() {
    std::string out;
    ((out += (out.empty() ? "" : ",") + canonical_type_name<Ts>()), ...);
    return out;
}

template <class T>
concept has_type_name_trait = requires {
    { artifact_type_name<T>::value } -> std::convertible_to<std::string_view>;
};
template <class T>
concept has_type_name_member = requires {
    { T::lazyscribe_type_name } -> std::convertible_to<std::string_view>;
};

// Arithmetic types by what they hold (int32, uint64, float64): `long` and `long long` of one
// width are one name, as they are the same bytes in a portable archive. Others: the user's
// name, else the compiler's, normalised.
template <class T>
struct canonical_name {
    static std::string get() {
        if constexpr (has_type_name_trait<T>) {
            return std::string(std::string_view(artifact_type_name<T>::value));
        } else if constexpr (has_type_name_member<T>) {
            return std::string(std::string_view(T::lazyscribe_type_name));
        } else if constexpr (std::is_same_v<T, bool>) {
            return "bool";
        } else if constexpr (std::is_same_v<T, char>) {
            return "char";
        } else if constexpr (std::is_same_v<T, wchar_t>) {
            return "wchar";
        } else if constexpr (std::is_same_v<T, char8_t>) {
            return "char8";
        } else if constexpr (std::is_same_v<T, char16_t>) {
            return "char16";
        } else if constexpr (std::is_same_v<T, char32_t>) {
            return "char32";
        } else if constexpr (std::is_integral_v<T>) {
            return (std::is_signed_v<T> ? "int" : "uint") + std::to_string(sizeof(T) * 8);
        } else if constexpr (std::is_floating_point_v<T>) {
            constexpr int digits = std::numeric_limits<T>::digits;
            if constexpr (digits == 24)
                return "float32";
            else if constexpr (digits == 53)
                return "float64";
            else if constexpr (digits == 64)
                return "float80";
            else if constexpr (digits == 113)
                return "float128";
            else
                return "float" + std::to_string(sizeof(T) * 8);
        } else {
            return normalized_compiler_name(type_name<T>());
        }
    }
};

// Allocators, comparators, hashes and character traits are left out: they do not change the
// stored bytes, and their spelling differs between standard libraries.
template <class C, class Traits, class A>
struct canonical_name<std::basic_string<C, Traits, A>> {
    static std::string get() {
        if constexpr (std::is_same_v<C, char>)
            return "std::string";
        else
            return "std::basic_string<" + canonical_type_name<C>() + ">";
    }
};
template <class T, class A>
struct canonical_name<std::vector<T, A>> {
    static std::string get() { return "std::vector<" + canonical_type_name<T>() + ">"; }
};
template <class T, class A>
struct canonical_name<std::deque<T, A>> {
    static std::string get() { return "std::deque<" + canonical_type_name<T>() + ">"; }
};
template <class T, class A>
struct canonical_name<std::list<T, A>> {
    static std::string get() { return "std::list<" + canonical_type_name<T>() + ">"; }
};
template <class T, std::size_t N>
struct canonical_name<std::array<T, N>> {
    static std::string get() { return "std::array<" + canonical_type_name<T>() + "," + std::to_string(N) + ">"; }
};
template <class T, std::size_t N>
struct canonical_name<T[N]> {
    static std::string get() { return canonical_type_name<T>() + "[" + std::to_string(N) + "]"; }
};
template <class K, class V, class C, class A>
struct canonical_name<std::map<K, V, C, A>> {
    static std::string get() { return "std::map<" + canonical_list<K, V>() + ">"; }
};
template <class K, class V, class C, class A>
struct canonical_name<std::multimap<K, V, C, A>> {
    static std::string get() { return "std::multimap<" + canonical_list<K, V>() + ">"; }
};
template <class K, class V, class H, class E, class A>
struct canonical_name<std::unordered_map<K, V, H, E, A>> {
    static std::string get() { return "std::unordered_map<" + canonical_list<K, V>() + ">"; }
};
template <class K, class C, class A>
struct canonical_name<std::set<K, C, A>> {
    static std::string get() { return "std::set<" + canonical_type_name<K>() + ">"; }
};
template <class K, class C, class A>
struct canonical_name<std::multiset<K, C, A>> {
    static std::string get() { return "std::multiset<" + canonical_type_name<K>() + ">"; }
};
template <class K, class H, class E, class A>
struct canonical_name<std::unordered_set<K, H, E, A>> {
    static std::string get() { return "std::unordered_set<" + canonical_type_name<K>() + ">"; }
};
template <class A, class B>
struct canonical_name<std::pair<A, B>> {
    static std::string get() { return "std::pair<" + canonical_list<A, B>() + ">"; }
};
template <class... Ts>
struct canonical_name<std::tuple<Ts...>> {
    static std::string get() { return "std::tuple<" + canonical_list<Ts...>() + ">"; }
};
template <class... Ts>
struct canonical_name<std::variant<Ts...>> {
    static std::string get() { return "std::variant<" + canonical_list<Ts...>() + ">"; }
};
template <class T>
struct canonical_name<std::optional<T>> {
    static std::string get() { return "std::optional<" + canonical_type_name<T>() + ">"; }
};
template <class T, class D>
struct canonical_name<std::unique_ptr<T, D>> {
    static std::string get() { return "std::unique_ptr<" + canonical_type_name<T>() + ">"; }
};
template <class T>
struct canonical_name<std::shared_ptr<T>> {
    static std::string get() { return "std::shared_ptr<" + canonical_type_name<T>() + ">"; }
};

/// The canonical name of T (cv-qualifiers dropped): the same on every compiler and build for
/// arithmetic and standard types, the user's name where one is given (artifact_type_name or
/// a static `lazyscribe_type_name`), else the compiler's name normalised.
template <class T>
std::string canonical_type_name() {
    return canonical_name<std::remove_cv_t<T>>::get();
}

}  // namespace lazyscribe::detail

namespace lazyscribe {
/// @brief The name the cereal handler records for a value of type T (see docs/handlers.md).
template <class T>
std::string canonical_type_name() {
    return detail::canonical_type_name<T>();
}
}  // namespace lazyscribe
