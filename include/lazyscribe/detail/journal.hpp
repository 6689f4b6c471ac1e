#pragma once
// The journal of a live run (docs/format.md §11.3): an append-only text file of metric points,
// one line each, so that a flush appends what was added and a crash loses at most a torn last
// line. Also the history artifact's text, written straight from the columns.
//
//   lazyscribe-journal 1
//   n <id> <name as a JSON string>      declares metric <id> (0, 1, ... in first-logged order)
//   p <id> <step> <Unix time in microseconds> <value>

#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <system_error>

#include <lazyscribe/detail/pyjson_numbers.hpp>
#include <lazyscribe/detail/pyjson_parser.hpp>
#include <lazyscribe/detail/pyjson_strings.hpp>
#include <lazyscribe/errors.hpp>
#include <lazyscribe/history.hpp>
#include <lazyscribe/json.hpp>

namespace lazyscribe::detail {

inline constexpr std::string_view journal_header = "lazyscribe-journal 1\n";

/// The names of one live run's own files in the experiment's folder (format.md §11.2, §11.3),
/// from its run id: the history artifact is the journal's name with ".json" for ".journal".
struct run_files {
    std::string_view id;
    [[nodiscard]] std::string record() const { return "run-" + std::string(id) + ".json"; }
    [[nodiscard]] std::string journal() const { return "history-" + std::string(id) + ".journal"; }
    [[nodiscard]] std::string history() const { return "history-" + std::string(id) + ".json"; }
    /// The history artifact's name for the journal `journal` (a crashed run's, at recovery).
    [[nodiscard]] static std::string history_of(const std::filesystem::path& journal) {
        return journal.stem().string() + ".json";
    }
};

/// One logged point, as the hot path stores it.
struct live_point {
    std::uint32_t metric;  // index in first-logged order
    std::int64_t step;
    std::int64_t time_us;  // Unix time, microseconds
    double value;
};

inline double seconds_of(std::int64_t time_us) noexcept { return static_cast<double>(time_us) / 1e6; }

inline void append_journal_declaration(std::string& out, std::size_t id, std::string_view name) {
    out += "n ";
    out += std::to_string(id);
    out += ' ';
    pyjson::impl::append_string(out, name, true);  // ASCII: no byte of a name can look like a newline
    out += '\n';
}

inline void append_journal_point(std::string& out, const live_point& p) {
    const auto put = [&](auto value) {
        char digits[32];  // the longest int64 or shortest-round-trip double is 24 characters
        out.append(digits, std::to_chars(digits, digits + sizeof digits, value).ptr);
    };
    out += "p ";
    put(p.metric);
    out += ' ';
    put(p.step);
    out += ' ';
    put(p.time_us);
    out += ' ';
    put(p.value);  // shortest round trip; nan, inf
    out += '\n';
}

/// What a journal held: the histories, and how many bytes at its end were not a whole line
/// (a write cut by a crash) or did not parse (then everything from that line on is left out).
struct journal_contents {
    metric_histories histories;
    std::size_t points = 0;
    std::size_t ignored_bytes = 0;
};

namespace journal_impl {
template <class T>
bool parse_number(std::string_view& rest, T& value) {
    const auto space = rest.find(' ');
    const std::string_view token = rest.substr(0, space);
    if (token.empty()) return false;
    const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), value);
    if (ec != std::errc() || end != token.data() + token.size()) return false;
    rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
    return true;
}

inline bool parse_line(std::string_view line, journal_contents& out, const std::string& file) {
    if (line.size() < 2 || line[1] != ' ') return false;
    std::string_view rest = line.substr(2);
    if (line[0] == 'n') {
        std::size_t id = 0;
        if (!parse_number(rest, id) || id != out.histories.size() || rest.empty()) return false;
        json name;
        try {
            name = pyjson::parse<json>(std::string(rest), file);
        } catch (const lazyscribe::error&) {
            return false;
        }
        if (!name.is_string() || out.histories.find(name.get_ref<const std::string&>()) != nullptr) return false;
        (void)out.histories[name.get_ref<const std::string&>()];
        return true;
    }
    if (line[0] != 'p') return false;
    std::uint32_t id = 0;
    std::int64_t step = 0;
    std::int64_t time_us = 0;
    double value = 0;
    if (!parse_number(rest, id) || !parse_number(rest, step) || !parse_number(rest, time_us)) return false;
    if (rest.empty() || rest.find(' ') != std::string_view::npos || !parse_number(rest, value)) return false;
    if (id >= out.histories.size()) return false;
    out.histories.at_index(id).append(step, seconds_of(time_us), value);
    ++out.points;
    return true;
}
}  // namespace journal_impl

