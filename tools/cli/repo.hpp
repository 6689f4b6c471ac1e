#pragma once
// The `repo` subcommand group: read-only views of an artifact repository (repository.json plus
// <name>/<fname> files, as Python lazyscribe's Repository writes them).
//   repo list REPOSITORY                   one row per version
//   repo show REPOSITORY NAME [--version N | --asof TIME | --exact TIME]
//   repo diff REPOSITORY NAME V1 [V2]      unified diff between two versions (V2: the latest)
// main.cpp parses the command line into these structs; commands_repo.cpp runs them.

#include <optional>
#include <string>

#include "cli.hpp"

namespace lazyscribe::cli {

struct repo_list_options {
    std::string repository;
    bool json = false;
};

struct repo_show_options {
    std::string repository;
    std::string name;
    std::optional<long long> version;  // at most one of version, asof, exact; none: the latest
    std::optional<std::string> asof;   // the newest version created at or before, not expired then
    std::optional<std::string> exact;  // the version created at exactly that time
    bool json = false;
};

struct repo_diff_options {
    std::string repository;
    std::string name;
    std::string from;               // a version number or an exact creation time
    std::optional<std::string> to;  // same; none: the latest
    bool json = false;
};

int run_repo_list(const global_options&, const repo_list_options&);
int run_repo_show(const global_options&, const repo_show_options&);
int run_repo_diff(const global_options&, const repo_diff_options&);

/// Empty when `text` is a time lazyscribe reads ("YYYY-MM-DDTHH:MM:SS", see lazyscribe::parse_time),
/// else why not (for the usage error).
std::string check_repo_time(const std::string& text);
/// Empty when `text` is a version number (digits: 0, 1, 2, ...), else why not.
std::string check_repo_version_number(const std::string& text);
/// Empty when `text` is a version number or a time as for check_repo_time, else why not.
std::string check_repo_version(const std::string& text);

}  // namespace lazyscribe::cli
