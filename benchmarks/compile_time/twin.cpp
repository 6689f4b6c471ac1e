// program.cpp written by hand with nlohmann::json, including cereal's binary archive (what a
// C++ user would otherwise write): read the project file, append an experiment with Python
// lazyscribe's keys, write the file through a temporary and a rename, print it.
#include <cereal/archives/portable_binary.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

namespace {

std::string stamp(std::time_t t, const char* format) {
    std::tm tm{};
    gmtime_r(&t, &tm);
    char text[32];
    std::strftime(text, sizeof text, format, &tm);
    return text;
}

std::string slugify(const std::string& name) {
    std::string slug;
    for (const char c : name) {
        if (std::isalnum(static_cast<unsigned char>(c))) {
            slug += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        } else if (!slug.empty() && slug.back() != '-') {
            slug += '-';
        }
    }
    while (!slug.empty() && slug.back() == '-') slug.pop_back();
    return slug;
}

}  // namespace

int main() {
    const std::filesystem::path file = "compile-time-output/project.json";
    nlohmann::json project = nlohmann::json::array();
    if (std::ifstream in(file); in) project = nlohmann::json::parse(in);

    const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    const std::string name = "My experiment";
    nlohmann::json experiment = {
        {"name", name},
        {"author", "me"},
        {"last_updated_by", "me"},
        {"created_at", stamp(now, "%Y-%m-%dT%H:%M:%S")},
        {"last_updated", stamp(now, "%Y-%m-%dT%H:%M:%S")},
        {"metrics", {{"auroc", 0.87}}},
        {"parameters", nlohmann::json::object()},
        {"dependencies", nlohmann::json::array()},
        {"short_slug", slugify(name)},
        {"slug", slugify(name) + "-" + stamp(now, "%Y%m%d%H%M%S")},
        {"tags", nlohmann::json::array()},
        {"artifacts", nlohmann::json::array()},
        {"tests", nlohmann::json::array()},
    };
    project.push_back(std::move(experiment));

    std::filesystem::create_directories(file.parent_path());
    const auto temporary = file.string() + ".tmp";
    std::ofstream(temporary) << project.dump(4);
    std::filesystem::rename(temporary, file);
    std::cout << project.dump(4) << "\n";
}
