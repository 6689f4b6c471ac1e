// list, show, compare, artifacts: the read-only views of one project.

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <system_error>
#include <vector>

#include <lazyscribe/history.hpp>
#include <lazyscribe/summary.hpp>
#include <lazyscribe/time.hpp>

#include "cli.hpp"
#include "support.hpp"

namespace lazyscribe::cli {

namespace {

// At most this many metric columns when `list` picks them itself.
constexpr std::size_t default_metric_columns = 6;

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
    std::string out;
    for (const auto& p : parts) {
        if (!out.empty()) out += separator;
        out += p;
    }
    return out;
}

// The STATUS column: the word, "crashed!" for a crash; failed and crashed runs stand out.
cell status_cell(run_status s) {
    if (s == run_status::crashed) return {"crashed!", false, true};
    return {std::string(to_string(s)), false, s == run_status::failed};
}

cell value_cell(const json* v) {
    if (v == nullptr) return {};
    return {cell_text(*v), is_number(*v), false};
}

// Equal as Python compares them: numbers by value (1 == 1.0; NaN equals NaN here, so that two
// NaN results are not reported as a difference), everything else structurally.
bool same_value(const json* a, const json* b) {
    if (a == nullptr || b == nullptr) return a == b;
    if (is_number(*a) && is_number(*b)) {
        const auto x = to_double(*a);
        const auto y = to_double(*b);
        if (std::isnan(*x) || std::isnan(*y)) return std::isnan(*x) && std::isnan(*y);
        return *x == *y && (a->is_binary() == b->is_binary()) && (!a->is_binary() || *a == *b);
    }
    return compact_json(*a) == compact_json(*b);
}

void section(std::string& out, std::string_view title, bool color) {
    if (!out.empty()) out += '\n';
    if (color) out += "\033[1m";
    out += title;
    if (color) out += "\033[0m";
    out += '\n';
}

// A history as `show --json` summarises it (NaN and infinities as null, as strict JSON has them).
ordered_json history_json(const metric_history& h) {
    const auto number = [](double v) { return std::isfinite(v) ? ordered_json(v) : ordered_json(nullptr); };
    ordered_json j = ordered_json::object();
    j["points"] = h.size();
    j["first_step"] = h.empty() ? ordered_json(nullptr) : ordered_json(h.steps().front());
    j["last_step"] = h.empty() ? ordered_json(nullptr) : ordered_json(h.steps().back());
    j["last"] = number(h.last());
    j["min"] = number(h.min());
    j["max"] = number(h.max());
    return j;
}

// The status line of `show`: the word, and for a running or crashed run how old its heartbeat is.
std::string status_text(const experiment& e, run_status s, std::chrono::seconds crashed_after) {
    const std::string when = format_time(e.last_updated());
    switch (s) {
    case run_status::running:
        return "running (heartbeat " + when + ")";
    case run_status::crashed:
        // Recovered: a writer found it stale and wrote the crash down; else only this reader sees it.
        if (e.recorded_status() == run_status::crashed) return "crashed (recovered " + when + ")";
        return "crashed (status running, last heartbeat " + when + ", older than " +
               std::to_string(crashed_after.count()) + " s)";
    case run_status::failed:
    case run_status::finished:
        break;
    }
    return std::string(to_string(s));
}

// The rows of a live run's record ("run" artifact): how it ran and where (the live-run convention of docs/format.md).
table run_rows(const json& record) {
    table t({"", ""}, false);
    const auto get = [&](const json& object, std::string_view key) -> const json* {
        if (!object.is_object()) return nullptr;
        const auto it = object.find(key);
        return it == object.end() || it->is_null() ? nullptr : &*it;
    };
    const auto add = [&](std::string label, const json* v) {
        if (v != nullptr) t.add_row({{std::move(label)}, {full_text(*v)}});
    };
    add("recorded status", get(record, "status"));
    add("failure", get(record, "failure"));
    add("started", get(record, "started_at"));
    add("ended", get(record, "ended_at"));
    add("points", get(record, "points"));
    add("dropped points", get(record, "dropped_points"));
    add("run id", get(record, "run_id"));
    add("journal", get(record, "journal"));
    const json* provenance = get(record, "provenance");
    if (provenance == nullptr) {
        t.add_row({{"provenance"}, {"(not recorded)"}});
        return t;
    }
    add("host", get(*provenance, "host"));
    add("pid", get(*provenance, "pid"));
    if (const json* command = get(*provenance, "command_line"); command != nullptr && command->is_array()) {
        std::vector<std::string> words;
        for (const auto& w : *command) words.push_back(w.is_string() ? w.get<std::string>() : compact_json(w));
        t.add_row({{"command line"}, {printable(join(words, " "))}});
    }
    add("working directory", get(*provenance, "working_directory"));
    if (const json* git = get(*provenance, "git")) {
        const json* commit = get(*git, "commit");
        const json* branch = get(*git, "branch");
        if (commit != nullptr) {
            t.add_row({{"git commit"},
                       {full_text(*commit) + (branch != nullptr ? " (branch " + full_text(*branch) + ")" : "")}});
        }
    }
    add("compiler", get(*provenance, "compiler"));
    const json* optimized = get(*provenance, "optimized");
    const json* assertions = get(*provenance, "assertions");
    if (optimized != nullptr && assertions != nullptr && optimized->is_boolean() && assertions->is_boolean()) {
        t.add_row({{"build"},
                   {std::string(optimized->get<bool>() ? "optimized" : "not optimized") + ", assertions " +
                    (assertions->get<bool>() ? "on" : "off")}});
    }
    return t;
}

// Values of a curve shown on one line of `show`.
constexpr std::size_t values_per_line = 10;

// key → value rows of one object, flattened with dotted keys; a curve wrapped, with a summary.
table key_values(const json& object) {
    table t({"", ""}, false);
    std::vector<std::pair<std::string, json>> flat;
    flatten(object, "", flat);
    for (const auto& [key, value] : flat) {
        if (key.empty()) continue;  // an empty object
        if (!is_number_list(value) || value.size() <= values_per_line) {
            t.add_row({{printable(key)}, {full_text(value)}});
            continue;
        }
        // A curve: its size and range on the key's line, then the values a line of ten at a
        // time, each line led by the index of its first value.
        double lo = std::numeric_limits<double>::infinity(), hi = -lo;
        for (const auto& v : value) {
            const double d = to_double(v).value_or(std::numeric_limits<double>::quiet_NaN());
            if (!std::isnan(d)) {
                lo = std::min(lo, d);
                hi = std::max(hi, d);
            }
        }
        t.add_row({{printable(key)},
                   {std::to_string(value.size()) + " values, min " + cell_text(json(lo)) + ", max " +
                    cell_text(json(hi)) + ", last " + cell_text(value.back())}});
        const std::size_t index_width = std::to_string(value.size() - 1).size();
        for (std::size_t i = 0; i < value.size(); i += values_per_line) {
            std::string index = std::to_string(i);
            std::string line = "[" + std::string(index_width - index.size(), ' ') + index + "]";
            for (std::size_t j = i; j < value.size() && j < i + values_per_line; ++j) line += " " + cell_text(value[j]);
            t.add_row({{""}, {std::move(line)}});
        }
    }
    return t;
}

}  // namespace

