// export (rows of experiments or tests, CSV or JSON) and merge (writes a new project file).

#include <cmath>
#include <filesystem>
#include <fstream>
#include <istream>
#include <map>
#include <ostream>
#include <set>
#include <string>
#include <system_error>
#include <unordered_map>
#include <vector>

#include <lazyscribe/json.hpp>
#include <lazyscribe/paths.hpp>
#include <lazyscribe/storage.hpp>
#include <lazyscribe/time.hpp>

#include "cli.hpp"
#include "support.hpp"

namespace lazyscribe::cli {

namespace {

// One exported row: column → value. Columns: the fixed ones in order, then metrics.* and
// parameters.* (objects flattened with dotted keys), each group sorted by name.
struct rows {
    std::vector<std::string> fixed;
    std::set<std::string> metric_columns;
    std::set<std::string> parameter_columns;
    std::vector<std::unordered_map<std::string, json>> values;

    void add_group(std::unordered_map<std::string, json>& row, std::set<std::string>& columns,
                   const std::string& prefix, const json& object) {
        std::vector<std::pair<std::string, json>> flat;
        for (const auto& [key, value] : object.items()) flatten(value, prefix + "." + key, flat);
        for (auto& [column, value] : flat) {
            columns.insert(column);
            row.emplace(std::move(column), std::move(value));  // the first of two colliding keys wins
        }
    }