/// Reads a journal's text; `file` names it in errors. A text that does not start with the
/// header is not a journal (format_error); past it, the first line that is cut or does not
/// parse ends what is read.
inline journal_contents read_journal(std::string_view text, const std::string& file) {
    if (text.substr(0, journal_header.size()) != journal_header) {
        throw format_error(file + ": not a lazyscribe journal (it does not start with \"lazyscribe-journal 1\")");
    }
    journal_contents out;
    std::size_t at = journal_header.size();
    while (at < text.size()) {
        const auto newline = text.find('\n', at);
        if (newline == std::string_view::npos || !journal_impl::parse_line(text.substr(at, newline - at), out, file)) {
            break;
        }
        at = newline + 1;
    }
    out.ignored_bytes = text.size() - at;
    return out;
}

/// The history artifact's value: the run's columns, shared with the experiment, written as
/// Python's json.dump writes the same dict ({"loss": {"steps": [...], "times": [...],
/// "values": [...]}, ...}) without building a JSON document or the whole text of them.
struct history_table {
    std::shared_ptr<const metric_histories> histories;

    /// Writes the text to `out` a slice at a time (a million points are 45 MB of text).
    void write_python_json(std::ostream& out) const {
        std::string text;
        const auto drain = [&](bool last) {
            if (!last && text.size() < (std::size_t{1} << 16)) return;
            out.write(text.data(), static_cast<std::streamsize>(text.size()));
            text.clear();
        };
        text += '{';
        bool first = true;
        for (const auto& [name, h] : *histories) {
            if (!first) text += ", ";
            first = false;
            pyjson::impl::append_string(text, name, true);
            text += ": {\"steps\": [";
            for (std::size_t i = 0; i < h.size(); ++i, drain(false)) {
                if (i != 0) text += ", ";
                pyjson::impl::append_int(text, h.steps()[i]);
            }
            text += "], \"times\": [";
            for (std::size_t i = 0; i < h.size(); ++i, drain(false)) {
                if (i != 0) text += ", ";
                pyjson::impl::append_float(text, h.times()[i], true);
            }
            text += "], \"values\": [";
            for (std::size_t i = 0; i < h.size(); ++i, drain(false)) {
                if (i != 0) text += ", ";
                pyjson::impl::append_float(text, h.values()[i], true);
            }
            text += "]}";
        }
        text += '}';
        drain(true);
    }
};

// The same value as a JSON document (the json handler's general path, with writer kwargs).
inline void to_json(json& j, const history_table& t) {
    j = json::object();
    for (const auto& [name, h] : *t.histories) {
        j[name] = json{{"steps", std::vector<std::int64_t>(h.steps().begin(), h.steps().end())},
                       {"times", std::vector<double>(h.times().begin(), h.times().end())},
                       {"values", std::vector<double>(h.values().begin(), h.values().end())}};
    }
}

/// Reads the history artifact's document back into columns; `where` names it in errors.
inline metric_histories histories_from_json(const ordered_json& j, const std::string& where) {
    if (!j.is_object()) throw format_error(where + ": a history artifact is an object of metric name -> columns");
    metric_histories out;
    for (const auto& item : j.items()) {
        // Not a structured binding: the lambda below uses them (clang 14).
        const std::string& name = item.key();
        const ordered_json& columns = item.value();
        const auto column = [&](const char* key) -> const ordered_json& {
            const auto it = columns.is_object() ? columns.find(key) : columns.end();
            if (it == columns.end() || !it->is_array()) {
                throw format_error(where + ": metric '" + name + "': '" + key + "' must be an array");
            }
            return *it;
        };
        const ordered_json& steps = column("steps");
        const ordered_json& times = column("times");
        const ordered_json& values = column("values");
        if (steps.size() != times.size() || steps.size() != values.size()) {
            throw format_error(where + ": metric '" + name + "': steps, times and values differ in length");
        }
        auto& h = out[name];
        h.reserve(steps.size());
        for (std::size_t i = 0; i < steps.size(); ++i) {
            if (!steps[i].is_number_integer() || !times[i].is_number() || !values[i].is_number()) {
                throw format_error(where + ": metric '" + name + "': point " + std::to_string(i) +
                                   " is not (integer step, number time, number value)");
            }
            h.append(steps[i].get<std::int64_t>(), times[i].get<double>(), values[i].get<double>());
        }
    }
    return out;
}

}  // namespace lazyscribe::detail
