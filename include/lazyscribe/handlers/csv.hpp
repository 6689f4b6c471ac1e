#pragma once
/// @file handlers/csv.hpp
/// @brief The `csv` handler: a `lazyscribe::table` (named, typed, nullable columns) as a CSV file
/// with a header row, under the alias and suffix of lazyscribe-arrow's `CSVArtifact` ("csv"),
/// readable by Python's `csv` module and `pyarrow.csv.read_csv`. Opt-in: add it to a list,
/// `lazyscribe::builtin_handlers::with<lazyscribe::csv_handler>`.
///
/// Written as pyarrow.csv.write_csv writes by default: "\n" after each row, the header names and
/// every string quoted, nulls as empty fields, bools as true/false; doubles as Python's repr, so
/// they read back exactly. Reading infers each column's type as pyarrow does (int64, then bool,
/// then double, else string), except that a quoted cell is always text, so that what was written
/// as a string reads back as a string. docs/handlers.md ("csv: tables") lists what pyarrow's
/// reader does differently.

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <istream>
#include <iterator>
#include <limits>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include <lazyscribe/detail/pyjson_numbers.hpp>
#include <lazyscribe/errors.hpp>
#include <lazyscribe/handler.hpp>
#include <lazyscribe/json.hpp>

namespace lazyscribe {

/// @brief The type of a table column. The order is that of `table::column_data`'s alternatives.
enum class column_type { int64, float64, string, boolean };

/// @brief pyarrow's name of the type ("int64", "double", "string", "bool"), as messages and the
/// csv reader's `column_types` kwarg spell it.
constexpr std::string_view column_type_name(column_type type) noexcept {
    switch (type) {
    case column_type::int64:
        return "int64";
    case column_type::float64:
        return "double";
    case column_type::string:
        return "string";
    case column_type::boolean:
        return "bool";
    }
    return "?";
}

/// @brief The C++ types a column stores: `table::column<T>` takes exactly one of these.
template <class T>
concept table_cell =
    std::same_as<T, std::int64_t> || std::same_as<T, double> || std::same_as<T, std::string> || std::same_as<T, bool>;

/// @brief The column_type of a stored C++ type.
template <table_cell T>
constexpr column_type column_type_of() noexcept {
    if constexpr (std::is_same_v<T, std::int64_t>) {
        return column_type::int64;
    } else if constexpr (std::is_same_v<T, double>) {
        return column_type::float64;
    } else if constexpr (std::is_same_v<T, std::string>) {
        return column_type::string;
    } else {
        return column_type::boolean;
    }
}

namespace detail::csv {

template <class E>
struct storage_of {};
template <>
struct storage_of<bool> {
    using type = bool;
};
// Any integer that fits int64 (not the character types, which are text, nor uint64, which may not fit).
template <class E>
requires(std::is_integral_v<E> && !std::is_same_v<E, bool> && !std::is_same_v<E, char> && !std::is_same_v<E, wchar_t> &&
         !std::is_same_v<E, char8_t> && !std::is_same_v<E, char16_t> && !std::is_same_v<E, char32_t> &&
         (std::is_signed_v<E> || sizeof(E) < sizeof(std::int64_t))) struct storage_of<E> {
    using type = std::int64_t;
};
template <>
struct storage_of<float> {
    using type = double;
};
template <>
struct storage_of<double> {
    using type = double;
};
template <>
struct storage_of<std::string> {
    using type = std::string;
};
template <>
struct storage_of<std::string_view> {
    using type = std::string;
};
template <>
struct storage_of<const char*> {
    using type = std::string;
};

}  // namespace detail::csv

/// @brief Element types `table::add_column` accepts: bool, integers that fit int64, float and
/// double, and text (std::string, std::string_view, const char*), each stored as its `table_cell`.
template <class E>
concept table_column_element = requires {
    typename detail::csv::storage_of<E>::type;
};

/// @brief A table of named, typed columns of equal length; any cell may be null. What the csv
/// handler writes and reads.
///
/// @code
/// lazyscribe::table t;
/// t.add_column("epoch", std::vector<std::int64_t>{1, 2, 3})
///  .add_column("loss", std::vector<std::optional<double>>{0.5, std::nullopt, 0.125});
/// const auto& loss = t.column<double>("loss");  // std::vector<std::optional<double>>
/// @endcode
class table {
public:
    /// @brief One column's cells; std::nullopt is a null (an empty CSV field).
    template <table_cell T>
    using values = std::vector<std::optional<T>>;
    /// @brief A column of any type; `index()` is its `column_type`.
    using column_data = std::variant<values<std::int64_t>, values<double>, values<std::string>, values<bool>>;

