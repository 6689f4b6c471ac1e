#pragma once
/// @file detail/record_reader.hpp
/// @brief The typed reader's toolkit: steps through a project file's objects and reads
/// fields whose type is checked once the whole object is read (internal).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <lazyscribe/detail/pyjson_parser.hpp>
#include <lazyscribe/detail/time.hpp>
#include <lazyscribe/errors.hpp>
#include <lazyscribe/json.hpp>

namespace lazyscribe::detail {

// Reads a project file piece by piece (see basic_project's loader).
using document_reader = pyjson::impl::parser<json>;

// Nesting levels in a project file: [ experiment { member value, tests [ test { member value.
inline constexpr std::size_t experiment_member_depth = 2;
inline constexpr std::size_t test_depth = 3;
inline constexpr std::size_t test_member_depth = 4;

// True if the value at the reader's position starts with `first` ('{', '[' or '"');
// otherwise reads the value, so that its syntax is still checked, and returns false.
inline bool next_starts_with(document_reader& reader, char first, std::size_t depth) {
    if (reader.peek() == first) return true;
    json ignored;
    reader.read_one(ignored, depth);
    return false;
}

// A field read from a file whose type is checked once the whole object is read: the last
// occurrence of a repeated key wins, as in Python's json.load.
struct text_field {
    enum kind_t { absent, text, null, other } kind = absent;
    std::string value;

    void read(document_reader& reader, std::size_t depth) {
        const char next = reader.peek();
        if (next == '"') {
            value.clear();
            reader.read_string_value(value);
            kind = text;
            return;
        }
        json ignored;
        reader.read_one(ignored, depth);
        kind = ignored.is_null() ? null : other;
    }
    // The same from a value already parsed (a document read whole).
    void assign(const json& v) {
        if (v.is_string()) {
            value = v.get_ref<const std::string&>();
            kind = text;
        } else {
            kind = v.is_null() ? null : other;
        }
    }
    [[nodiscard]] bool is_text() const noexcept { return kind == text; }
};

// An array of strings read into `out`; how it went, for an error once the object is read.
struct string_array_status {
    static constexpr std::size_t none = static_cast<std::size_t>(-1);
    bool present = false;
    bool is_array = true;
    std::size_t first_not_string = none;  // index of the first element that is not a string
};

inline void read_string_array(document_reader& reader, std::vector<std::string>& out, string_array_status& status,
                              std::size_t depth) {
    out.clear();
    status = string_array_status{true, true, string_array_status::none};
    if (!next_starts_with(reader, '[', depth)) {
        status.is_array = false;
        return;
    }
    reader.read_array([&](std::size_t i) {
        if (next_starts_with(reader, '"', depth + 1)) {
            reader.read_string_value(out.emplace_back());
        } else if (status.first_not_string == string_array_status::none) {
            status.first_not_string = i;
        }
    });
}

// A field kept as JSON until the object is complete.
inline void read_json_field(document_reader& reader, std::optional<json>& field, std::size_t depth) {
    field.emplace();
    reader.read_one(*field, depth);
}

template <class Where>
std::string& required_text(text_field& field, const char* key, const Where& where) {
    if (field.kind == text_field::absent) throw format_error(where() + ": missing field '" + key + "'");
    if (!field.is_text()) throw format_error(where() + ": field '" + key + "' must be a string");
    return field.value;
}

template <class Where>
time_point required_time(text_field& field, const char* key, const Where& where) {
    const std::string& text = required_text(field, key, where);
    const auto t = parse_time(text);
    if (!t) throw format_error(where() + ": field '" + key + "' is not a date-time: '" + text + "'");
    return *t;
}

template <class Where>
std::string optional_text(text_field& field, const char* key, const Where& where, std::string fallback) {
    if (field.kind == text_field::absent) return fallback;
    if (!field.is_text()) throw format_error(where() + ": field '" + key + "' must be a string");
    return std::move(field.value);
}

}  // namespace lazyscribe::detail
