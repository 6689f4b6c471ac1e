// report: one self-contained HTML file (inline CSS, inline SVG charts, a little inline JS for
// sorting; no network access) with the experiments table, the tests table and a chart per metric.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <lazyscribe/time.hpp>

#include "cli.hpp"
#include "support.hpp"

#ifndef LAZYSCRIBE_VERSION
#define LAZYSCRIBE_VERSION "unknown"
#endif

namespace lazyscribe::cli {

namespace {

// Every user string goes through here: control characters made visible, then HTML-escaped.
std::string h(std::string_view s) { return html_escape(printable(s)); }

std::string fmt(double v) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.2f", v);
    return buffer;
}

std::string tick_text(double v) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.6g", v == 0 ? 0.0 : v);  // no "-0"
    return buffer;
}

// A "nice" step (1, 2 or 5 times a power of ten) giving about `count` intervals over span.
double nice_step(double span, int count) {
    const double raw = span / count;
    const double power = std::pow(10.0, std::floor(std::log10(raw)));
    const double f = raw / power;
    return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * power;
}

struct axis {
    double lo, hi, step;
};

axis make_axis(double lo, double hi, bool include_zero) {
    if (include_zero) {
        lo = std::min(lo, 0.0);
        hi = std::max(hi, 0.0);
    }
    if (!(hi > lo)) {
        const double pad = lo == 0 ? 1.0 : std::abs(lo) * 0.1;
        lo -= pad;
        hi += pad;
        if (include_zero) {
            lo = std::min(lo, 0.0);
            hi = std::max(hi, 0.0);
        }
    }
    double step = nice_step(hi - lo, 5);
    if (!std::isfinite(step) || step <= 0) step = (hi - lo) / 5;
    return {std::floor(lo / step) * step, std::ceil(hi / step) * step, step};
}

constexpr const char* palette[] = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
                                   "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};

struct bar {
    std::string label;    // raw user text
    std::string tooltip;  // raw user text
    std::string text;     // the value as the tables show it
    double value;
};

// The frame of a chart: y grid lines with tick labels; returns the y mapping.
struct frame {
    double left = 64, top = 12, width = 0, height = 220;
    axis a{};
    double y(double v) const { return top + (a.hi - v) / (a.hi - a.lo) * height; }
};

void y_grid(std::string& out, const frame& f) {
    const int ticks = static_cast<int>(std::lround((f.a.hi - f.a.lo) / f.a.step));
    for (int i = 0; i <= ticks && i <= 50; ++i) {
        const double v = f.a.lo + i * f.a.step;
        const double y = f.y(v);
        out += "<line class=\"grid\" x1=\"" + fmt(f.left) + "\" x2=\"" + fmt(f.left + f.width) + "\" y1=\"" + fmt(y) +
               "\" y2=\"" + fmt(y) + "\"/>";
        out += "<text class=\"tick\" x=\"" + fmt(f.left - 6) + "\" y=\"" + fmt(y + 4) + "\" text-anchor=\"end\">" +
               tick_text(v) + "</text>";
    }
}

std::string shorten(std::string_view s, std::size_t max_chars) {
    // cut on a code point boundary
    std::size_t chars = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if ((static_cast<unsigned char>(s[i]) & 0xc0) != 0x80) {
            if (chars == max_chars) return std::string(s.substr(0, i)) + "…";
            ++chars;
        }
    }
    return std::string(s);
}