    /// @brief Appends a column of cells without nulls. Throws format_error, naming the column, when
    /// the name is taken or the length differs from the other columns'.
    template <table_column_element E>
    table& add_column(std::string name, const std::vector<E>& cells) {
        using S = typename detail::csv::storage_of<E>::type;
        values<S> out;
        out.reserve(cells.size());
        for (const E& cell : cells) out.push_back(convert<S>(cell));
        return add(std::move(name), std::move(out));
    }
    /// @brief Appends a column that may hold nulls (std::nullopt).
    template <table_column_element E>
    table& add_column(std::string name, const std::vector<std::optional<E>>& cells) {
        using S = typename detail::csv::storage_of<E>::type;
        values<S> out;
        out.reserve(cells.size());
        for (const auto& cell : cells) out.push_back(cell ? convert<S>(*cell) : std::nullopt);
        return add(std::move(name), std::move(out));
    }
    /// @brief Appends a column of the stored type, without a copy.
    template <table_cell T>
    table& add_column(std::string name, values<T>&& cells) {
        return add(std::move(name), std::move(cells));
    }
    /// @brief `t.add_column("lr", {0.1, 0.01})`, `t.add_column("model", {"a", "b"})`.
    template <table_column_element E>
    table& add_column(std::string name, std::initializer_list<E> cells) {
        return add_column(std::move(name), std::vector<E>(cells));
    }

    /// @brief The number of rows (0 for a table without columns).
    std::size_t rows() const noexcept { return rows_; }
    /// @brief The number of columns.
    std::size_t columns() const noexcept { return names_.size(); }
    /// @brief The column names, in order.
    const std::vector<std::string>& names() const noexcept { return names_; }
    /// @brief Whether a column has this name.
    bool contains(std::string_view name) const noexcept {
        return std::find(names_.begin(), names_.end(), name) != names_.end();
    }
    /// @brief The position of a column; not_found_error naming the columns there are.
    std::size_t index_of(std::string_view name) const {
        const auto it = std::find(names_.begin(), names_.end(), name);
        if (it == names_.end()) {
            throw not_found_error("table: no column '" + std::string(name) + "' (columns: " + listed() + ")");
        }
        return static_cast<std::size_t>(it - names_.begin());
    }
    /// @brief A column's type, by name or position.
    column_type type(std::string_view name) const { return type(index_of(name)); }
    column_type type(std::size_t index) const { return static_cast<column_type>(data(index).index()); }
    /// @brief A column's cells of any type (std::visit them), by position.
    const column_data& data(std::size_t index) const {
        if (index >= data_.size()) {
            throw not_found_error("table: no column " + std::to_string(index) + " (the table has " +
                                  std::to_string(data_.size()) + ")");
        }
        return data_[index];
    }
    /// @brief A column's cells as T, by name or position; format_error if it holds another type.
    template <table_cell T>
    const values<T>& column(std::string_view name) const {
        return column<T>(index_of(name));
    }
    template <table_cell T>
    const values<T>& column(std::size_t index) const {
        const auto& d = data(index);
        if (const auto* v = std::get_if<values<T>>(&d)) return *v;
        throw format_error("table: column '" + names_[index] + "' holds " + std::string(column_type_name(type(index))) +
                           ", not " + std::string(column_type_name(column_type_of<T>())));
    }