// ---- list -------------------------------------------------------------------------------------

int run_list(const global_options& g, const list_options& o) {
    const std::vector<experiment_summary> all = load_summaries(o.project, o.selection.crashed_after);
    std::vector<const experiment_summary*> pointers;
    pointers.reserve(all.size());
    for (const auto& s : all) pointers.push_back(&s);
    const auto chosen = select(std::move(pointers), o.selection, project_label(project_file(o.project)));

    std::vector<std::string> metrics = o.metrics;
    std::size_t hidden = 0;
    if (metrics.empty()) {
        metrics = numeric_metric_names(chosen);
        if (!o.json && metrics.size() > default_metric_columns) {
            hidden = metrics.size() - default_metric_columns;
            metrics.resize(default_metric_columns);
        }
    }
    if (o.selection.sort_metric &&
        std::find(metrics.begin(), metrics.end(), *o.selection.sort_metric) == metrics.end()) {
        metrics.push_back(*o.selection.sort_metric);
    }

    if (o.json) {
        ordered_json rows = ordered_json::array();
        for (const auto* e : chosen) {
            ordered_json row = ordered_json::object();
            put_identity(row, *e);
            row["status"] = std::string(to_string(e->status()));
            ordered_json m = ordered_json::object();
            if (o.metrics.empty()) {
                m = strict(e->metrics());  // every metric, numbers or not
            } else {
                for (const auto& name : metrics) {
                    if (const auto it = e->metrics().find(name); it != e->metrics().end()) m[name] = strict(*it);
                }
            }
            row["metrics"] = std::move(m);
            row["tests"] = e->test_count();
            row["artifacts"] = e->artifact_count();
            rows.push_back(std::move(row));
        }
        print_json(rows);
        return exit_ok;
    }

    std::vector<std::string> headers = {"NAME", "SLUG", "AUTHOR", "CREATED", "STATUS", "TAGS"};
    for (const auto& m : metrics) headers.push_back(printable(m));
    table t(std::move(headers));
    std::vector<const experiment_summary*> crashed;
    for (const auto* e : chosen) {
        std::vector<cell> row;
        row.reserve(6 + metrics.size());
        row.push_back({printable(e->name())});
        row.push_back({printable(e->slug())});
        row.push_back({printable(e->author())});
        row.push_back({format_time(e->created_at())});
        row.push_back(status_cell(e->status()));
        if (e->status() == run_status::crashed) crashed.push_back(e);
        row.push_back({printable(join(shown_tags(e->tags()), ","))});
        for (const auto& m : metrics) {
            const auto it = e->metrics().find(m);
            row.push_back(value_cell(it == e->metrics().end() ? nullptr : &*it));
        }
        t.add_row(std::move(row));
    }
    std::string out;
    t.print(out, use_color(g), 40);
    write_stdout(out);
    if (hidden > 0) {
        std::fprintf(stderr, "lazyscribe list: %zu more numeric metric%s not shown; pick columns with --metric\n",
                     hidden, hidden == 1 ? " is" : "s are");
    }
    if (!crashed.empty()) {
        std::string slugs;
        for (const auto* e : crashed) slugs += (slugs.empty() ? "" : ", ") + printable(e->slug());
        std::fprintf(stderr,
                     "lazyscribe list: %zu run%s crashed: %s (a running run crashed once its heartbeat is older "
                     "than %lld s: --crashed-after)\n",
                     crashed.size(), crashed.size() == 1 ? "" : "s", slugs.c_str(),
                     static_cast<long long>(o.selection.crashed_after.count()));
    }
    return exit_ok;
}