std::string bar_chart(const std::vector<bar>& bars) {
    const std::size_t n = bars.size();
    const bool labels = n <= 40;
    frame f;
    f.width = std::clamp(static_cast<double>(n) * 36.0, 240.0, 960.0);
    const double bottom = labels ? 84 : 16;
    double lo = bars.front().value, hi = bars.front().value;
    for (const auto& b : bars) {
        lo = std::min(lo, b.value);
        hi = std::max(hi, b.value);
    }
    f.a = make_axis(lo, hi, true);
    const double total_w = f.left + f.width + 12;
    const double total_h = f.top + f.height + bottom;
    std::string out = "<svg class=\"chart-svg\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"" +
                      fmt(total_w) + "\" height=\"" + fmt(total_h) + "\" viewBox=\"0 0 " + fmt(total_w) + " " +
                      fmt(total_h) + "\">";
    y_grid(out, f);
    const double slot = f.width / static_cast<double>(n);
    const double zero = f.y(0);
    for (std::size_t i = 0; i < n; ++i) {
        const double x = f.left + slot * static_cast<double>(i) + slot * 0.15;
        const double y = f.y(bars[i].value);
        out += "<rect class=\"bar\" x=\"" + fmt(x) + "\" y=\"" + fmt(std::min(y, zero)) + "\" width=\"" +
               fmt(slot * 0.7) + "\" height=\"" + fmt(std::abs(zero - y)) + "\"><title>" + h(bars[i].tooltip) +
               "</title></rect>";
        if (n <= 24) {
            out += "<text class=\"value\" x=\"" + fmt(x + slot * 0.35) + "\" y=\"" +
                   fmt(bars[i].value >= 0 ? std::min(y, zero) - 3
                                          : std::min(std::max(y, zero) + 11, f.top + f.height - 2)) +
                   "\" text-anchor=\"middle\">" + h(bars[i].text) + "</text>";
        }
        if (labels) {
            const double lx = x + slot * 0.35;
            const double ly = f.top + f.height + 12;
            out += "<text class=\"xlabel\" text-anchor=\"end\" transform=\"translate(" + fmt(lx) + "," + fmt(ly) +
                   ") rotate(-35)\">" + h(shorten(bars[i].label, 18)) + "</text>";
        }
    }
    out += "<line class=\"axis\" x1=\"" + fmt(f.left) + "\" x2=\"" + fmt(f.left + f.width) + "\" y1=\"" + fmt(zero) +
           "\" y2=\"" + fmt(zero) + "\"/>";
    out += "</svg>";
    return out;
}

// One curve: y against x (a step, or a list's index), in logged order. NaN y: not drawn.
struct series {
    std::string label;
    std::vector<double> xs;
    std::vector<double> ys;
};

// At most this many points of one series go into the page: a 100,000-step history would make
// a page of megabytes. Above it, each of max_points/2 buckets keeps its lowest and highest
// point (in their order), so spikes and the envelope survive.
constexpr std::size_t max_points = 2000;

series thinned(const series& s) {
    if (s.xs.size() <= max_points) return s;
    series out{s.label, {}, {}};
    const std::size_t buckets = max_points / 2;
    const std::size_t n = s.xs.size();
    for (std::size_t b = 0; b < buckets; ++b) {
        const std::size_t begin = b * n / buckets;
        const std::size_t end = (b + 1) * n / buckets;
        std::size_t lo = end, hi = end;
        for (std::size_t i = begin; i < end; ++i) {
            if (!std::isfinite(s.ys[i])) continue;
            if (lo == end || s.ys[i] < s.ys[lo]) lo = i;
            if (hi == end || s.ys[i] > s.ys[hi]) hi = i;
        }
        if (lo == end) continue;  // only NaNs
        out.xs.push_back(s.xs[std::min(lo, hi)]);
        out.ys.push_back(s.ys[std::min(lo, hi)]);
        if (lo != hi) {
            out.xs.push_back(s.xs[std::max(lo, hi)]);
            out.ys.push_back(s.ys[std::max(lo, hi)]);
        }
    }
    return out;
}

