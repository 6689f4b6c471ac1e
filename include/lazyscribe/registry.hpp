#pragma once
/// @file registry.hpp
/// @brief handler_list: the compile-time registry of artifact handlers.
///
/// A handler_list names every handler a program can read and write. Aliases are looked up
/// with a hash table that is built at compile time, so
/// - `List::handler_t<"json">` names a handler from its alias at compile time, and an unknown
///   alias does not compile;
/// - `List::visit(alias, f)` resolves an alias read from a file at run time and calls
///   `f(std::type_identity<H>{})` through a jump table: no allocation, no virtual call, no map.

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include <boost/hana/at.hpp>
#include <boost/hana/tuple.hpp>
#include <boost/hana/type.hpp>

#include <lazyscribe/errors.hpp>
#include <lazyscribe/fixed_string.hpp>
#include <lazyscribe/handler.hpp>

namespace lazyscribe {

namespace detail {

// ---- hashing: the same function runs at compile time (to build the table) and at run time

template <std::size_t Bytes>
constexpr std::uint64_t load_bytes(const char* p) noexcept {
    if (std::is_constant_evaluated()) {
        std::uint64_t v = 0;
        for (std::size_t i = 0; i < Bytes; ++i) {
            const auto byte = static_cast<std::uint64_t>(static_cast<unsigned char>(p[i]));
            if constexpr (std::endian::native == std::endian::little) {
                v |= byte << (8 * i);
            } else {
                v |= byte << (8 * (Bytes - 1 - i));
            }
        }
        return v;
    } else {
        // A fixed-size copy compiles to one load.
        if constexpr (Bytes == 8) {
            std::uint64_t v;
            std::memcpy(&v, p, 8);
            return v;
        } else {
            std::uint32_t v;
            std::memcpy(&v, p, 4);
            return v;
        }
    }
}

constexpr std::uint64_t mix(std::uint64_t h) noexcept {
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return h;
}

/// Two words and the length that stand for an alias. Up to 16 bytes they hold every byte
/// (the first and last 4 or 8 bytes overlap, as the wyhash/xxh3 family reads short input),
/// so equal keys mean equal strings and a hit needs no memcmp; longer aliases fold the rest
/// into the first word and are compared in full.
struct alias_key {
    std::uint64_t a = 0;
    std::uint64_t b = 0;
    std::size_t n = 0;
    friend constexpr bool operator==(const alias_key&, const alias_key&) = default;
};

constexpr alias_key key_of(std::string_view s) noexcept {
    const std::size_t n = s.size();
    const char* p = s.data();
    alias_key k{0, 0, n};
    if (n >= 8) {
        if (n <= 16) {
            k.a = load_bytes<8>(p);
        } else {
            for (std::size_t i = 0; i + 8 < n; i += 8) k.a = (k.a ^ load_bytes<8>(p + i)) * 0x9e3779b97f4a7c15ULL;
        }
        k.b = load_bytes<8>(p + n - 8);
    } else if (n >= 4) {
        k.a = load_bytes<4>(p);
        k.b = load_bytes<4>(p + n - 4);
    } else if (n > 0) {
        k.a = (static_cast<std::uint64_t>(static_cast<unsigned char>(p[0])) << 16) |
              (static_cast<std::uint64_t>(static_cast<unsigned char>(p[n / 2])) << 8) |
              static_cast<std::uint64_t>(static_cast<unsigned char>(p[n - 1]));
    }
    return k;
}

constexpr std::uint64_t alias_hash(const alias_key& k) noexcept {
    return mix((k.a * 0xc2b2ae3d27d4eb4fULL) ^ (k.b + 0x165667b19e3779f9ULL) ^ (static_cast<std::uint64_t>(k.n) << 56));
}

constexpr std::uint64_t alias_hash(std::string_view s) noexcept { return alias_hash(key_of(s)); }

/// Open-addressing table of aliases, built at compile time. Load factor at most 1/4, so a
/// probe sequence is almost always one slot long. Each slot holds the alias's key next to
/// its index (0 = empty, else index + 1): a hit reads one slot and compares three words.
template <std::size_t N>
struct alias_table {
    static constexpr std::size_t slot_count = std::bit_ceil(N * 4 < 8 ? std::size_t{8} : N * 4);
    static constexpr std::size_t npos = static_cast<std::size_t>(-1);