// ---- show -------------------------------------------------------------------------------------

namespace {

void artifact_rows(table& t, storage& files, const basic_artifact_set<builtin_handlers>& set, const std::string& owner,
                   const std::filesystem::path& experiment_folder, bool& unknown_handler);

}  // namespace

int run_show(const global_options& g, const show_options& o) {
    const project p = open_project(o.project, o.crashed_after);
    const experiment& e = find_experiment(p, o.slug);
    const run_status status = e.status();
    // A live run's record and histories; other experiments have neither (a "history" artifact
    // of a Python experiment is just an artifact).
    std::optional<json> record;
    std::string record_problem;
    const metric_histories* histories = nullptr;
    if (e.live_run()) {
        if (e.artifacts().contains(std::string(run_artifact_name))) {
            try {
                record = e.load_artifact<json>(std::string(run_artifact_name));
            } catch (const lazyscribe::error& x) {
                record_problem = x.what();  // shown; the rest of the experiment still is
            }
        }
        histories = &e.histories();
    }
    const auto field = [&](std::string_view key) -> const json* {
        if (!record || !record->is_object()) return nullptr;
        const auto it = record->find(key);
        return it == record->end() || it->is_null() ? nullptr : &*it;
    };

    if (o.json) {
        ordered_json doc = strict(e.to_json());
        doc["folder"] = shown_path(*p.files(), e.path());
        doc["status"] = std::string(to_string(status));
        const json* failure = field("failure");
        doc["failure"] = failure != nullptr ? strict(*failure) : ordered_json(nullptr);
        ordered_json h = ordered_json::object();
        if (histories != nullptr) {
            for (const auto& [name, history] : *histories) h[name] = history_json(history);
        }
        doc["histories"] = std::move(h);
        doc["run"] = record ? strict(*record) : ordered_json(nullptr);
        print_json(doc);
        return exit_ok;
    }

    const bool color = use_color(g);
    std::string out;
    if (color) out += "\033[1m";
    out += printable(e.name());
    if (color) out += "\033[0m";
    out += '\n';
    {
        table t({"", ""}, false);
        t.add_row({{"slug"}, {printable(e.slug())}});
        t.add_row({{"short slug"}, {printable(e.short_slug())}});
        t.add_row({{"author"}, {printable(e.author())}});
        t.add_row({{"created"}, {format_time(e.created_at())}});
        t.add_row({{"last updated"}, {format_time(e.last_updated()) + " by " + printable(e.last_updated_by())}});
        t.add_row({{"status"},
                   {status_text(e, status, o.crashed_after), false,
                    status == run_status::crashed || status == run_status::failed}});
        if (const json* failure = field("failure")) t.add_row({{"failure"}, {full_text(*failure)}});
        const auto tags = shown_tags(e.tags());
        t.add_row({{"tags"}, {tags.empty() ? "(none)" : printable(join(tags, ", "))}});
        t.add_row({{"folder"}, {printable(shown_path(*p.files(), e.path()))}});
        if (e.dependencies().empty()) {
            t.add_row({{"dependencies"}, {"(none)"}});
        } else {
            bool first = true;
            for (const auto& d : e.dependencies()) {
                t.add_row({{first ? "dependencies" : ""},
                           {printable(d.encoded()) + " (short slug " + printable(d.short_slug) + ")"}});
                first = false;
            }
        }
        t.print(out, color, std::string::npos, "  ");
    }

    section(out, "Metrics", color);
    if (e.metrics().empty())
        out += "  (none)\n";
    else
        key_values(e.metrics()).print(out, false, std::string::npos, "  ");

    if (histories != nullptr) {
        section(out, "Histories (" + std::to_string(histories->size()) + ")", color);
        if (histories->empty()) {
            out += "  (none)\n";
        } else {
            table t({"METRIC", "POINTS", "FIRST STEP", "LAST STEP", "LAST", "MIN", "MAX"});
            for (const auto& [name, history] : *histories) {
                const auto number = [](double v) { return cell{cell_text(json(v)), true}; };
                const bool empty = history.empty();
                t.add_row({{printable(name)},
                           {std::to_string(history.size()), true},
                           {empty ? "-" : std::to_string(history.steps().front()), true},
                           {empty ? "-" : std::to_string(history.steps().back()), true},
                           number(history.last()),
                           number(history.min()),
                           number(history.max())});
            }
            t.print(out, false, 48, "  ");
        }
    }
    if (e.live_run()) {
        section(out, "Run", color);
        if (!record) {
            out += record_problem.empty() ? "  (no run record)\n" : "  run record: " + printable(record_problem) + "\n";
        } else {
            run_rows(*record).print(out, false, std::string::npos, "  ");
        }
    }

    section(out, "Parameters", color);
    if (e.parameters().empty())
        out += "  (none)\n";
    else
        key_values(e.parameters()).print(out, false, std::string::npos, "  ");

    bool unknown_handler = false;
    std::size_t artifact_count = e.artifacts().size();
    for (const auto& t : e.tests()) artifact_count += t.artifacts().size();
    section(out, "Artifacts (" + std::to_string(artifact_count) + ")", color);
    if (artifact_count == 0) {
        out += "  (none)\n";
    } else {
        table t({"OWNER", "NAME", "HANDLER", "FILE", "CREATED", "VERSION", "EXISTS"});
        artifact_rows(t, *p.files(), e.artifacts(), "experiment", e.path(), unknown_handler);
        for (const auto& test : e.tests())
            artifact_rows(t, *p.files(), test.artifacts(), "test: " + test.name(), e.path(), unknown_handler);
        t.print(out, false, 64, "  ");
    }

    section(out, "Tests (" + std::to_string(e.tests().size()) + ")", color);
    if (e.tests().empty()) out += "  (none)\n";
    for (const auto& test : e.tests()) {
        out += "  " + printable(test.name()) + '\n';
        table t({"", ""}, false);
        t.add_row({{"description"}, {test.description() ? printable(*test.description()) : "(none)"}});
        t.add_row({{"folder"}, {printable(shown_path(*p.files(), test.path()))}});
        t.print(out, false, std::string::npos, "    ");
        out += "    metrics\n";
        if (test.metrics().empty())
            out += "      (none)\n";
        else
            key_values(test.metrics()).print(out, false, std::string::npos, "      ");
        out += "    parameters\n";
        if (test.parameters().empty())
            out += "      (none)\n";
        else
            key_values(test.parameters()).print(out, false, std::string::npos, "      ");
    }
    if (unknown_handler) {
        out += "\n* handler not built into this program: the metadata is kept as is; the file cannot be loaded here\n";
    }
    write_stdout(out);
    return exit_ok;
}