std::string line_chart(const std::vector<series>& given, std::string& legend) {
    std::vector<series> all;
    all.reserve(given.size());
    std::size_t given_points = 0;  // markers only when every point is drawn and they are few
    for (const auto& s : given) {
        given_points += s.xs.size();
        all.push_back(thinned(s));
    }
    double lo = INFINITY, hi = -INFINITY, x_lo = INFINITY, x_hi = -INFINITY;
    std::size_t points = 0;
    for (const auto& s : all) {
        for (std::size_t i = 0; i < s.ys.size(); ++i) {
            if (!std::isfinite(s.ys[i])) continue;
            lo = std::min(lo, s.ys[i]);
            hi = std::max(hi, s.ys[i]);
            x_lo = std::min(x_lo, s.xs[i]);
            x_hi = std::max(x_hi, s.xs[i]);
            ++points;
        }
    }
    if (points == 0) x_lo = x_hi = lo = hi = 0;
    frame f;
    f.width = 560;
    f.a = make_axis(lo, hi, false);
    const double bottom = 32;
    const double total_w = f.left + f.width + 12;
    const double total_h = f.top + f.height + bottom;
    std::string out = "<svg class=\"chart-svg\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"" +
                      fmt(total_w) + "\" height=\"" + fmt(total_h) + "\" viewBox=\"0 0 " + fmt(total_w) + " " +
                      fmt(total_h) + "\">";
    y_grid(out, f);
    // x: the step (or index) on a linear axis, so that sparse steps sit where they were logged.
    const double x_span = x_hi - x_lo;
    const auto x_of = [&](double x) { return f.left + (x_span <= 0 ? f.width / 2 : f.width * (x - x_lo) / x_span); };
    if (x_span <= 0) {
        out += "<text class=\"tick\" x=\"" + fmt(x_of(x_lo)) + "\" y=\"" + fmt(f.top + f.height + 16) +
               "\" text-anchor=\"middle\">" + tick_text(x_lo) + "</text>";
    } else {
        // Whole steps: a nice step of at least 1 from the first step to the last.
        const double step = std::max(1.0, nice_step(x_span, 5));
        for (double x = std::ceil(x_lo / step) * step; x <= x_hi + step * 1e-9; x += step) {
            out += "<text class=\"tick\" x=\"" + fmt(x_of(x)) + "\" y=\"" + fmt(f.top + f.height + 16) +
                   "\" text-anchor=\"middle\">" + tick_text(x) + "</text>";
        }
    }
    out += "<text class=\"axis-label\" x=\"" + fmt(f.left + f.width) + "\" y=\"" + fmt(f.top + f.height + 30) +
           "\" text-anchor=\"end\">step</text>";
    legend = "<ul class=\"legend\">";
    for (std::size_t s = 0; s < all.size(); ++s) {
        const char* color = palette[s % std::size(palette)];
        std::string path;
        for (std::size_t i = 0; i < all[s].ys.size(); ++i) {
            const double v = all[s].ys[i];
            if (!std::isfinite(v)) continue;
            // Appended piece by piece: `"literal" + std::string&&` trips GCC 12's false -Wrestrict at -O2.
            if (!path.empty()) path += ' ';
            path.append(fmt(x_of(all[s].xs[i]))).append(",").append(fmt(f.y(v)));
        }
        out += "<polyline class=\"series\" fill=\"none\" stroke=\"" + std::string(color) + "\" points=\"" + path +
               "\"><title>" + h(all[s].label) + "</title></polyline>";
        if (given_points <= max_points) {
            for (std::size_t i = 0; i < all[s].ys.size(); ++i) {
                const double v = all[s].ys[i];
                if (!std::isfinite(v)) continue;
                out += "<circle class=\"point\" r=\"3\" fill=\"" + std::string(color) + "\" cx=\"" +
                       fmt(x_of(all[s].xs[i])) + "\" cy=\"" + fmt(f.y(v)) + "\"><title>" + h(all[s].label) + ", step " +
                       tick_text(all[s].xs[i]) + ": " + h(cell_text(json(v))) + "</title></circle>";
            }
        }
        legend += "<li><span class=\"swatch\" style=\"background:" + std::string(color) + "\"></span>" +
                  h(all[s].label) + "</li>";
    }
    legend += "</ul>";
    out += "</svg>";
    return out;
}

// One metric (of experiments, or of one test) across experiments: a bar chart of the numbers,
// a line chart of the histories and lists; values that cannot be drawn are counted in a note.
struct metric_values {
    std::vector<bar> bars;
    std::vector<series> lists;
    std::size_t not_drawn = 0;
};