    struct slot {
        alias_key key{};
        std::size_t index_plus_one = 0;
    };

    std::array<std::string_view, N> aliases{};
    std::array<slot, slot_count> slots{};

    constexpr explicit alias_table(const std::array<std::string_view, N>& names) : aliases(names) {
        for (std::size_t i = 0; i < N; ++i) {
            const alias_key k = key_of(names[i]);
            std::size_t pos = alias_hash(k) & (slot_count - 1);
            while (slots[pos].index_plus_one != 0) pos = (pos + 1) & (slot_count - 1);
            slots[pos] = slot{k, i + 1};
        }
    }

    [[nodiscard]] constexpr std::size_t find(std::string_view alias) const noexcept {
        const alias_key k = key_of(alias);
        for (std::size_t pos = alias_hash(k) & (slot_count - 1);; pos = (pos + 1) & (slot_count - 1)) {
            const slot& s = slots[pos];
            if (s.index_plus_one == 0) return npos;
            if (s.key == k && (k.n <= 16 || aliases[s.index_plus_one - 1] == alias)) return s.index_plus_one - 1;
        }
    }
};

// Returns the index of the first alias that repeats an earlier one, or npos.
template <std::size_t N>
constexpr std::size_t first_duplicate(const std::array<std::string_view, N>& names) noexcept {
    for (std::size_t j = 0; j < N; ++j) {
        for (std::size_t i = 0; i < j; ++i) {
            if (names[i] == names[j]) return j;
        }
    }
    return static_cast<std::size_t>(-1);
}

// ---- names in diagnostics. static_assert messages must be literals, so the alias and the
// registered aliases are carried as template arguments of the type whose `::value` fails:
// the compiler prints them in its note. g++ prints a fixed_string as "json"; clang 14
// prints class NTTPs as numbers, so there a character pack reads better.
#if defined(__clang__)
template <char... C>
struct alias {};
template <fixed_string S, std::size_t... I>
auto make_alias_name(std::index_sequence<I...>) -> alias<S.data[I]...>;
template <fixed_string S>
using alias_name = decltype(make_alias_name<S>(std::make_index_sequence<S.size()>{}));
#else
template <fixed_string S>
struct alias {};
template <fixed_string S>
using alias_name = alias<S>;
#endif

template <class H>
inline constexpr auto alias_string_of = fixed_string<std::string_view(H::alias).size()>(std::string_view(H::alias));

template <class... Aliases>
struct registered_aliases {};

/// Fails (value == Known == false) with the requested and the registered aliases in view.
// `value` is declared here, not inherited, so that g++ prints this type in its note.
template <class RequestedAlias, class Registered, bool Known>
struct handler_alias_is_registered {
    static constexpr bool value = Known;
};

template <class DuplicatedAlias, class FirstHandler, class SecondHandler, bool Unique>
struct handler_aliases_are_unique {
    static constexpr bool value = Unique;
};

// What to do about an alias lazyscribe ships but does not register by default; empty for others.
inline std::string opt_in_hint(std::string_view alias) {
    if (alias != "cereal") return {};
    return " (the cereal handler is opt-in: #include <lazyscribe/handlers/cereal.hpp> and open the project or "
           "repository with the handler list lazyscribe::with_cereal)";
}

[[noreturn]] inline void throw_unknown_handler(std::string_view alias, const std::string_view* registered,
                                               std::size_t count) {
    // Appended piece by piece: `"literal" + std::string` trips GCC 12's false -Wrestrict at -O3.
    std::string message = "no artifact handler with alias '";
    message.append(alias).append("' is registered; registered: ");
    for (std::size_t i = 0; i < count; ++i) {
        if (i != 0) message += ", ";
        message.append("'").append(registered[i]).append("'");
    }
    if (count == 0) message += "(none)";
    message += opt_in_hint(alias);
    throw unknown_handler_error(message);
}

template <class H, class F>
decltype(auto) invoke_with_handler(F&& f) {
    return std::forward<F>(f)(std::type_identity<H>{});
}

// with<...> appends handlers, or the members of whole handler_lists (a package's list).
template <class List, class... More>
struct append_handlers;

/// Takes the place of every member of a handler_list that failed its check (the failure is
/// already reported, once). It accepts every value type and every lookup finds it, so the
/// code that uses the list (log_artifact, load_artifact, visit) compiles quietly instead of
/// adding pages of errors that all follow from the first.
struct invalid_handler_stand_in {
    static constexpr std::string_view alias = "lazyscribe-invalid-handler";
    static constexpr std::string_view suffix = "invalid";
    static constexpr bool binary = false;
    static constexpr bool output_only = false;
    template <class T>
    static void write(const T&, std::ostream&, const json&) {}
    template <class T>
    [[noreturn]] static T read(std::istream&, const json&) {
        throw unknown_handler_error("lazyscribe: the handler list failed its compile-time check");
    }
};

}  // namespace detail

/// @brief A compile-time list of artifact handlers (see ArtifactHandler).
///
/// Every member is checked: a type that is not a handler, or two handlers with the same
/// alias, stop compilation with a message naming the member or the alias.
/// @code
/// using handlers = lazyscribe::builtin_handlers::with<my_csv_handler>;
/// using csv = handlers::handler_t<"csv">;
/// handlers::visit(alias_from_file, [&](auto h) { using H = typename decltype(h)::type; ... });
/// @endcode
template <class... H>
struct handler_list {
private:
    // Each member that fails reports the first requirement it misses (one static_assert, in
    // detail::check_handler); nothing else here names a member that failed. A fold, not
    // std::conjunction: it keeps the "required from" chain in the diagnostic four lines shorter.
    static constexpr bool members_valid = (detail::check_handler<H>() && ...);
    template <class X>
    using usable = std::conditional_t<members_valid, X, detail::invalid_handler_stand_in>;

public:
    /// @brief Number of handlers.
    static constexpr std::size_t size = sizeof...(H);
    /// @brief Returned by index_of for an unknown alias.
    static constexpr std::size_t npos = static_cast<std::size_t>(-1);
    /// @brief The handler types as a Boost.Hana tuple of types, for hana algorithms.
    static constexpr auto types = boost::hana::tuple_t<usable<H>...>;
    /// @brief The aliases, in list order.
    static constexpr std::array<std::string_view, size> aliases{std::string_view(usable<H>::alias)...};

private:
    static constexpr std::size_t duplicate = members_valid ? detail::first_duplicate(aliases) : npos;
    template <std::size_t I>
    using at = typename decltype(+boost::hana::at_c<I>(types))::type;