    std::vector<std::string> columns() const {
        std::vector<std::string> out = fixed;
        out.insert(out.end(), metric_columns.begin(), metric_columns.end());
        out.insert(out.end(), parameter_columns.begin(), parameter_columns.end());
        return out;
    }
};

rows experiment_rows(const std::vector<const experiment*>& chosen) {
    rows r;
    r.fixed = {"name", "slug",         "short_slug", "author", "created_at", "last_updated", "last_updated_by",
               "tags", "dependencies", "status"};
    for (const auto* e : chosen) {
        std::unordered_map<std::string, json> row;
        put_identity(row, *e);
        row["status"] = std::string(to_string(e->status()));
        json deps = json::array();
        for (const auto& d : e->dependencies()) deps.push_back(d.encoded());
        row["dependencies"] = std::move(deps);
        r.add_group(row, r.metric_columns, "metrics", e->metrics());
        r.add_group(row, r.parameter_columns, "parameters", e->parameters());
        r.values.push_back(std::move(row));
    }
    return r;
}

rows test_rows(const std::vector<const experiment*>& chosen) {
    rows r;
    r.fixed = {"experiment_slug", "experiment_name", "test", "description"};
    for (const auto* e : chosen) {
        for (const auto& t : e->tests()) {
            std::unordered_map<std::string, json> row;
            row["experiment_slug"] = e->slug();
            row["experiment_name"] = e->name();
            row["test"] = t.name();
            row["description"] = t.description() ? json(*t.description()) : json(nullptr);
            r.add_group(row, r.metric_columns, "metrics", t.metrics());
            r.add_group(row, r.parameter_columns, "parameters", t.parameters());
            r.values.push_back(std::move(row));
        }
    }
    return r;
}

// A CSV cell: strings as they are, numbers as Python writes them (nan, inf, -inf), booleans
// true/false, null or missing empty, lists and objects as JSON text.
std::string csv_text(const json* v) {
    if (v == nullptr || v->is_null()) return {};
    if (v->is_string()) return v->get_ref<const std::string&>();
    if (v->is_boolean()) return v->get<bool>() ? "true" : "false";
    if (is_number(*v)) return number_text(*v);
    return compact_json(*v);
}

std::string to_csv(const rows& r) {
    const auto columns = r.columns();
    std::string out;
    for (std::size_t c = 0; c < columns.size(); ++c) {
        if (c > 0) out += ',';
        out += csv_field(columns[c]);
    }
    out += "\r\n";
    for (const auto& row : r.values) {
        for (std::size_t c = 0; c < columns.size(); ++c) {
            if (c > 0) out += ',';
            const auto it = row.find(columns[c]);
            out += csv_field(csv_text(it == row.end() ? nullptr : &it->second));
        }
        out += "\r\n";
    }
    return out;
}

ordered_json to_json_rows(const rows& r) {
    const auto columns = r.columns();
    ordered_json out = ordered_json::array();
    for (const auto& row : r.values) {
        ordered_json j = ordered_json::object();
        for (const auto& column : columns) {
            const auto it = row.find(column);
            j[column] = it == row.end() ? ordered_json(nullptr) : strict(it->second);
        }
        out.push_back(std::move(j));
    }
    return out;
}

// The histories of the live runs among `chosen`, in selection order, each in first-logged
// order, each point in logged order: f(experiment, metric name, history).
template <class F>
void for_each_history(const std::vector<const experiment*>& chosen, F&& f) {
    for (const auto* e : chosen) {
        if (!e->live_run()) continue;  // only live runs have histories (a Python "history" artifact is not one)
        for (const auto& [name, history] : e->histories()) f(*e, name, history);
    }
}

// A double as the shortest text that reads back to it (Python's repr: 0.6, 2.0, 1e-07), nan, inf, -inf.
std::string shortest(double v) { return number_text(json(v)); }

// Long format, RFC 4180: slug,metric,step,time,value; time in Unix seconds; NaN as nan.
std::string history_csv(const std::vector<const experiment*>& chosen) {
    std::string out = "slug,metric,step,time,value\r\n";
    for_each_history(chosen, [&](const experiment& e, const std::string& name, const metric_history& h) {
        const std::string prefix = csv_field(e.slug()) + ',' + csv_field(name) + ',';
        for (std::size_t i = 0; i < h.size(); ++i) {
            out += prefix;
            out += std::to_string(h.steps()[i]);
            out += ',';
            out += shortest(h.times()[i]);
            out += ',';
            out += shortest(h.values()[i]);
            out += "\r\n";
        }
    });
    return out;
}

// The same rows as strict JSON objects (NaN and infinities as null).
std::string history_json_rows(const std::vector<const experiment*>& chosen) {
    ordered_json rows = ordered_json::array();
    for_each_history(chosen, [&](const experiment& e, const std::string& name, const metric_history& h) {
        for (std::size_t i = 0; i < h.size(); ++i) {
            ordered_json row = ordered_json::object();
            row["slug"] = e.slug();
            row["metric"] = name;
            row["step"] = h.steps()[i];
            row["time"] = h.times()[i];
            const double v = h.values()[i];
            row["value"] = std::isfinite(v) ? ordered_json(v) : ordered_json(nullptr);
            rows.push_back(std::move(row));
        }
    });
    dump_options options;
    options.indent = 2;
    options.ensure_ascii = false;
    options.allow_nan = false;
    return dumps(rows, options) + "\n";
}

void write_file(const std::filesystem::path& path, std::string_view text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) throw failure(path.string() + ": cannot open for writing");
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.close();
    if (!out) throw failure(path.string() + ": write failed");
}

// Copies the files of experiment `e`'s folder `source` in `from` to `target` in `to` (one of
// them not local), keeping files already there; false when the source folder has no files.
// Stores that cannot list their files give the files the experiment's artifacts name.
bool copy_folder(const experiment& e, storage& from, storage& to, const std::filesystem::path& target) {
    const auto& source = e.path();
    auto files = files_below(from, source);
    if (!files) {
        files.emplace();
        const auto add = [&](const basic_artifact_set<builtin_handlers>& set) {
            for (const auto& a : set) files->push_back(resolve_inside(set.folder(), a.fname(), "artifact"));
        };
        add(e.artifacts());
        for (const auto& t : e.tests()) add(t.artifacts());
    }
    const auto normal_source = source.lexically_normal();
    bool any = false;
    for (const auto& file : *files) {
        const auto relative = file.lexically_normal().lexically_relative(normal_source);
        if (relative.empty() || *relative.begin() == "..") continue;
        const auto destination = target / relative;
        const auto failed = [&](const std::string& why) {
            return failure("cannot copy " + shown_path(from, file) + " to " + shown_path(to, destination) + ": " + why);
        };
        try {
            if (to.exists(destination)) {
                any = true;
                continue;
            }
            auto in = from.open(file, true);
            if (!in) continue;  // gone since it was listed, or an artifact without a file
            any = true;
            to.write(
                destination, true,
                [&](std::ostream& out) {
                    std::vector<char> buffer(1U << 16U);
                    while (in->read(buffer.data(), static_cast<std::streamsize>(buffer.size())) || in->gcount() > 0) {
                        out.write(buffer.data(), in->gcount());
                    }
                    if (in->bad()) throw failure("read failed");
                },
                true);
        } catch (const lazyscribe::error& x) {
            throw failed(x.what());
        } catch (const failure& x) {
            throw failed(x.what());
        }
    }
    return any;
}

}  // namespace