// A list of [step, value] pairs (what Python users log as a curve): [[0, 1.0], [5, 0.6]].
bool is_pair_list(const json& v) noexcept {
    return v.is_array() && !v.empty() && std::all_of(v.begin(), v.end(), [](const json& x) {
               return x.is_array() && x.size() == 2 && is_number(x[0]) && is_number(x[1]);
           });
}

// Whether a metric value can be charted: a number, a list of numbers or of [step, value] pairs.
bool chartable(const json& v) noexcept { return is_number(v) || is_number_list(v) || is_pair_list(v); }

// A live run's history of the metric (nullptr for other experiments, or when it has none).
const metric_history* history_of(const experiment& e, const std::string& metric) {
    return e.live_run() ? e.histories().find(metric) : nullptr;
}

// A live run's metric is its history, against the step (its scalar is the last value); else a
// number is a bar, a list of numbers a curve against its index, a list of [step, value] pairs
// a curve against the step.
void collect(metric_values& mv, const experiment& e, const json* v, const metric_history* history = nullptr) {
    const std::string label = e.name();
    const auto finite = [](double d) { return std::isfinite(d) ? d : NAN; };
    if (history != nullptr && !history->empty()) {
        series s{label, {}, {}};
        s.xs.reserve(history->size());
        s.ys.reserve(history->size());
        for (std::size_t i = 0; i < history->size(); ++i) {
            s.xs.push_back(static_cast<double>(history->steps()[i]));
            s.ys.push_back(finite(history->values()[i]));
        }
        mv.lists.push_back(std::move(s));
        return;
    }
    if (v == nullptr) return;
    const std::string tooltip = e.name() + " (" + e.slug() + "): ";
    if (is_number(*v)) {
        const double d = *to_double(*v);
        if (std::isfinite(d)) {
            mv.bars.push_back({label, tooltip + full_text(*v), cell_text(*v), d});
        } else {
            ++mv.not_drawn;
        }
    } else if (is_number_list(*v)) {
        series s{label, {}, {}};
        for (const auto& x : *v) {
            s.xs.push_back(static_cast<double>(s.xs.size()));
            s.ys.push_back(finite(*to_double(x)));
        }
        mv.lists.push_back(std::move(s));
    } else if (is_pair_list(*v)) {
        series s{label, {}, {}};
        for (const auto& pair : *v) {
            const double step = *to_double(pair[0]);
            if (!std::isfinite(step)) continue;
            s.xs.push_back(step);
            s.ys.push_back(finite(*to_double(pair[1])));
        }
        mv.lists.push_back(std::move(s));
    } else {
        ++mv.not_drawn;
    }
}

std::string figure(const std::string& css_class, const std::string& data_metric, const std::string& caption,
                   const metric_values& mv) {
    std::string out = "<figure class=\"" + css_class + "\" data-metric=\"" + h(data_metric) + "\"><figcaption>" +
                      caption + "</figcaption>";
    if (!mv.bars.empty()) out += bar_chart(mv.bars);
    if (!mv.lists.empty()) {
        std::string legend;
        out += line_chart(mv.lists, legend);
        out += legend;
    }
    if (mv.bars.empty() && mv.lists.empty()) out += "<p class=\"note\">No numeric values to draw.</p>";
    if (mv.not_drawn > 0) {
        out += "<p class=\"note\">Not drawn: " + std::to_string(mv.not_drawn) + " value" +
               (mv.not_drawn == 1 ? "" : "s") + " that are not finite numbers (NaN, Infinity, text).</p>";
    }
    out += "</figure>\n";
    return out;
}

std::string number_cell(const json* v) {
    if (v == nullptr) return "<td class=\"num\" data-sort=\"\"></td>";
    if (is_number(*v)) {
        const double d = *to_double(*v);
        const std::string key = std::isfinite(d) ? number_text(*v) : "";
        return "<td class=\"num\" data-sort=\"" + h(key) + "\" title=\"" + h(full_text(*v)) + "\">" + h(cell_text(*v)) +
               "</td>";
    }
    return "<td data-sort=\"\">" + h(shorten(full_text(*v), 40)) + "</td>";
}