    /// @brief Same names, types and cells, in the same order. NaN equals NaN (as pandas'
    /// `DataFrame.equals`), so that a table read back compares equal to the one written.
    friend bool operator==(const table& a, const table& b) {
        if (a.names_ != b.names_ || a.rows_ != b.rows_) return false;
        for (std::size_t i = 0; i < a.data_.size(); ++i) {
            if (a.data_[i].index() != b.data_[i].index()) return false;
            if (const auto* x = std::get_if<values<double>>(&a.data_[i])) {
                const auto& y = std::get<values<double>>(b.data_[i]);
                const auto same = [](const std::optional<double>& p, const std::optional<double>& q) {
                    if (!p || !q) return p.has_value() == q.has_value();
                    return *p == *q || (std::isnan(*p) && std::isnan(*q));
                };
                if (!std::equal(x->begin(), x->end(), y.begin(), y.end(), same)) return false;
            } else if (a.data_[i] != b.data_[i]) {
                return false;
            }
        }
        return true;
    }

private:
    template <class S, class E>
    static std::optional<S> convert(const E& cell) {
        if constexpr (std::is_pointer_v<E>) {
            if (cell == nullptr) return std::nullopt;  // a null C string is a null cell
        }
        return S(cell);
    }

    template <table_cell T>
    table& add(std::string name, values<T>&& cells) {
        if (contains(name)) throw format_error("table: a column named '" + name + "' is already there");
        if (!names_.empty() && cells.size() != rows_) {
            throw format_error("table: column '" + name + "' has " + std::to_string(cells.size()) +
                               " values, the table's other columns have " + std::to_string(rows_));
        }
        rows_ = cells.size();
        names_.push_back(std::move(name));
        data_.emplace_back(std::move(cells));
        return *this;
    }

    std::string listed() const {
        std::string out;
        for (const auto& n : names_) out += (out.empty() ? "'" : ", '") + n + "'";
        return out.empty() ? "none" : out;
    }

