#pragma once
/// @file detail/record.hpp
/// @brief One description per record of the file format (internal): a compile-time list of
/// fields (key, member, codec) from which the streaming writer, the typed streaming reader
/// and to_json all follow. Adding a field to a record is one line of its description.
///
/// A description lists its fields in the order they are written: sorted by key, as Python's
/// json.dump(sort_keys=True) writes them (checked at compile time). Keys the description
/// does not know are kept in an "extras" object and merged back in order when written.
///
/// A codec is a struct of static functions; each part is instantiated only when used:
///   using state = ...;                         what read() keeps until the object is complete
///   static constexpr int phase = 0 | 1 | 2 | 3;    when finish() runs (see below)
///   write(member_writer&, key, const T&)       appends the member (key and value)
///   to_json(const T&) -> json                  the value of the member
///   read(document_reader&, state&, T&, depth, Ctx&)            reads the value at the reader
///   read_value(const json&, state&, T&)                        the same from a parsed value
///   finish(state&, T&, const char* key, Ctx&, const Here&)    checks and stores, once read
/// Finishing runs phase 0 (the field naming the record in messages: `here` is then
/// ctx.where()), then phase 1 (everything else, in description order, here = ctx.here()),
/// then phase 2 (fields that need the others: artifacts and tests, placed in folders), then
/// phase 3 (a record whose checks must come in an order of their own: see at_phase).
/// Ctx is the record's read context: where(), here(), and what its own codecs ask for.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include <lazyscribe/detail/pyjson_member_writer.hpp>
#include <lazyscribe/detail/pyjson_options.hpp>
#include <lazyscribe/detail/pyjson_parser.hpp>
#include <lazyscribe/detail/pyjson_strings.hpp>
#include <lazyscribe/detail/pyjson_writer.hpp>
#include <lazyscribe/detail/record_reader.hpp>
#include <lazyscribe/detail/files.hpp>
#include <lazyscribe/detail/time.hpp>
#include <lazyscribe/errors.hpp>
#include <lazyscribe/fixed_string.hpp>
#include <lazyscribe/json.hpp>