constexpr const char* style = R"CSS(
:root { color-scheme: light; --fg: #1f2328; --muted: #656d76; --line: #d0d7de; --head: #f6f8fa; --accent: #4e79a7; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; color: var(--fg); margin: 0 auto; padding: 24px; max-width: 1400px; }
h1 { font-size: 22px; margin: 0 0 4px; word-break: break-word; }
h2 { font-size: 17px; margin: 32px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 15px; margin: 20px 0 8px; }
.meta, .note { color: var(--muted); }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px; }
.table-wrap { overflow-x: auto; border: 1px solid var(--line); border-radius: 6px; }
table { border-collapse: collapse; width: 100%; }
th, td { padding: 5px 10px; text-align: left; border-bottom: 1px solid var(--line); white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
thead th { background: var(--head); position: sticky; top: 0; cursor: pointer; user-select: none; }
thead th:hover { background: #eaeef2; }
thead th[aria-sort="ascending"]::after { content: " \25B2"; font-size: 10px; }
thead th[aria-sort="descending"]::after { content: " \25BC"; font-size: 10px; }
tbody tr:nth-child(even) { background: #fbfcfd; }
tbody tr:hover { background: #f0f6ff; }
.tag { display: inline-block; background: #ddf4ff; border-radius: 10px; padding: 0 7px; margin-right: 3px; font-size: 12px; }
.charts { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
figure { margin: 0; padding: 12px; border: 1px solid var(--line); border-radius: 6px; max-width: 100%; overflow-x: auto; }
figcaption { font-weight: 600; margin-bottom: 6px; }
svg text { font: 11px system-ui, sans-serif; fill: var(--muted); }
svg .value { fill: var(--fg); }
svg .grid { stroke: #eaeef2; }
svg .axis { stroke: #8c959f; }
svg .bar { fill: var(--accent); }
svg .bar:hover { fill: #f28e2b; }
svg .series { stroke-width: 2; }
td.status-failed, td.status-crashed { color: #cf222e; font-weight: 600; }
td.status-running { color: #1a7f37; }
svg .axis-label { font-style: italic; }
.legend { list-style: none; padding: 0; margin: 6px 0 0; display: flex; flex-wrap: wrap; gap: 4px 14px; font-size: 12px; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 5px; }
)CSS";

// Sorting: click (or Enter on) a header; numbers numerically, empty cells last. A URL fragment
// #sort=<table id>:<column>[:desc] sorts on load. data-ready="1" on <html> says the script ran.
constexpr const char* script = R"JS(
(function () {
  "use strict";
  function key(cell, numeric) {
    var v = cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent;
    if (!numeric) return v.toLowerCase();
    if (v === "") return null;
    var n = Number(v);
    return isNaN(n) ? null : n;
  }
  function sortTable(table, col, dir) {
    var th = table.tHead.rows[0].cells[col];
    var numeric = th.getAttribute("data-type") === "number";
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var keys = new Map();
    rows.forEach(function (r) { keys.set(r, key(r.cells[col], numeric)); });
    rows.sort(function (a, b) {
      var x = keys.get(a), y = keys.get(b);
      var order = Number(a.getAttribute("data-index")) - Number(b.getAttribute("data-index"));
      if (x === null || y === null) return x === y ? order : (x === null ? 1 : -1);
      var c = x < y ? -1 : (x > y ? 1 : 0);
      if (c === 0) return order;
      return dir === "descending" ? -c : c;
    });
    var fragment = document.createDocumentFragment();
    rows.forEach(function (r) { fragment.appendChild(r); });
    body.appendChild(fragment);
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", dir);
  }
  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {
      th.tabIndex = 0;
      th.title = "Sort";
      function toggle() {
        sortTable(table, col, th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending");
      }
      th.addEventListener("click", toggle);
      th.addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); toggle(); }
      });
    });
  });
  var m = /^#sort=([A-Za-z0-9_-]+):(\d+)(?::(asc|desc))?$/.exec(window.location.hash);
  if (m) {
    var t = document.getElementById(m[1]);
    if (t && t.tHead && Number(m[2]) < t.tHead.rows[0].cells.length) {
      sortTable(t, Number(m[2]), m[3] === "desc" ? "descending" : "ascending");
    }
  }
  document.documentElement.setAttribute("data-ready", "1");
})();
)JS";

std::string now_text() { return format_time(lazyscribe::now()); }

}  // namespace

int run_report(const global_options&, const report_options& o) {
    require_local_output(o.output);  // before reading the project
    const project p = open_project(o.project, o.selection.crashed_after);
    const auto chosen = select(p, o.selection);

    // Metrics to chart and to show as columns: given, or every one holding numbers or number lists.
    std::vector<std::string> metrics = o.metrics;
    if (metrics.empty()) {
        std::set<std::string> names;
        for (const auto* e : chosen) {
            for (const auto& [key, value] : e->metrics().items()) {
                if (chartable(value)) names.insert(key);
            }
            if (e->live_run()) {
                for (const auto& [key, history] : e->histories()) names.insert(key);
            }
        }
        metrics.assign(names.begin(), names.end());
    }
    // Tests, by name in order of first appearance, and their chartable metrics.
    std::vector<std::string> test_names;
    std::map<std::string, std::set<std::string>> test_metrics;
    std::set<std::string> all_test_metrics;
    for (const auto* e : chosen) {
        for (const auto& t : e->tests()) {
            if (test_metrics.find(t.name()) == test_metrics.end()) test_names.push_back(t.name());
            auto& names = test_metrics[t.name()];
            for (const auto& [key, value] : t.metrics().items()) {
                const bool wanted = o.metrics.empty()
                                        ? chartable(value)
                                        : std::find(o.metrics.begin(), o.metrics.end(), key) != o.metrics.end();
                if (wanted) {
                    names.insert(key);
                    all_test_metrics.insert(key);
                }
            }
        }
    }

    const std::string title = o.title ? *o.title : "lazyscribe report: " + p.path().filename().string();
    std::string out;
    out.reserve(16384 + chosen.size() * 512);
    out +=
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<meta name=\"generator\" content=\"lazyscribe " LAZYSCRIBE_VERSION "\">\n<title>" +
        h(title) + "</title>\n<style>" + style + "</style>\n</head>\n<body>\n";
    out += "<header><h1>" + h(title) + "</h1>\n<p class=\"meta\">Project <code>" + h(shown_path(*p.files(), p.path())) +
           "</code> &middot; <span id=\"experiment-count\">" + std::to_string(chosen.size()) + "</span> of " +
           std::to_string(p.size()) + " experiments &middot; generated " + now_text() +
           " UTC by lazyscribe " LAZYSCRIBE_VERSION "</p></header>\n";

    // Experiments table
    out +=
        "<section id=\"experiments-section\"><h2>Experiments</h2>\n<div class=\"table-wrap\">"
        "<table id=\"experiments\" class=\"sortable\"><thead><tr>"
        "<th data-type=\"text\">Name</th><th data-type=\"text\">Slug</th><th data-type=\"text\">Author</th>"
        "<th data-type=\"text\">Created</th><th data-type=\"text\">Status</th><th data-type=\"text\">Tags</th>"
        "<th data-type=\"number\" "
        "class=\"num\">Tests</th>";
    for (const auto& m : metrics) out += "<th data-type=\"number\" class=\"num\">" + h(m) + "</th>";
    out += "</tr></thead>\n<tbody>\n";
    for (std::size_t i = 0; i < chosen.size(); ++i) {
        const auto& e = *chosen[i];
        out += "<tr class=\"experiment\" data-index=\"" + std::to_string(i) + "\" data-slug=\"" + h(e.slug()) + "\">";
        out += "<td>" + h(e.name()) + "</td><td><code>" + h(e.slug()) + "</code></td><td>" + h(e.author()) +
               "</td><td>" + format_time(e.created_at()) + "</td>";
        const std::string status(to_string(e.status()));
        out += "<td class=\"status status-" + status + "\">" + status + "</td><td data-sort=\"";
        std::string tags_key, tags_html;
        for (const auto& tag : shown_tags(e.tags())) {
            tags_key += (tags_key.empty() ? "" : ",") + tag;
            tags_html += "<span class=\"tag\">" + h(tag) + "</span>";
        }
        out += h(tags_key) + "\">" + tags_html + "</td><td class=\"num\">" + std::to_string(e.tests().size()) + "</td>";
        for (const auto& m : metrics) {
            const auto it = e.metrics().find(m);
            out += number_cell(it == e.metrics().end() ? nullptr : &*it);
        }
        out += "</tr>\n";
    }
    out += "</tbody></table></div></section>\n";

    // Tests table
    std::size_t test_rows = 0;
    for (const auto* e : chosen) test_rows += e->tests().size();
    if (test_rows > 0) {
        out +=
            "<section id=\"tests-section\"><h2>Tests</h2>\n<div class=\"table-wrap\">"
            "<table id=\"tests\" class=\"sortable\"><thead><tr><th data-type=\"text\">Experiment</th>"
            "<th data-type=\"text\">Test</th><th data-type=\"text\">Description</th>";
        for (const auto& m : all_test_metrics) out += "<th data-type=\"number\" class=\"num\">" + h(m) + "</th>";
        out += "</tr></thead>\n<tbody>\n";
        std::size_t index = 0;
        for (const auto* e : chosen) {
            for (const auto& t : e->tests()) {
                out += "<tr class=\"test\" data-index=\"" + std::to_string(index++) + "\"><td>" + h(e->name()) +
                       "</td><td>" + h(t.name()) + "</td><td>" + (t.description() ? h(*t.description()) : "") + "</td>";
                for (const auto& m : all_test_metrics) {
                    const auto it = t.metrics().find(m);
                    out += number_cell(it == t.metrics().end() ? nullptr : &*it);
                }
                out += "</tr>\n";
            }
        }
        out += "</tbody></table></div></section>\n";
    }

    // Charts
    out += "<section id=\"charts-section\"><h2>Metrics</h2>\n<div class=\"charts\">\n";
    if (metrics.empty()) out += "<p class=\"note\">No numeric metrics.</p>\n";
    for (const auto& m : metrics) {
        metric_values mv;
        for (const auto* e : chosen) {
            const auto it = e->metrics().find(m);
            collect(mv, *e, it == e->metrics().end() ? nullptr : &*it, history_of(*e, m));
        }
        out += figure("chart metric-chart", m, h(m), mv);
    }
    out += "</div></section>\n";
    if (!test_names.empty() && !all_test_metrics.empty()) {
        out += "<section id=\"test-charts-section\"><h2>Test metrics</h2>\n";
        for (const auto& name : test_names) {
            if (test_metrics[name].empty()) continue;
            out += "<h3>Test: " + h(name) + "</h3>\n<div class=\"charts\">\n";
            for (const auto& m : test_metrics[name]) {
                metric_values mv;
                for (const auto* e : chosen) {
                    for (const auto& t : e->tests()) {
                        if (t.name() != name) continue;
                        const auto it = t.metrics().find(m);
                        collect(mv, *e, it == t.metrics().end() ? nullptr : &*it);
                    }
                }
                out += figure("chart test-chart", m, h(m), mv);
            }
            out += "</div>\n";
        }
        out += "</section>\n";
    }
    out += "<script>" + std::string(script) + "</script>\n</body>\n</html>\n";

    const std::filesystem::path path(o.output);
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    if (!file) throw failure(path.string() + ": cannot open for writing");
    file.write(out.data(), static_cast<std::streamsize>(out.size()));
    file.close();
    if (!file) throw failure(path.string() + ": write failed");
    write_stdout("wrote " + path.string() + ": " + std::to_string(chosen.size()) + " experiment" +
                 (chosen.size() == 1 ? "" : "s") + ", " + std::to_string(metrics.size()) + " metric chart" +
                 (metrics.size() == 1 ? "" : "s") + "\n");
    return exit_ok;
}

}  // namespace lazyscribe::cli