    std::vector<std::string> names_;
    std::vector<column_data> data_;
    std::size_t rows_ = 0;
};

namespace detail::csv {

/// Writer kwargs, as pyarrow's WriteOptions names them.
struct write_options {
    char delimiter = ',';
    bool include_header = true;
    bool quote_all_strings = true;  // quoting_style "needed" (pyarrow); false: "minimal"
    std::string_view eol = "\n";
};

/// Reader kwargs.
struct read_options {
    char delimiter = ',';
    std::vector<std::pair<std::string, column_type>> column_types;
    std::optional<std::vector<std::string>> column_names;  // set: the file has no header row
};

inline const json& kwargs_object(const json& kwargs, std::string_view what) {
    static const json empty = json::object();
    if (kwargs.is_null()) return empty;
    if (!kwargs.is_object()) {
        throw format_error("csv: the " + std::string(what) + " kwargs must be an object; given: " + kwargs.dump());
    }
    return kwargs;
}

// Letters, digits, '.', '+' and '-' appear in written numbers and bools, so they cannot separate them.
inline char delimiter_from(const json& value) {
    const auto fail = [&]() -> char {
        throw format_error(
            "csv: kwarg 'delimiter' must be a string of one ASCII character other than a letter, a digit, '.', '+', "
            "'-', '\"', CR or LF; given: " +
            value.dump());
    };
    if (!value.is_string()) return fail();
    const auto& s = value.get_ref<const std::string&>();
    if (s.size() != 1) return fail();
    const auto c = static_cast<unsigned char>(s[0]);
    const bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (c >= 0x80 || alnum || c == '.' || c == '+' || c == '-' || c == '"' || c == '\r' || c == '\n') return fail();
    return s[0];
}

inline write_options write_options_from(const json& kwargs) {
    write_options o;
    for (const auto& item : kwargs_object(kwargs, "writer").items()) {
        const std::string& key = item.key();
        const json& value = item.value();
        if (key == "delimiter") {
            o.delimiter = delimiter_from(value);
        } else if (key == "include_header") {
            if (!value.is_boolean())
                throw format_error("csv: kwarg 'include_header' must be a boolean; given: " + value.dump());
            o.include_header = value.get<bool>();
        } else if (key == "quoting_style") {
            if (value == "needed") {
                o.quote_all_strings = true;
            } else if (value == "minimal") {
                o.quote_all_strings = false;
            } else {
                throw format_error("csv: kwarg 'quoting_style' must be \"needed\" or \"minimal\"; given: " +
                                   value.dump());
            }
        } else if (key == "eol") {
            if (value == "\n") {
                o.eol = "\n";
            } else if (value == "\r\n") {
                o.eol = "\r\n";
            } else {
                throw format_error("csv: kwarg 'eol' must be \"\\n\" or \"\\r\\n\"; given: " + value.dump());
            }
        } else {
            throw format_error("csv: unsupported writer kwarg '" + key +
                               "' (supported: delimiter, include_header, quoting_style, eol)");
        }
    }
    return o;
}

inline column_type type_from(const std::string& column, const json& value) {
    if (value.is_string()) {
        const auto& s = value.get_ref<const std::string&>();
        if (s == "int64") return column_type::int64;
        if (s == "double" || s == "float64") return column_type::float64;
        if (s == "string" || s == "str" || s == "utf8") return column_type::string;
        if (s == "bool" || s == "boolean") return column_type::boolean;
    }
    throw format_error("csv: column_types['" + column +
                       "'] must be \"int64\", \"double\", \"string\" or \"bool\"; given: " + value.dump());
}

inline read_options read_options_from(const json& kwargs) {
    read_options o;
    for (const auto& item : kwargs_object(kwargs, "reader").items()) {
        const std::string& key = item.key();  // not a structured binding: clang 14 cannot capture one
        const json& value = item.value();
        if (key == "delimiter") {
            o.delimiter = delimiter_from(value);
        } else if (key == "column_types") {
            if (!value.is_object()) {
                throw format_error("csv: kwarg 'column_types' must be an object of column name to type; given: " +
                                   value.dump());
            }
            for (const auto& [name, type] : value.items()) o.column_types.emplace_back(name, type_from(name, type));
        } else if (key == "column_names") {
            const auto fail = [&] {
                throw format_error("csv: kwarg 'column_names' must be a non-empty array of distinct strings; given: " +
                                   value.dump());
            };
            if (!value.is_array() || value.empty()) fail();
            std::vector<std::string> names;
            for (const auto& n : value) {
                if (!n.is_string() || std::find(names.begin(), names.end(), n.get<std::string>()) != names.end())
                    fail();
                names.push_back(n.get<std::string>());
            }
            o.column_names = std::move(names);
        } else {
            throw format_error("csv: unsupported reader kwarg '" + key +
                               "' (supported: delimiter, column_types, column_names)");
        }
    }
    return o;
}

// ---- cells as text --------------------------------------------------------------------------------

// pyarrow's default null spellings, less its NaN ones ("NaN", "nan", "-NaN", "-nan"), which read
// here as NaN so that a written NaN reads back as one. "" is handled by the caller.
inline constexpr std::array<std::string_view, 12> null_spellings = {
    "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "1.#IND", "1.#QNAN", "N/A", "NA", "NULL", "n/a", "null"};

inline bool is_null_spelling(std::string_view s) {
    return s.empty() || std::find(null_spellings.begin(), null_spellings.end(), s) != null_spellings.end();
}

inline bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

inline bool parse_int64(std::string_view s, std::int64_t& out) {
    if (s.empty()) return false;
    const char* first = s.data();
    const char* const last = s.data() + s.size();
    if (*first == '+') ++first;  // from_chars takes '-' only
    if (first == last || !(is_digit(*first) || (*first == '-' && first == s.data()))) return false;
    const auto r = std::from_chars(first, last, out);
    return r.ec == std::errc{} && r.ptr == last;
}

// pyarrow's default true and false spellings.
inline bool parse_bool(std::string_view s, bool& out) {
    if (s == "true" || s == "True" || s == "TRUE" || s == "1") {
        out = true;
        return true;
    }
    if (s == "false" || s == "False" || s == "FALSE" || s == "0") {
        out = false;
        return true;
    }
    return false;
}

inline bool equals_lowercase(std::string_view s, std::string_view lower) {
    return s.size() == lower.size() && std::equal(s.begin(), s.end(), lower.begin(), [](char a, char b) {
               return (a >= 'A' && a <= 'Z' ? static_cast<char>(a - 'A' + 'a') : a) == b;
           });
}

/// Decimal numbers (1, -2.5, .5, 5., 1e-7) and inf, infinity and nan in any case, with an
/// optional sign: what Python's float() and pyarrow read, without Python's '_' and spaces.
inline bool parse_double(std::string_view s, double& out) {
    bool negative = false;
    if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
        negative = s[0] == '-';
        s.remove_prefix(1);
    }
    if (s.empty()) return false;
    double v = 0;
    if (equals_lowercase(s, "inf") || equals_lowercase(s, "infinity")) {
        v = std::numeric_limits<double>::infinity();
    } else if (equals_lowercase(s, "nan")) {
        v = std::numeric_limits<double>::quiet_NaN();
    } else {
        // The grammar first: from_chars also takes forms Python does not ("nan(1)", hex with a flag).
        std::size_t i = 0;
        std::size_t digits = 0;
        long long first_digit_exp = 0;  // decimal exponent of the first significant digit
        bool significant = false;
        std::size_t int_digits = 0;
        for (; i < s.size() && is_digit(s[i]); ++i, ++digits, ++int_digits) {
            if (!significant && s[i] != '0') significant = true;
        }
        if (significant) {
            std::size_t lead = 0;
            while (s[lead] == '0') ++lead;
            first_digit_exp = static_cast<long long>(int_digits - lead) - 1;
        }
        if (i < s.size() && s[i] == '.') {
            ++i;
            for (std::size_t k = 1; i < s.size() && is_digit(s[i]); ++i, ++digits, ++k) {
                if (!significant && s[i] != '0') {
                    significant = true;
                    first_digit_exp = -static_cast<long long>(k);
                }
            }
        }
        if (digits == 0) return false;
        long long exponent = 0;
        if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
            ++i;
            bool exp_negative = false;
            if (i < s.size() && (s[i] == '+' || s[i] == '-')) exp_negative = s[i++] == '-';
            if (i == s.size()) return false;
            for (; i < s.size() && is_digit(s[i]); ++i) {
                if (exponent < 100000) exponent = exponent * 10 + (s[i] - '0');
            }
            if (exp_negative) exponent = -exponent;
        }
        if (i != s.size()) return false;
        const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
        if (r.ec == std::errc::result_out_of_range) {
            // Python and pyarrow read a too large value as inf and a too small one as 0.
            v = first_digit_exp + exponent > 0 ? std::numeric_limits<double>::infinity() : 0.0;
        } else if (r.ec != std::errc{} || r.ptr != s.data() + s.size()) {
            return false;
        }
    }
    out = negative ? -v : v;
    return true;
}

/// A string cell that, written bare, would read back as something else: null, a number or a bool.
inline bool reads_as_other(std::string_view s) {
    std::int64_t i = 0;
    double d = 0;
    bool b = false;
    return is_null_spelling(s) || parse_int64(s, i) || parse_bool(s, b) || parse_double(s, d);
}

/// RFC 4180's reasons to quote, and leading or trailing blanks, which some readers strip.
inline bool must_quote(std::string_view s, char delimiter) {
    if (s.empty()) return true;  // "" is an empty string; an empty field is a null
    const auto blank = [](char c) { return c == ' ' || c == '\t'; };
    if (blank(s.front()) || blank(s.back())) return true;
    return std::any_of(s.begin(), s.end(),
                       [&](char c) { return c == delimiter || c == '"' || c == '\r' || c == '\n'; });
}

inline void append_quoted(std::string& out, std::string_view s) {
    out += '"';
    for (const char c : s) {
        out += c;
        if (c == '"') out += '"';
    }
    out += '"';
}

inline void append_cell(std::string& out, const std::int64_t& v, const write_options&) {
    pyjson::impl::append_int(out, v);
}
inline void append_cell(std::string& out, const double& v, const write_options&) {
    if (std::isnan(v)) {
        out += "nan";  // Python's repr and pyarrow's spelling, whatever the sign bit
    } else if (std::isinf(v)) {
        out += v > 0 ? "inf" : "-inf";
    } else {
        pyjson::impl::append_float(out, v, true);  // Python's repr: the shortest text that reads back exactly
    }
}
inline void append_cell(std::string& out, const bool& v, const write_options&) { out += v ? "true" : "false"; }
inline void append_cell(std::string& out, const std::string& v, const write_options& o) {
    if (o.quote_all_strings || must_quote(v, o.delimiter) || reads_as_other(v)) {
        append_quoted(out, v);
    } else {
        out += v;
    }
}

inline void write(const table& t, std::ostream& out, const write_options& o) {
    if (t.columns() == 0) return;  // no columns: no header either, an empty file
    std::string buffer;
    const auto flush = [&] {
        out.write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
        buffer.clear();
    };
    if (o.include_header) {
        for (std::size_t c = 0; c < t.columns(); ++c) {
            if (c > 0) buffer += o.delimiter;
            const auto& name = t.names()[c];
            if (o.quote_all_strings || must_quote(name, o.delimiter)) {
                append_quoted(buffer, name);
            } else {
                buffer += name;
            }
        }
        buffer += o.eol;
    }
    constexpr std::size_t flush_at = std::size_t{1} << 16;
    for (std::size_t r = 0; r < t.rows(); ++r) {
        for (std::size_t c = 0; c < t.columns(); ++c) {
            if (c > 0) buffer += o.delimiter;
            std::visit(
                [&](const auto& cells) {
                    if (cells[r]) append_cell(buffer, *cells[r], o);  // a null is an empty field
                },
                t.data(c));
        }
        buffer += o.eol;
        if (buffer.size() >= flush_at) flush();
    }
    flush();
}

// ---- reading --------------------------------------------------------------------------------------

struct raw_cell {
    std::string text;
    bool quoted = false;
};

inline std::string shown(std::string_view s) {
    constexpr std::size_t max = 40;
    std::string out = "\"";
    for (const char c : s.substr(0, max)) {
        if (c == '\n') {
            out += "\\n";
        } else if (c == '\r') {
            out += "\\r";
        } else {
            out += c;
        }
    }
    return out + (s.size() > max ? "\"..." : "\"");
}

/// Splits the text into records: RFC 4180, with "\n", "\r\n" or a lone "\r" ending a record (as
/// Python's csv module); quoted fields may hold any of them, and the delimiter, and "" for a quote.
class record_reader {
public:
    record_reader(std::string_view text, char delimiter) : text_(text), delimiter_(delimiter) {
        if (text_.starts_with("\xEF\xBB\xBF")) text_.remove_prefix(3);  // a UTF-8 byte order mark (Excel)
    }

