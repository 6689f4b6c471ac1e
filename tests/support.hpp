#pragma once
// Shared helpers for the unit tests: a fresh temporary folder per test, whole-file reads,
// and the test handlers used across files.

#include <lazyscribe/lazyscribe.hpp>
#include <lazyscribe/handlers/cereal.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>

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