// ---- artifacts ----------------------------------------------------------------------------------

namespace {

void artifact_rows(table& t, storage& files, const basic_artifact_set<builtin_handlers>& set, const std::string& owner,
                   const std::filesystem::path& experiment_folder, bool& unknown_handler) {
    for (const auto& a : set) {
        const auto file = inspect(files, set.folder(), a);
        const bool known = builtin_handlers::contains(a.handler());
        unknown_handler = unknown_handler || !known;
        const auto relative = file.path.lexically_relative(experiment_folder);
        const std::string shown = relative.empty() ? shown_path(files, file.path) : relative.generic_string();
        t.add_row({{printable(owner)},
                   {printable(a.name())},
                   {printable(a.handler()) + (known ? "" : "*")},
                   {printable(shown)},
                   {format_time(a.created_at())},
                   {std::to_string(a.version()), true},
                   {file.exists ? "yes" : "no"}});
    }
}

void artifact_json(ordered_json& rows, storage& files, const basic_artifact_set<builtin_handlers>& set,
                   const test* owner) {
    for (const auto& a : set) {
        const auto file = inspect(files, set.folder(), a);
        ordered_json row = ordered_json::object();
        row["owner"] = owner == nullptr ? "experiment" : "test";
        row["test"] = owner == nullptr ? ordered_json(nullptr) : ordered_json(owner->name());
        row["name"] = a.name();
        row["handler"] = a.handler();
        row["builtin_handler"] = builtin_handlers::contains(a.handler());
        row["fname"] = a.fname();
        row["path"] = shown_path(files, file.path);
        row["exists"] = file.exists;
        row["size"] = file.size ? ordered_json(*file.size) : ordered_json(nullptr);
        row["created_at"] = format_time(a.created_at());
        row["expiry"] = a.expiry() ? ordered_json(format_time(*a.expiry())) : ordered_json(nullptr);
        row["version"] = a.version();
        row["fields"] = strict(a.fields());
        rows.push_back(std::move(row));
    }
}

}  // namespace