    /// The next record, or false at the end. `line` is the line it starts on (1-based).
    bool next(std::vector<raw_cell>& fields, std::size_t& line) {
        if (at_ == text_.size()) return false;
        fields.clear();
        line = line_;
        while (true) {
            raw_cell cell;
            if (at_ < text_.size() && text_[at_] == '"') {
                cell.quoted = true;
                const std::size_t opened = line_;
                ++at_;
                while (true) {
                    if (at_ == text_.size()) {
                        throw format_error("csv: line " + std::to_string(opened) + ", field " +
                                           std::to_string(fields.size() + 1) +
                                           ": a quoted field is not closed before the end of the file");
                    }
                    const char c = text_[at_];
                    if (c == '"') {
                        if (at_ + 1 < text_.size() && text_[at_ + 1] == '"') {
                            cell.text += '"';
                            at_ += 2;
                            continue;
                        }
                        ++at_;
                        break;
                    }
                    if (c == '\n' || (c == '\r' && (at_ + 1 == text_.size() || text_[at_ + 1] != '\n'))) ++line_;
                    cell.text += c;
                    ++at_;
                }
                if (at_ < text_.size() && text_[at_] != delimiter_ && text_[at_] != '\n' && text_[at_] != '\r') {
                    throw format_error("csv: line " + std::to_string(line_) + ", field " +
                                       std::to_string(fields.size() + 1) + ": " + shown(text_.substr(at_, 1)) +
                                       " after the closing quote (a quote inside a quoted field is written \"\")");
                }
            } else {
                const std::size_t start = at_;
                while (at_ < text_.size() && text_[at_] != delimiter_ && text_[at_] != '\n' && text_[at_] != '\r')
                    ++at_;
                cell.text.assign(text_.substr(start, at_ - start));
            }
            fields.push_back(std::move(cell));
            if (at_ == text_.size()) return true;
            if (text_[at_] == delimiter_) {
                ++at_;
                continue;
            }
            if (text_[at_] == '\r' && at_ + 1 < text_.size() && text_[at_ + 1] == '\n') ++at_;
            ++at_;
            ++line_;
            return true;
        }
    }

private:
    std::string_view text_;
    char delimiter_;
    std::size_t at_ = 0;
    std::size_t line_ = 1;
};

/// An empty line: one empty field, not quoted.
inline bool is_blank(const std::vector<raw_cell>& fields) {
    return fields.size() == 1 && !fields[0].quoted && fields[0].text.empty();
}

/// A cell that is null unless its column holds strings: empty, a null spelling, or a quoted "".
inline bool null_unless_string(const raw_cell& cell) {
    return cell.quoted ? cell.text.empty() || is_null_spelling(cell.text) : is_null_spelling(cell.text);
}

/// The inferred type: int64, bool, double, in pyarrow's order, for the first that every cell
/// reads as (nulls aside); string when a cell reads as none, is quoted, or there is no cell.
inline column_type infer(const std::vector<raw_cell>& cells) {
    bool can_int = true;
    bool can_bool = true;
    bool can_double = true;
    bool any = false;
    for (const auto& cell : cells) {
        if (null_unless_string(cell)) continue;
        if (cell.quoted) return column_type::string;
        any = true;
        std::int64_t i = 0;
        bool b = false;
        double d = 0;
        can_int = can_int && parse_int64(cell.text, i);
        can_bool = can_bool && parse_bool(cell.text, b);
        can_double = can_double && parse_double(cell.text, d);
        if (!can_int && !can_bool && !can_double) return column_type::string;
    }
    if (!any) return column_type::string;
    if (can_int) return column_type::int64;
    return can_bool ? column_type::boolean : column_type::float64;
}

template <table_cell T>
table::values<T> convert_column(const std::vector<raw_cell>& cells, const std::vector<std::size_t>& lines,
                                const std::string& name, std::size_t column) {
    table::values<T> out;
    out.reserve(cells.size());
    for (std::size_t r = 0; r < cells.size(); ++r) {
        const auto& cell = cells[r];
        if constexpr (std::is_same_v<T, std::string>) {
            // In a string column only an empty field is null: "NA" or a quoted "" are text (as pyarrow).
            if (!cell.quoted && cell.text.empty()) {
                out.emplace_back();
            } else {
                out.emplace_back(cell.text);
            }
        } else {
            if (null_unless_string(cell)) {
                out.emplace_back();
                continue;
            }
            T value{};
            bool ok = false;
            if constexpr (std::is_same_v<T, std::int64_t>) {
                ok = parse_int64(cell.text, value);
            } else if constexpr (std::is_same_v<T, double>) {
                ok = parse_double(cell.text, value);
            } else {
                ok = parse_bool(cell.text, value);
            }
            if (!ok) {  // only a type forced by column_types gets here
                const auto row = r + 1;
                throw format_error("csv: line " + std::to_string(lines[r]) + " (row " + std::to_string(row) +
                                   "), column " + std::to_string(column + 1) + " '" + name + "': " + shown(cell.text) +
                                   " is not " + (std::is_same_v<T, std::int64_t> ? "an " : "a ") +
                                   std::string(column_type_name(column_type_of<T>())) + " (column_types)");
            }
            out.emplace_back(value);
        }
    }
    return out;
}

inline table read(std::string_view text, const read_options& o) {
    record_reader reader(text, o.delimiter);
    std::vector<raw_cell> fields;
    std::size_t line = 0;
    std::vector<std::string> names;
    const bool header = !o.column_names.has_value();
    if (header) {
        bool found = false;
        while (reader.next(fields, line)) {
            if (is_blank(fields)) continue;  // blank lines before the header
            found = true;
            break;
        }
        if (!found) fields.clear();
        for (auto& f : fields) {
            if (std::find(names.begin(), names.end(), f.text) != names.end()) {
                throw format_error("csv: line " + std::to_string(line) + " (the header): the column name " +
                                   shown(f.text) + " appears twice");
            }
            names.push_back(std::move(f.text));
        }
    } else {
        names = *o.column_names;
    }
    for (const auto& [name, type] : o.column_types) {
        if (std::find(names.begin(), names.end(), name) == names.end()) {
            throw format_error("csv: column_types names the column '" + name + "', which the file does not have");
        }
    }
    std::vector<std::vector<raw_cell>> cells(names.size());
    std::vector<std::size_t> lines;
    while (!names.empty() && reader.next(fields, line)) {
        if (is_blank(fields)) {
            if (names.size() > 1) continue;  // as pyarrow and Python's DictReader skip them
            // one column: the line is that column's null (written so, as pyarrow writes it)
        }
        if (fields.size() != names.size()) {
            throw format_error("csv: line " + std::to_string(line) + " (row " + std::to_string(lines.size() + 1) +
                               ") has " + std::to_string(fields.size()) + " fields, " +
                               (header ? "the header has " : "column_names names ") + std::to_string(names.size()));
        }
        for (std::size_t c = 0; c < names.size(); ++c) cells[c].push_back(std::move(fields[c]));
        lines.push_back(line);
    }

    table out;
    for (std::size_t c = 0; c < names.size(); ++c) {
        std::optional<column_type> forced;
        for (const auto& [name, type] : o.column_types) {
            if (name == names[c]) forced = type;
        }
        switch (forced.value_or(infer(cells[c]))) {
        case column_type::int64:
            out.add_column(names[c], convert_column<std::int64_t>(cells[c], lines, names[c], c));
            break;
        case column_type::float64:
            out.add_column(names[c], convert_column<double>(cells[c], lines, names[c], c));
            break;
        case column_type::string:
            out.add_column(names[c], convert_column<std::string>(cells[c], lines, names[c], c));
            break;
        case column_type::boolean:
            out.add_column(names[c], convert_column<bool>(cells[c], lines, names[c], c));
            break;
        }
        std::vector<raw_cell>().swap(cells[c]);  // keep one column's text at a time, not two
    }
    return out;
}

}  // namespace detail::csv