    template <std::size_t Dup>
    static constexpr bool check_unique() {
        if constexpr (Dup != npos) {
            constexpr std::size_t first = [] {
                for (std::size_t i = 0; i < Dup; ++i)
                    if (aliases[i] == aliases[Dup]) return i;
                return Dup;
            }();
            static_assert(detail::handler_aliases_are_unique<detail::alias_name<detail::alias_string_of<at<Dup>>>,
                                                             at<first>, at<Dup>, false>::value,
                          "lazyscribe: two handlers in a handler_list share an alias (named in the note below)");
            return false;
        }
        return true;
    }
    static_assert(check_unique<duplicate>() || true);  // NOLINT(readability-simplify-boolean-expr): for its own assert

    static constexpr detail::alias_table<size> table{aliases};

public:
    /// @brief Index of the handler with this alias, or npos. Usable at compile time.
    [[nodiscard]] static constexpr std::size_t index_of(std::string_view alias) noexcept {
        if constexpr (!members_valid) {
            // Already reported: every alias "is" the stand-in, so no second error follows.
            (void)alias;
            return 0;
        } else if constexpr (size == 0) {
            (void)alias;
            return npos;
        } else {
            return table.find(alias);
        }
    }

    /// @brief Whether a handler with this alias is in the list. Usable at compile time.
    [[nodiscard]] static constexpr bool contains(std::string_view alias) noexcept { return index_of(alias) != npos; }