int run_export(const global_options&, const export_options& o) {
    if (o.output) require_local_output(*o.output);  // before reading the project
    const project p = open_project(o.project, o.selection.crashed_after);
    const auto chosen = select(p, o.selection);
    if (o.histories) {
        const std::string text = o.format == "json" ? history_json_rows(chosen) : history_csv(chosen);
        if (o.output) {
            write_file(*o.output, text);
        } else {
            write_stdout(text);
        }
        return exit_ok;
    }
    const rows r = o.tests ? test_rows(chosen) : experiment_rows(chosen);
    if (o.format == "json") {
        if (o.output) {
            dump_options options;
            options.indent = 2;
            options.ensure_ascii = false;
            options.allow_nan = false;
            write_file(*o.output, dumps(to_json_rows(r), options) + "\n");
        } else {
            print_json(to_json_rows(r));
        }
        return exit_ok;
    }
    const std::string csv = to_csv(r);
    if (o.output) {
        write_file(*o.output, csv);
    } else {
        write_stdout(csv);
    }
    return exit_ok;
}

int run_merge(const global_options&, const merge_options& o) {
    std::vector<project> inputs;
    std::size_t total = 0;
    for (const auto& in : o.inputs) {
        inputs.push_back(open_project(in));
        total += inputs.back().size();
    }
    // OUT locally or in an object store: out_path as the library opens it (with its protocol),
    // out_file as its storage names it.
    const auto [out_files, out_where] = locate(o.output);
    std::filesystem::path out_path(o.output);
    std::filesystem::path out_file = out_where;
    std::error_code ec;
    const bool out_local = is_local(*out_files);
    if (out_local ? std::filesystem::is_directory(out_file, ec)
                  : names_folder(out_file) ||
                        (!out_files->exists(out_file) && out_files->exists(out_file / "project.json"))) {
        out_path /= "project.json";
        out_file /= "project.json";
    }
    const auto out_folder = out_file.parent_path();
    if (out_local && !out_folder.empty()) {
        std::filesystem::create_directories(out_folder, ec);
        if (ec) throw failure(out_folder.string() + ": cannot create folder: " + ec.message());
    }

    project merged(out_path, mode::write);
    for (const auto& in : inputs) merged = merged.merge(in);

    // Artifact files live in <project folder>/<slug>/: bring them next to OUT (existing files
    // there are kept), so that the merged project's artifacts can be found.
    std::size_t copied_folders = 0;
    if (o.copy_artifacts) {
        for (const auto& e : merged) {
            const auto& source = e.path();
            storage& source_files = *e.artifacts().files();
            const auto target = out_folder / e.slug();
            if (out_local && is_local(source_files)) {
                if (!std::filesystem::is_directory(source, ec)) continue;
                if (std::filesystem::exists(target, ec) && std::filesystem::equivalent(source, target, ec)) {
                    continue;  // the same folder: OUT sits next to this input
                }
                std::filesystem::create_directories(target, ec);
                if (ec) throw failure(target.string() + ": cannot create folder: " + ec.message());
                std::filesystem::copy(
                    source, target,
                    std::filesystem::copy_options::recursive | std::filesystem::copy_options::skip_existing, ec);
                if (ec) {
                    throw failure("cannot copy " + source.string() + " to " + target.string() + ": " + ec.message());
                }
                ++copied_folders;
                continue;
            }
            if (&source_files == out_files.get() && source.lexically_normal() == target.lexically_normal()) {
                continue;  // the same folder: OUT sits next to this input
            }
            if (copy_folder(e, source_files, *out_files, target)) ++copied_folders;
        }
    }
    merged.save();

    std::string message = "wrote " + shown_path(*out_files, out_file) + ": " + std::to_string(merged.size()) +
                          " experiment" + (merged.size() == 1 ? "" : "s") + " from " + std::to_string(inputs.size()) +
                          " project" + (inputs.size() == 1 ? "" : "s");
    if (total > merged.size()) {
        message += " (" + std::to_string(total - merged.size()) + " older version" +
                   (total - merged.size() == 1 ? "" : "s") + " of a slug dropped)";
    }
    if (copied_folders > 0) {
        message +=
            "; copied " + std::to_string(copied_folders) + " experiment folder" + (copied_folders == 1 ? "" : "s");
    }
    write_stdout(message + "\n");
    return exit_ok;
}

}  // namespace lazyscribe::cli