int run_artifacts(const global_options& g, const artifacts_options& o) {
    const project p = open_project(o.project);
    const experiment& e = find_experiment(p, o.slug);

    if (o.json) {
        ordered_json rows = ordered_json::array();
        artifact_json(rows, *p.files(), e.artifacts(), nullptr);
        for (const auto& t : e.tests()) artifact_json(rows, *p.files(), t.artifacts(), &t);
        print_json(rows);
        return exit_ok;
    }

    table t({"OWNER", "NAME", "HANDLER", "FILE", "SIZE", "EXISTS"});
    bool unknown_handler = false;
    const auto add = [&](const basic_artifact_set<builtin_handlers>& set, const std::string& owner) {
        for (const auto& a : set) {
            const auto file = inspect(*p.files(), set.folder(), a);
            const bool known = builtin_handlers::contains(a.handler());
            unknown_handler = unknown_handler || !known;
            const auto relative = file.path.lexically_relative(e.path());
            const std::string shown = relative.empty() ? shown_path(*p.files(), file.path) : relative.generic_string();
            t.add_row({{printable(owner)},
                       {printable(a.name())},
                       {printable(a.handler()) + (known ? "" : "*")},
                       {printable(shown)},
                       {file.size ? human_size(*file.size) : "-", true},
                       {file.exists ? "yes" : "no", false, !file.exists}});
        }
    };
    add(e.artifacts(), "experiment");
    for (const auto& test : e.tests()) add(test.artifacts(), "test: " + test.name());

    std::string out = "Files of " + printable(e.slug()) + " in " + printable(shown_path(*p.files(), e.path())) + "\n";
    if (t.rows() == 0) {
        out += "(no artifacts)\n";
    } else {
        t.print(out, use_color(g), 64);
    }
    if (unknown_handler) {
        out += "* handler not built into this program: the metadata is kept as is; the file cannot be loaded here\n";
    }
    write_stdout(out);
    return exit_ok;
}

// ---- compare ------------------------------------------------------------------------------------

