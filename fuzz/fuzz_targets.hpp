#pragma once
// The bodies of the fuzz targets, shared with the unit tests that replay the regression
// corpus: a loader may throw lazyscribe::error for any input, and must do nothing else
// (no crash, no other exception, no file opened outside its folder).

#include <lazyscribe/handlers/pickle.hpp>
#include <lazyscribe/lazyscribe.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <system_error>
#include <unistd.h>

namespace lazyscribe_fuzz {

// A private folder per process, reused across inputs.
inline const std::filesystem::path& scratch() {
    static const std::filesystem::path dir = [] {
        auto d = std::filesystem::temp_directory_path() / ("lazyscribe-fuzz-" + std::to_string(::getpid()));
        std::filesystem::create_directories(d);
        return d;
    }();
    return dir;
}

inline std::filesystem::path write_input(const char* name, const std::uint8_t* data, std::size_t size) {
    const auto file = scratch() / name;
    std::ofstream(file, std::ios::binary | std::ios::trunc)
        .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    return file;
}

/// Loads the bytes as a project, then touches everything a reader would.
inline void load_project(const std::uint8_t* data, std::size_t size) {
    const auto file = write_input("project.json", data, size);
    try {
        lazyscribe::project p(file, lazyscribe::mode::read_only);
        for (const auto& e : p) {
            (void)e.to_json();
            (void)p.find(e.slug());
            (void)e.status();
            try {
                (void)e.histories();  // a live run's history artifact or journal, if its files are there
            } catch (const lazyscribe::error&) {
            }
            for (const auto& a : e.artifacts()) {
                try {
                    (void)e.load_artifact<lazyscribe::json>(a.name());
                } catch (const lazyscribe::error&) {
                }
            }
        }
        // The writer that saves walks the records; it must give exactly what writing their
        // JSON value gives (the reference, checked against Python's files by the tests).
        lazyscribe::detail::pyjson::dump_options options;
        options.indent = 4;
        options.sort_keys = true;
        if (p.to_text() != lazyscribe::detail::pyjson::dump(p.to_json(), options)) __builtin_trap();
    } catch (const lazyscribe::error&) {
    }
}

/// Loads the bytes as a repository and runs the look-ups.
inline void load_repository(const std::uint8_t* data, std::size_t size) {
    const auto file = write_input("repository.json", data, size);
    try {
        lazyscribe::repository r(file, lazyscribe::mode::read_only);
        for (const auto& a : r) {
            try {
                (void)r.find_version(a.name());
                (void)r.find_version(a.name(), a.version());
                (void)r.find_version(a.name(), a.created_at(), lazyscribe::match::asof);
                (void)r.load_artifact<lazyscribe::json>(a.name(), {.version = a.version()});
            } catch (const lazyscribe::error&) {
            }
        }
        (void)r.to_text();
    } catch (const lazyscribe::error&) {
    }
}

/// Reads the bytes as a live run's journal and as a history artifact (docs/format.md §11).
inline void load_journal(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        const auto contents = lazyscribe::detail::read_journal(text, "journal");
        std::size_t points = 0;
        for (const auto& entry : contents.histories) {
            const auto& h = entry.second;
            if (h.steps().size() != h.times().size() || h.steps().size() != h.values().size()) __builtin_trap();
            points += h.size();
        }
        if (points != contents.points || contents.ignored_bytes > text.size()) __builtin_trap();
    } catch (const lazyscribe::error&) {
    }
    try {
        (void)lazyscribe::detail::histories_from_json(
            lazyscribe::detail::pyjson::parse<lazyscribe::ordered_json>(text, "history"), "history");
    } catch (const lazyscribe::error&) {
    }
}

/// Reads the bytes as a pickle: as JSON, then as an array of doubles and of bools.
inline void load_pickle(const std::uint8_t* data, std::size_t size) {
    const std::string bytes(reinterpret_cast<const char*>(data), size);
    const auto attempt = [&](auto read) {
        std::istringstream in(bytes);
        try {
            lazyscribe::detail::pickle::reader r(in);
            read(r);
        } catch (const lazyscribe::error&) {
        }
    };
    attempt([](auto& r) { (void)r.load(); });
    attempt([](auto& r) { (void)r.template load_array<double>(); });
    attempt([](auto& r) { (void)r.template load_array<bool>(); });
}

}  // namespace lazyscribe_fuzz