    /// @brief The alias checked at compile time: names the aliases on failure.
    template <fixed_string Alias>
    static constexpr std::size_t checked_index() {
        if constexpr (members_valid) {
            using registered = detail::registered_aliases<detail::alias_name<detail::alias_string_of<H>>...>;
            static_assert(contains(Alias.view()) || Alias.view() != "cereal",
                          "lazyscribe: the cereal handler is opt-in, so that only programs that use it include "
                          "cereal: #include <lazyscribe/handlers/cereal.hpp> and use the handler list "
                          "lazyscribe::with_cereal (e.g. lazyscribe::basic_project<lazyscribe::with_cereal>)");
            static_assert(
                detail::handler_alias_is_registered < detail::alias_name<Alias>, registered,
                contains(Alias.view()) || Alias.view() == "cereal" > ::value,
                "lazyscribe: no handler with this alias is in the handler list (the note below names the alias "
                "and the registered ones)");
        }
        return contains(Alias.view()) ? index_of(Alias.view()) : 0;
    }

    /// @brief The handler type at index I.
    template <std::size_t I>
    using handler_at = at<I>;

    /// @brief The handler registered under Alias; an unknown alias does not compile.
    template <fixed_string Alias>
    using handler_t = at<checked_index<Alias>()>;

    /// @brief This list with more handlers appended; a handler_list given here (a package's
    /// handlers) contributes its members.
    template <class... More>
    using with = typename detail::append_handlers<handler_list, More...>::type;

    /// @brief Calls `f(std::type_identity<Handler>{})` for the handler at index i.
    /// Every instantiation of f must return the same type.
    template <class F>
    static decltype(auto) visit_index(std::size_t index, F&& f) {
        if constexpr (size == 0) {
            (void)f;
            throw unknown_handler_error("handler index " + std::to_string(index) +
                                        " is out of range: the list is empty");
        } else {
            using result = decltype(detail::invoke_with_handler<at<0>>(std::forward<F>(f)));
            static_assert(
                (std::is_same_v<result, decltype(detail::invoke_with_handler<usable<H>>(std::forward<F>(f)))> && ...),
                "lazyscribe: visit: the visitor must return the same type for every handler");
            // A jump table of plain function pointers: the run-time counterpart of a switch.
            static constexpr std::array<result (*)(F &&), size> jump{&detail::invoke_with_handler<usable<H>, F>...};
            if (index >= size) {
                throw unknown_handler_error("handler index " + std::to_string(index) +
                                            " is out of range: the list has " + std::to_string(size) + " handlers");
            }
            return jump[index](std::forward<F>(f));
        }
    }

    /// @brief Resolves an alias known only at run time (read from a file) and calls
    /// `f(std::type_identity<Handler>{})`. Throws unknown_handler_error naming the alias and
    /// the registered aliases when it is not in the list.
    template <class F>
    static decltype(auto) visit(std::string_view alias, F&& f) {
        const std::size_t index = index_of(alias);
        if (index == npos) detail::throw_unknown_handler(alias, aliases.data(), size);
        return visit_index(index, std::forward<F>(f));
    }
};

namespace detail {
template <class... H>
struct append_handlers<handler_list<H...>> {
    using type = handler_list<H...>;
};
template <class... H, class... L, class... More>
struct append_handlers<handler_list<H...>, handler_list<L...>, More...>
    : append_handlers<handler_list<H..., L...>, More...> {};
template <class... H, class Next, class... More>
struct append_handlers<handler_list<H...>, Next, More...> : append_handlers<handler_list<H..., Next>, More...> {};
}  // namespace detail

/// @brief The handler registered under Alias in List; an unknown alias does not compile.
template <class List, fixed_string Alias>
using handler_t = typename List::template handler_t<Alias>;

}  // namespace lazyscribe