int run_compare(const global_options& g, const compare_options& o) {
    const project p = open_project(o.project);
    std::vector<const experiment*> chosen;
    for (const auto& slug : o.slugs) chosen.push_back(&find_experiment(p, slug));

    // key → one value per experiment (nullptr when absent), per section.
    struct row {
        std::string label;  // shown in the KEY column
        std::string test;   // test name, for test metrics
        std::string key;    // metric or (dotted) parameter name
        std::vector<const json*> values;
        bool differs = false;
    };
    std::vector<std::vector<std::pair<std::string, json>>> flat_parameters(chosen.size());
    for (std::size_t i = 0; i < chosen.size(); ++i) flatten(chosen[i]->parameters(), "", flat_parameters[i]);

    const auto build = [&](auto&& values_of) {
        std::map<std::string, row> rows;  // sorted by label
        for (std::size_t i = 0; i < chosen.size(); ++i) {
            values_of(
                i, [&](const std::string& label, const std::string& test_name, const std::string& key, const json& v) {
                    auto& r = rows[label];
                    if (r.values.empty()) {
                        r.label = label;
                        r.test = test_name;
                        r.key = key;
                        r.values.assign(chosen.size(), nullptr);
                    }
                    r.values[i] = &v;
                });
        }
        std::vector<row> out;
        for (auto& [label, r] : rows) {
            for (std::size_t i = 1; i < r.values.size(); ++i) {
                if (!same_value(r.values[0], r.values[i])) r.differs = true;
            }
            out.push_back(std::move(r));
        }
        return out;
    };
    const auto metrics = build([&](std::size_t i, auto&& add) {
        for (const auto& [key, value] : chosen[i]->metrics().items()) add(key, "", key, value);
    });
    const auto parameters = build([&](std::size_t i, auto&& add) {
        for (const auto& [key, value] : flat_parameters[i]) {
            if (!key.empty()) add(key, "", key, value);
        }
    });
    const auto test_metrics = build([&](std::size_t i, auto&& add) {
        for (const auto& t : chosen[i]->tests()) {
            for (const auto& [key, value] : t.metrics().items()) add(t.name() + " / " + key, t.name(), key, value);
        }
    });

    if (o.json) {
        ordered_json doc = ordered_json::object();
        ordered_json experiments = ordered_json::array();
        for (const auto* e : chosen) experiments.push_back({{"slug", e->slug()}, {"name", e->name()}});
        doc["experiments"] = std::move(experiments);
        const auto rows_json = [](const std::vector<row>& rows, bool with_test) {
            ordered_json out = ordered_json::array();
            for (const auto& r : rows) {
                ordered_json j = ordered_json::object();
                if (with_test) j["test"] = r.test;
                j["key"] = r.key;
                ordered_json values = ordered_json::array();
                for (const auto* v : r.values) values.push_back(v == nullptr ? ordered_json(nullptr) : strict(*v));
                j["values"] = std::move(values);
                j["differs"] = r.differs;
                out.push_back(std::move(j));
            }
            return out;
        };
        doc["metrics"] = rows_json(metrics, false);
        doc["parameters"] = rows_json(parameters, false);
        doc["test_metrics"] = rows_json(test_metrics, true);
        print_json(doc);
        return exit_ok;
    }

    const bool color = use_color(g);
    std::string out;
    const auto print_rows = [&](std::string_view title, const std::vector<row>& rows) {
        if (rows.empty()) return;
        section(out, title, color);
        std::vector<std::string> headers = {"", "KEY"};
        for (const auto* e : chosen) headers.push_back(printable(e->slug()));
        table t(std::move(headers));
        for (const auto& r : rows) {
            std::vector<cell> cells;
            cells.push_back({r.differs ? "*" : ""});
            cells.push_back({printable(r.label)});
            for (const auto* v : r.values) {
                cell c = v == nullptr ? cell{"-", true} : cell{cell_text(*v), is_number(*v)};
                c.highlight = r.differs;
                cells.push_back(std::move(c));
            }
            t.add_row(std::move(cells));
        }
        t.print(out, color, 40);
    };
    print_rows("Metrics", metrics);
    print_rows("Parameters", parameters);
    print_rows("Test metrics", test_metrics);
    if (out.empty()) out = "(no metrics or parameters)\n";
    out += "\n* the values differ (- = not logged)\n";
    write_stdout(out);
    return exit_ok;
}

}  // namespace lazyscribe::cli