/// @brief Tables as CSV files, under lazyscribe-arrow's alias and suffix ("csv").
///
/// Writer kwargs (pyarrow's WriteOptions names): `delimiter` (one character), `include_header`
/// (bool, default true), `quoting_style` ("needed", pyarrow's default: every string quoted; or
/// "minimal": a string only when it must be), `eol` ("\n", the default, or "\r\n"). Reader kwargs:
/// `delimiter`, `column_types` ({name: "int64" | "double" | "string" | "bool"}) to skip inference,
/// `column_names` (an array: the file has no header row). Malformed files are format_error naming
/// the line, the row and the column.
struct csv_handler {
    static constexpr std::string_view alias = "csv";
    static constexpr std::string_view suffix = "csv";
    static constexpr bool binary = false;
    static constexpr bool output_only = false;

    /// @brief Throws format_error naming an unknown or ill-typed writer kwarg; called at log time.
    static void check_write_kwargs(const json& kwargs) { (void)detail::csv::write_options_from(kwargs); }

    static void write(const table& value, std::ostream& out, const json& kwargs) {
        detail::csv::write(value, out, detail::csv::write_options_from(kwargs));
    }

    static table read(std::istream& in, const json& kwargs) {
        const auto options = detail::csv::read_options_from(kwargs);
        const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
        return detail::csv::read(text, options);
    }
};

static_assert(ArtifactHandler<csv_handler>);
static_assert(WritableBy<csv_handler, table> && ReadableAs<csv_handler, table>);
static_assert(!WritableBy<csv_handler, std::string> && !ReadableAs<csv_handler, std::string>);

}  // namespace lazyscribe
