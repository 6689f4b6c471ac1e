#pragma once
// The real Python lazyscribe 2.2.1 as a test oracle: tests write a file with one side and
// read it with the other. Python is found through LAZYSCRIBE_PYTHONPATH (set by .ci/run to
// ../shared/python/site); where it is absent, or its Debian packages are, the test says so
// on standard output with the marker ctest turns into "skipped" and returns early.

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <random>
#include <string>

namespace lazyscribe_test {

/// The marker line tests/CMakeLists.txt gives ctest as SKIP_REGULAR_EXPRESSION.
inline constexpr const char* python_skip_marker = "LAZYSCRIBE-SKIP:";

struct python_result {
    int exit_code = 0;
    std::string out;
    std::string err;
};

namespace python_detail {

inline std::string quote(const std::string& s) {
    std::string q = "'";
    for (char c : s) {
        if (c == '\'')
            q += "'\\''";
        else
            q += c;
    }
    return q + "'";
}

inline std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Freezes lazyscribe's clock: attrs captured `utcnow` as a default factory, so its code object
// is replaced rather than the module attribute (../shared/python/README.md).
inline std::string prelude(const std::string& frozen_utc) {
    return "import sys, datetime\n"
           "import lazyscribe._utils as _lz_utils\n"
           "_LZ_FROZEN = datetime.datetime.fromisoformat(" +
           quote(frozen_utc) +
           ")\n"
           "_lz_utils.utcnow.__code__ = (lambda: _LZ_FROZEN).__code__\n"
           "_lz_utils.utcnow.__globals__['_LZ_FROZEN'] = _LZ_FROZEN\n";
}

}  // namespace python_detail

/// The folder holding Python lazyscribe, or nullopt (with the reason in `why`).
inline std::optional<std::filesystem::path> python_site(std::string* why = nullptr) {
    const char* env = std::getenv("LAZYSCRIBE_PYTHONPATH");
    if (env == nullptr || *env == '\0') {
        if (why) *why = "LAZYSCRIBE_PYTHONPATH is not set (point it at ../shared/python/site)";
        return std::nullopt;
    }
    const std::filesystem::path site = env;
    if (!std::filesystem::exists(site / "lazyscribe")) {
        if (why) *why = "no lazyscribe package under LAZYSCRIBE_PYTHONPATH=" + site.string();
        return std::nullopt;
    }
    return site;
}

/// Runs `script` with Debian's python3 and Python lazyscribe on its path, in folder `cwd`,
/// with lazyscribe's clock frozen at `frozen_utc` (naive UTC, ISO 8601).
inline python_result run_python(const std::string& script, const std::filesystem::path& cwd,
                                const std::string& frozen_utc = "2025-01-02T03:04:05") {
    std::string why;
    const auto site = python_site(&why);
    if (!site) throw std::runtime_error("run_python: " + why);
    std::random_device rd;
    const auto base =
        std::filesystem::temp_directory_path() / ("lazyscribe-py-" + std::to_string(rd()) + "-" + std::to_string(rd()));
    const auto script_file = base.string() + ".py";
    const auto out_file = base.string() + ".out";
    const auto err_file = base.string() + ".err";
    {
        std::ofstream s(script_file, std::ios::binary);
        s << python_detail::prelude(frozen_utc) << script;
    }
    const std::string command = "cd " + python_detail::quote(cwd.string()) +
                                " && PYTHONPATH=" + python_detail::quote(site->string()) +
                                " PYTHONIOENCODING=utf-8 /usr/bin/python3 " + python_detail::quote(script_file) + " >" +
                                python_detail::quote(out_file) + " 2>" + python_detail::quote(err_file);
    const int status = std::system(command.c_str());
    python_result result;
    result.exit_code = status;
    result.out = python_detail::slurp(out_file);
    result.err = python_detail::slurp(err_file);
    std::error_code ec;
    std::filesystem::remove(script_file, ec);
    std::filesystem::remove(out_file, ec);
    std::filesystem::remove(err_file, ec);
    return result;
}

/// True if Python lazyscribe and its Debian dependencies can run here; caches the answer.
inline bool python_available(std::string* why = nullptr) {
    static const std::optional<std::string> missing = []() -> std::optional<std::string> {
        std::string reason;
        if (!python_site(&reason)) return reason;
        if (!std::filesystem::exists("/usr/bin/python3")) return std::string("/usr/bin/python3 is absent");
        const auto r = run_python("import lazyscribe, slugify, fsspec, attrs\nprint(lazyscribe.__version__)\n",
                                  std::filesystem::temp_directory_path());
        if (r.exit_code != 0) {
            return "Python lazyscribe does not import (apt-get install python3-fsspec python3-slugify "
                   "python3-attr python3-text-unidecode): " +
                   r.err.substr(0, 300);
        }
        return std::nullopt;
    }();
    if (missing && why) *why = *missing;
    return !missing;
}

/// Runs `script` and fails the test, showing Python's error, unless it exits with 0.
inline std::string python_ok(const std::string& script, const std::filesystem::path& cwd,
                             const std::string& frozen_utc = "2025-01-02T03:04:05") {
    const auto r = run_python(script, cwd, frozen_utc);
    INFO("python stderr:\n" << r.err << "\npython stdout:\n" << r.out);
    REQUIRE(r.exit_code == 0);
    return r.out;
}

}  // namespace lazyscribe_test

/// Skips the rest of the test case, with the reason, when Python lazyscribe is not at hand.
#define LAZYSCRIBE_REQUIRE_PYTHON()                                                                     \
    do {                                                                                                \
        std::string lazyscribe_python_why_;                                                             \
        if (!::lazyscribe_test::python_available(&lazyscribe_python_why_)) {                            \
            std::cout << ::lazyscribe_test::python_skip_marker                                          \
                      << " Python lazyscribe interop test skipped: " << lazyscribe_python_why_ << '\n'; \
            return;                                                                                     \
        }                                                                                               \
    } while (false)
