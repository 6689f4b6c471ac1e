#pragma once
// Shared helpers for the unit tests: a fresh temporary folder per test, whole-file reads,
// and the test handlers used across files.

#include <lazyscribe/lazyscribe.hpp>
#include <lazyscribe/handlers/cereal.hpp>

#ifdef LAZYSCRIBE_TEST_ON_S3
#include "s3_support.hpp"
#endif

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace lazyscribe_test {

/// A folder under the system's temporary directory, removed when the test ends.
class temp_dir {
public:
    temp_dir() {
        std::random_device rd;
        path_ = std::filesystem::temp_directory_path() /
                ("lazyscribe-test-" + std::to_string(rd()) + "-" + std::to_string(rd()));
        std::filesystem::create_directories(path_);
    }
    ~temp_dir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;
    const std::filesystem::path& path() const { return path_; }
    operator const std::filesystem::path&() const { return path_; }  // NOLINT(google-explicit-constructor): convenience
    std::filesystem::path operator/(const std::string& rel) const { return path_ / rel; }

private:
    std::filesystem::path path_;
};

// ---- a test's folder on the storage its file is built for --------------------------------------
//
// tests/unit-project.cpp, unit-repository.cpp, unit-live.cpp and unit-release.cpp run twice: in
// the unit binary on a local folder, and in the S3 binary (tests/unit-s3_on_*.cpp, built with
// LAZYSCRIBE_TEST_ON_S3) on a fresh prefix of the test bucket, reached as "s3://" as a user's
// program would. The class lives in an inline namespace of each kind, so that both kinds can be
// in one binary.

#ifdef LAZYSCRIBE_TEST_ON_S3
inline constexpr bool on_s3 = true;
inline namespace on_s3_storage {
#else
inline constexpr bool on_s3 = false;
inline namespace on_local_storage {
#endif

/// A test's own folder: a temporary local folder, or a fresh S3 prefix ("s3://bucket/on-s3/<n>")
/// whose objects are removed when the test ends. Its files are read and written through the
/// library's storage for the path, so that a check sees what a user's program would.
class test_dir {
public:
    test_dir() {
#ifdef LAZYSCRIBE_TEST_ON_S3
        const auto place = s3_server("on-s3");
        if (!place) return;
        cleanup_.emplace(*place);
        path_ = "s3://" + place->root();
#else
        path_ = local_.path();
#endif
    }
    test_dir(const test_dir&) = delete;
    test_dir& operator=(const test_dir&) = delete;
    test_dir(test_dir&&) = delete;
    test_dir& operator=(test_dir&&) = delete;
    ~test_dir() = default;

    /// False when the storage is not there (no S3 server): the test has printed why and returns.
    [[nodiscard]] bool ready() const { return !path_.empty(); }
    [[nodiscard]] const std::filesystem::path& path() const { return path_; }
    operator const std::filesystem::path&() const { return path_; }  // NOLINT(google-explicit-constructor): convenience
    std::filesystem::path operator/(const std::string& rel) const { return path_ / rel; }

    /// `rel` under this folder as the library spells it in paths it reports (an experiment's
    /// path()): on S3 without the protocol.
    [[nodiscard]] std::filesystem::path stored(const std::string& rel) const {
        return storage_for(path_ / rel).second;
    }
    /// Whether a file is stored at `p`: a path under this folder, or a path as the library
    /// reports it (an experiment's path(), without the protocol).
    [[nodiscard]] bool exists(const std::filesystem::path& p) const {
        const auto [files, where] = storage_for(p);
        return files->exists(where);
    }
    [[nodiscard]] std::string read(const std::filesystem::path& p) const {
        const auto [files, where] = storage_for(p);
        auto text = files->read(where);
        if (!text) throw std::runtime_error("test: no file " + p.string());
        return std::move(*text);
    }
    void write(const std::filesystem::path& p, const std::string& bytes) const {
        const auto [files, where] = storage_for(p);
        if constexpr (!on_s3) std::filesystem::create_directories(where.parent_path());
        files->write(where, true, [&](std::ostream& out) { out << bytes; }, false);
    }
    /// Copies every file under the local folder `from` to `rel` here.
    void copy_in(const std::filesystem::path& from, const std::string& rel) const {
        for (const auto& entry : std::filesystem::recursive_directory_iterator(from)) {
            if (!entry.is_regular_file()) continue;
            std::ifstream in(entry.path(), std::ios::binary);
            write(path_ / rel / std::filesystem::relative(entry.path(), from),
                  {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()});
        }
    }
    /// The files stored under `rel` (relative to it, sorted), without a local save's lock files.
    [[nodiscard]] std::vector<std::string> files(const std::string& rel = {}) const {
        std::vector<std::string> out;
        const auto folder = rel.empty() ? path_ : path_ / rel;
#ifdef LAZYSCRIBE_TEST_ON_S3
        const auto [files, where] = storage_for(folder);
        const std::string prefix = where.generic_string();
        for (const auto& key : dynamic_cast<lazyscribe::s3_storage&>(*files).list(prefix)) {
            out.push_back(key.substr(prefix.size() + 1));
        }
#else
        if (!std::filesystem::exists(folder)) return out;
        for (const auto& entry : std::filesystem::recursive_directory_iterator(folder)) {
            const auto name = entry.path().filename().string();
            if (!entry.is_regular_file() || name.ends_with(".lock")) continue;
            out.push_back(std::filesystem::relative(entry.path(), folder).generic_string());
        }
#endif
        std::sort(out.begin(), out.end());
        return out;
    }

private:
    static std::pair<std::shared_ptr<lazyscribe::storage>, std::filesystem::path> storage_for(
        const std::filesystem::path& p) {
        if (on_s3 && p.string().find("://") == std::string::npos) {
            return lazyscribe::resolve_storage("s3://" + p.string(), nullptr);
        }
        return lazyscribe::resolve_storage(p, nullptr);
    }

#ifdef LAZYSCRIBE_TEST_ON_S3
    std::optional<s3_cleanup> cleanup_;
#else
    temp_dir local_;
#endif
    std::filesystem::path path_;
};

}  // namespace on_s3_storage / on_local_storage

/// Declares `name`, the test's own test_dir; without its storage (no S3 server) the test returns
/// after the skip marker.
#define LAZYSCRIBE_TEST_DIR(name)       \
    const lazyscribe_test::test_dir name; \
    if (!(name).ready()) return

inline std::string read_file(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) throw std::runtime_error("test: cannot open " + p.string());
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void write_file(const std::filesystem::path& p, const std::string& bytes) {
    std::filesystem::create_directories(p.parent_path());
    std::ofstream out(p, std::ios::binary);
    out << bytes;
}

inline std::filesystem::path fixtures() { return LAZYSCRIBE_FIXTURES_DIR; }

/// The seed's handler: plain text in .txt files.
struct text_handler {
    static constexpr std::string_view alias = "text";
    static constexpr std::string_view suffix = "txt";
    static constexpr bool binary = false;
    static constexpr bool output_only = false;
    static void write(const std::string& value, std::ostream& out, const lazyscribe::json&) { out << value; }
    static std::string read(std::istream& in, const lazyscribe::json&) {
        return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    }
};

/// A handler with environment metadata whose value a test can change.
struct versioned_handler {
    static constexpr std::string_view alias = "versioned";
    static constexpr std::string_view suffix = "ver";
    static constexpr bool binary = true;
    static constexpr bool output_only = false;
    static inline std::string running_version = "1.0";
    static lazyscribe::json environment() { return {{"format_version", running_version}}; }
    static void write(const std::string& value, std::ostream& out, const lazyscribe::json&) { out << value; }
    static std::string read(std::istream& in, const lazyscribe::json&) {
        return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    }
};

/// A handler whose write fails, to check that nothing on disk is harmed.
struct failing_handler {
    static constexpr std::string_view alias = "failing";
    static constexpr std::string_view suffix = "bin";
    static constexpr bool binary = true;
    static constexpr bool output_only = false;
    static void write(const int& value, std::ostream& out, const lazyscribe::json&) {
        out << "partial";
        if (value < 0) throw std::runtime_error("disk on fire");
    }
    static int read(std::istream&, const lazyscribe::json&) { return 0; }
};

using test_handlers = lazyscribe::with_cereal::with<text_handler, versioned_handler, failing_handler>;

}  // namespace lazyscribe_test