namespace lazyscribe::detail::record {

using writer = pyjson::member_writer;

/// In place of a member pointer: the codec reads and writes the whole record (a field stored
/// in several members, e.g. an artifact's version and its null flag).
struct whole_t {};
inline constexpr whole_t whole{};

/// One field: its key in the file, where it lives in the record, how it is read and written.
template <fixed_string Key, auto Member, class Codec>
struct field {
    static constexpr fixed_string<Key.size()> name = Key;  // NUL-terminated: a const char* for messages
    static constexpr std::string_view key = name.view();
    static constexpr auto member = Member;
    using codec = Codec;
};

template <auto Member, class R>
constexpr decltype(auto) member_of(R& r) noexcept {
    if constexpr (std::is_same_v<std::remove_cv_t<decltype(Member)>, whole_t>) {
        return (r);
    } else {
        return (r.*Member);
    }
}

/// Whether the fields' keys are strictly increasing in the order Python's sort_keys writes
/// them (UTF-8 bytes: code point order).
template <class... Fields>
constexpr bool keys_sorted() {
    const std::string_view keys[] = {Fields::key...};
    for (std::size_t i = 1; i < sizeof...(Fields); ++i)
        if (!(keys[i - 1] < keys[i])) return false;
    return true;
}

/// A record's description: its fields, in the order they are written.
template <class... Fields>
struct description {
    static constexpr std::size_t size = sizeof...(Fields);
    using fields = std::tuple<Fields...>;
    static_assert(sizeof...(Fields) > 0, "lazyscribe: a record description needs a field");
    static_assert(keys_sorted<Fields...>(),
                  "lazyscribe: a record description lists its fields sorted by key, as "
                  "they are written");
};

/// A description whose fields are written in the order listed, not sorted (a format written
/// with json.dumps without sort_keys, as Python's releases file is).
template <class... Fields>
struct ordered_description {
    static constexpr std::size_t size = sizeof...(Fields);
    using fields = std::tuple<Fields...>;
    static_assert(sizeof...(Fields) > 0, "lazyscribe: a record description needs a field");
};

namespace impl {
template <class Desc, std::size_t I>
using field_at = std::tuple_element_t<I, typename Desc::fields>;

template <class Desc, std::size_t... I>
auto states_of(std::index_sequence<I...>) -> std::tuple<typename field_at<Desc, I>::codec::state...>;
template <class Desc>
using states_t = decltype(states_of<Desc>(std::make_index_sequence<Desc::size>{}));
}  // namespace impl

/// Appends the members of `r` and of `extras` (an object with sorted keys, or null) to `w`,
/// merged in key order: a key in both is written once, from the record. Does not finish `w`.
template <class Desc, class R, class Extras>
void write_members(writer& w, const R& r, const Extras& extras) {
    auto it = extras.cbegin();
    [&]<std::size_t... I>(std::index_sequence<I...>) {
        ((w.extras_before(extras, it, impl::field_at<Desc, I>::key),
          impl::field_at<Desc, I>::codec::write(w, impl::field_at<Desc, I>::key,
                                                member_of<impl::field_at<Desc, I>::member>(r))),
         ...);
    }
    (std::make_index_sequence<Desc::size>{});
    w.extras_rest(extras, it);
}

/// The record as a JSON object: its extras, then each field (the record's value wins).
template <class Desc, class R>
json to_json(const R& r, json extras) {
    if (!extras.is_object()) extras = json::object();
    [&]<std::size_t... I>(std::index_sequence<I...>) {
        ((extras[std::string(impl::field_at<Desc, I>::key)] =
              impl::field_at<Desc, I>::codec::to_json(member_of<impl::field_at<Desc, I>::member>(r))),
         ...);
    }
    (std::make_index_sequence<Desc::size>{});
    return extras;
}

namespace impl {
// Finishes the fields phase by phase (see the file comment), once the object is read.
template <class Desc, class R, class Ctx, class States>
void finish(R& r, Ctx& ctx, States& states) {
    const auto where = [&] { return ctx.where(); };
    const auto here = [&] { return ctx.here(); };
    const auto finish_phase = [&]<int Phase, std::size_t... I>(std::integral_constant<int, Phase>,
                                                               std::index_sequence<I...>) {
        const auto one = [&](auto index) {
            using F = field_at<Desc, decltype(index)::value>;
            if constexpr (F::codec::phase == Phase) {
                auto& value = member_of<F::member>(r);
                if constexpr (Phase == 0) {
                    F::codec::finish(std::get<decltype(index)::value>(states), value, F::name.data, ctx, where);
                } else {
                    F::codec::finish(std::get<decltype(index)::value>(states), value, F::name.data, ctx, here);
                }
            }
        };
        (one(std::integral_constant<std::size_t, I>{}), ...);
    };
    finish_phase(std::integral_constant<int, 0>{}, std::make_index_sequence<Desc::size>{});
    finish_phase(std::integral_constant<int, 1>{}, std::make_index_sequence<Desc::size>{});
    finish_phase(std::integral_constant<int, 2>{}, std::make_index_sequence<Desc::size>{});
    finish_phase(std::integral_constant<int, 3>{}, std::make_index_sequence<Desc::size>{});
}

template <class Desc, std::size_t... I>
constexpr bool known_key(std::string_view key, std::index_sequence<I...>) noexcept {
    return ((key == field_at<Desc, I>::key) || ...);
}
}  // namespace impl

/// Reads the object at the reader's position (its '{' not consumed yet) into `r`: known keys
/// through their codecs (a repeated key: the last one wins, as in Python), others into
/// `extras`; then finishes the fields phase by phase. Members sit at nesting level `depth`.
template <class Desc, class R, class Ctx>
void read(document_reader& reader, R& r, json& extras, std::size_t depth, Ctx& ctx) {
    impl::states_t<Desc> states{};
    reader.read_object([&](const std::string& member) {
        const std::string_view key = member;  // compared length first
        const bool known = [&]<std::size_t... I>(std::index_sequence<I...>) {
            return ((key == impl::field_at<Desc, I>::key &&
                     (impl::field_at<Desc, I>::codec::read(reader, std::get<I>(states),
                                                           member_of<impl::field_at<Desc, I>::member>(r), depth, ctx),
                      true)) ||
                    ...);
        }
        (std::make_index_sequence<Desc::size>{});
        if (!known) reader.read_one(extras[member], depth);
    });
    impl::finish<Desc>(r, ctx, states);
}

/// Reads `r` from an object already parsed (codecs with read_value); keys the description
/// does not know are dropped. The checks and messages are the streaming reader's.
template <class Desc, class R, class Ctx>
void read_json(const json& object, R& r, Ctx& ctx) {
    impl::states_t<Desc> states{};
    [&]<std::size_t... I>(std::index_sequence<I...>) {
        const auto one = [&](auto index) {
            using F = impl::field_at<Desc, decltype(index)::value>;
            if (const auto it = object.find(F::key); it != object.end()) {
                F::codec::read_value(*it, std::get<decltype(index)::value>(states), member_of<F::member>(r));
            }
        };
        (one(std::integral_constant<std::size_t, I>{}), ...);
    }
    (std::make_index_sequence<Desc::size>{});
    impl::finish<Desc>(r, ctx, states);
}

/// read_json that keeps the keys the description does not know: copied into `extras`.
template <class Desc, class R, class Ctx>
void read_json(const json& object, R& r, json& extras, Ctx& ctx) {
    for (const auto& [key, value] : object.items()) {
        if (!impl::known_key<Desc>(key, std::make_index_sequence<Desc::size>{})) extras[key] = value;
    }
    read_json<Desc>(object, r, ctx);
}

/// The record as an object of type Json (ordered_json keeps an ordered description's order).
template <class Desc, class Json, class R>
Json to_json_as(const R& r) {
    Json out = Json::object();
    [&]<std::size_t... I>(std::index_sequence<I...>) {
        ((out[std::string(impl::field_at<Desc, I>::key)] =
              Json(impl::field_at<Desc, I>::codec::to_json(member_of<impl::field_at<Desc, I>::member>(r)))),
         ...);
    }
    (std::make_index_sequence<Desc::size>{});
    return out;
}

/// A record as a whole document: the text pyjson::dump_to(to_json<Desc>(r, extras), options)
/// gives, written straight from the record (options.indent >= 0).
template <class Desc, class R, class Extras>
std::string write_text(const R& r, const Extras& extras, const pyjson::dump_options& options) {
    std::string out;
    writer w(out, options, options.initial_depth);
    write_members<Desc>(w, r, extras);
    w.finish();
    return out;
}

/// Reads a document that is one record object; `source` names it in syntax errors.
template <class Desc, class R, class Ctx>
void read_text(std::string_view text, const std::string& source, R& r, json& extras, Ctx& ctx) {
    document_reader reader(text, source);
    reader.check_no_bom();
    if (!next_starts_with(reader, '{', 0)) throw format_error(ctx.where() + ": expected an object");
    read<Desc>(reader, r, extras, 1, ctx);
    reader.expect_end();
}

// ---- Codecs

struct no_state {};

/// Codec with its checks moved to another phase: a record whose messages must come in an
/// order other than its keys' (an artifact checks name, handler, dates, version, fname).
template <class Codec, int Phase>
struct at_phase : Codec {
    static constexpr int phase = Phase;
};

/// A string that must be there.
struct text {
    using state = text_field;
    static constexpr int phase = 1;
    static void write(writer& w, std::string_view key, const std::string& v) { w.string(key, v); }
    static json to_json(const std::string& v) { return v; }
    template <class Ctx>
    static void read(document_reader& reader, state& s, std::string&, std::size_t depth, Ctx&) {
        s.read(reader, depth);
    }
    static void read_value(const json& j, state& s, std::string&) { s.assign(j); }
    template <class Ctx, class Here>
    static void finish(state& s, std::string& v, const char* key, Ctx&, const Here& here) {
        v = std::move(required_text(s, key, here));
    }
};

/// The string that names the record in messages (its name): finished first; while the
/// record is read, ctx.identity points to what was read so far (if Ctx has that member).
struct identity_text : text {
    static constexpr int phase = 0;
    template <class Ctx>
    static void read(document_reader& reader, state& s, std::string&, std::size_t depth, Ctx& ctx) {
        s.read(reader, depth);
        if constexpr (requires { ctx.identity = &s; }) ctx.identity = &s;
    }
};

/// A string that may be absent: then Default{}(ctx) (computed from fields finished before,
/// or from the reading context). Present, it must be a string.
template <class Default>
struct text_or : text {
    template <class Ctx, class Here>
    static void finish(state& s, std::string& v, const char* key, Ctx& ctx, const Here& here) {
        if (s.kind == text_field::absent) {
            v = Default{}(std::as_const(ctx));
        } else {
            v = optional_text(s, key, here, {});
        }
    }
};

/// text_or for a string that names a folder of the project (a slug): it must not lead out.
template <class Default>
struct folder_text_or : text_or<Default> {
    template <class Ctx, class Here>
    static void finish(text_field& s, std::string& v, const char* key, Ctx& ctx, const Here& here) {
        text_or<Default>::finish(s, v, key, ctx, here);
        if (const auto reason = outside_folder_reason(v); !reason.empty()) {
            throw format_error(here() + ": field '" + key + "': '" + printable(v) + "' " + reason);
        }
    }
};

/// A string, or null (std::nullopt) when absent or null.
struct nullable_text {
    using state = text_field;
    static constexpr int phase = 1;
    static void write(writer& w, std::string_view key, const std::optional<std::string>& v) {
        if (v) {
            w.string(key, *v);
        } else {
            w.raw(key, "null");
        }
    }
    static json to_json(const std::optional<std::string>& v) { return v ? json(*v) : json(nullptr); }
    template <class Ctx>
    static void read(document_reader& reader, state& s, std::optional<std::string>&, std::size_t depth, Ctx&) {
        s.read(reader, depth);
    }
    static void read_value(const json& j, state& s, std::optional<std::string>&) { s.assign(j); }
    template <class Ctx, class Here>
    static void finish(state& s, std::optional<std::string>& v, const char* key, Ctx&, const Here& here) {
        if (s.kind == text_field::other) throw format_error(here() + ": field '" + key + "' must be a string or null");
        if (s.is_text()) v = std::move(s.value);
    }
};

/// A date-time that must be there: "YYYY-MM-DDTHH:MM:SS".
struct time {
    using state = text_field;
    static constexpr int phase = 1;
    static void write(writer& w, std::string_view key, time_point v) {
        w.key(key);
        w.out() += '"';
        append_time(w.out(), v);
        w.out() += '"';
    }
    static json to_json(time_point v) { return format_time(v); }
    template <class Ctx>
    static void read(document_reader& reader, state& s, time_point&, std::size_t depth, Ctx&) {
        s.read(reader, depth);
    }
    static void read_value(const json& j, state& s, time_point&) { s.assign(j); }
    template <class Ctx, class Here>
    static void finish(state& s, time_point& v, const char* key, Ctx&, const Here& here) {
        v = required_time(s, key, here);
    }
};

/// A date-time or null (std::nullopt).
struct nullable_time {
    using state = text_field;
    static constexpr int phase = 1;
    static void write(writer& w, std::string_view key, const std::optional<time_point>& v) {
        if (v) {
            time::write(w, key, *v);
        } else {
            w.raw(key, "null");
        }
    }
    static json to_json(const std::optional<time_point>& v) { return v ? json(format_time(*v)) : json(nullptr); }
    template <class Ctx>
    static void read(document_reader& reader, state& s, std::optional<time_point>&, std::size_t depth, Ctx&) {
        s.read(reader, depth);
    }
    static void read_value(const json& j, state& s, std::optional<time_point>&) { s.assign(j); }
    template <class Ctx, class Here>
    static void finish(state& s, std::optional<time_point>& v, const char* key, Ctx&, const Here& here) {
        if (s.kind == text_field::absent || s.kind == text_field::null) return;
        if (!s.is_text()) throw format_error(here() + ": field '" + key + "' must be a date-time string or null");
        const auto t = parse_time(s.value);
        if (!t) throw format_error(here() + ": field '" + key + "' is not a date-time: '" + s.value + "'");
        v = *t;
    }
};

/// A JSON object (metrics, parameters): any value while read, an object once finished.
struct json_object {
    using state = no_state;
    static constexpr int phase = 1;
    static void write(writer& w, std::string_view key, const json& v) { w.value(key, v); }
    static json to_json(const json& v) { return v; }
    template <class Ctx>
    static void read(document_reader& reader, state&, json& v, std::size_t depth, Ctx&) {
        reader.read_one(v, depth);
    }
    static void read_value(const json& j, state&, json& v) { v = j; }
    template <class Ctx, class Here>
    static void finish(state&, json& v, const char* key, Ctx&, const Here& here) {
        if (!v.is_object()) throw format_error(here() + ": field '" + key + "' must be an object");
    }
};

/// An array of strings (tags); absent is empty.
struct string_array {
    using state = string_array_status;
    static constexpr int phase = 1;
    static void write(writer& w, std::string_view key, const std::vector<std::string>& v) {
        w.array(key, v.size(), [&](std::size_t i, std::size_t) {
            pyjson::impl::append_string(w.out(), v[i], w.options().ensure_ascii);
        });
    }
    static json to_json(const std::vector<std::string>& v) { return v; }
    template <class Ctx>
    static void read(document_reader& reader, state& s, std::vector<std::string>& v, std::size_t depth, Ctx&) {
        read_string_array(reader, v, s, depth);
    }
    static void read_value(const json& j, state& s, std::vector<std::string>& v) {
        v.clear();
        s = string_array_status{true, j.is_array(), string_array_status::none};
        if (!s.is_array) return;
        for (std::size_t i = 0; i < j.size(); ++i) {
            if (j[i].is_string()) {
                v.push_back(j[i].get<std::string>());
            } else if (s.first_not_string == string_array_status::none) {
                s.first_not_string = i;
            }
        }
    }
    template <class Ctx, class Here>
    static void finish(state& s, std::vector<std::string>&, const char* key, Ctx&, const Here& here) {
        if (!s.is_array || s.first_not_string != string_array_status::none) {
            throw format_error(here() + ": field '" + key + "' must be an array of strings");
        }
    }
};

/// The artifact metadata array of an experiment or test (a basic_artifact_set). Read as JSON
/// (an empty array takes a fast path); placed by ctx.finish_artifacts(set, entries) once the
/// record's folder is known.
struct artifact_list {
    using state = std::optional<json>;
    static constexpr int phase = 2;
    template <class Set>
    static void write(writer& w, std::string_view key, const Set& v) {
        w.array(key, v.size(), [&](std::size_t i, std::size_t depth) {
            v.begin()[static_cast<std::ptrdiff_t>(i)].write_json(w.out(), w.options(), depth);
        });
    }
    template <class Set>
    static json to_json(const Set& v) {
        return v.to_json();
    }
    template <class Set, class Ctx>
    static void read(document_reader& reader, state& s, Set&, std::size_t depth, Ctx&) {
        if (reader.consume_empty_array()) {
            s.reset();  // what Python writes for most entries: nothing to keep
        } else {
            read_json_field(reader, s, depth);
        }
    }
    template <class Set, class Ctx, class Here>
    static void finish(state& s, Set& v, const char*, Ctx& ctx, const Here&) {
        ctx.finish_artifacts(v, s);
    }
};

}  // namespace lazyscribe::detail::record
