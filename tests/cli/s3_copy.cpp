// Test helper for the cli.s3_commands case (cli_tests.sh): moves files between this machine and
// an S3 server through lazyscribe::s3 (configured from the environment, as the CLI is), so the
// tests need no AWS CLI.
//   s3_copy put LOCAL_DIR s3://bucket/prefix   every file below LOCAL_DIR to prefix/<its path>, byte for byte
//   s3_copy cat s3://bucket/key                the object's bytes to standard output; exit 1 if missing
//   s3_copy remove s3://bucket/prefix          the object prefix (if any) and every object below prefix/
// Exit code 0 on success; prints what failed otherwise.

#include <exception>
#include <filesystem>
#include <iostream>
#include <istream>
#include <memory>
#include <stdexcept>
#include <ostream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <lazyscribe/s3.hpp>
#include <lazyscribe/storage.hpp>

namespace ls = lazyscribe;

namespace {

ls::s3_storage& s3_of(const std::shared_ptr<ls::storage>& files, const std::string& url) {
    auto* s3 = dynamic_cast<ls::s3_storage*>(files.get());
    if (s3 == nullptr) throw std::runtime_error(url + " is not an s3:// path");
    return *s3;
}

void copy_stream(std::istream& in, std::ostream& out) {
    std::vector<char> buffer(1U << 16U);
    while (in.read(buffer.data(), static_cast<std::streamsize>(buffer.size())) || in.gcount() > 0) {
        out.write(buffer.data(), in.gcount());
    }
}

int put(const std::filesystem::path& folder, const std::string& url) {
    const auto [files, prefix] = ls::resolve_storage(url, nullptr);
    (void)s3_of(files, url);
    std::error_code ec;
    std::size_t count = 0;
    for (std::filesystem::recursive_directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
        if (!it->is_regular_file(ec)) continue;
        const auto local = ls::local()->open(it->path(), true);
        if (!local) throw std::runtime_error("cannot open " + it->path().string());
        files->write(
            prefix / it->path().lexically_relative(folder), true, [&](std::ostream& out) { copy_stream(*local, out); },
            true);
        ++count;
    }
    if (ec) throw std::runtime_error("cannot list " + folder.string() + ": " + ec.message());
    if (count == 0) throw std::runtime_error("no files below " + folder.string());
    return 0;
}

int cat(const std::string& url) {
    const auto [files, key] = ls::resolve_storage(url, nullptr);
    (void)s3_of(files, url);
    const auto in = files->open(key, true);
    if (!in) {
        std::cerr << "s3_copy: " << url << " does not exist\n";
        return 1;
    }
    copy_stream(*in, std::cout);
    std::cout.flush();
    return std::cout ? 0 : 1;
}

int remove(const std::string& url) {
    const auto [files, prefix] = ls::resolve_storage(url, nullptr);
    auto& s3 = s3_of(files, url);
    for (const auto& key : s3.list(prefix.generic_string())) files->remove(key);
    // "bucket/key" may also be an object itself (not "bucket" alone, nor "bucket/prefix/").
    const std::string text = prefix.generic_string();
    if (text.find('/') != std::string::npos && text.back() != '/') files->remove(prefix);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    const std::vector<std::string> args(argv + 1, argv + argc);
    try {
        if (args.size() == 3 && args[0] == "put") return put(args[1], args[2]);
        if (args.size() == 2 && args[0] == "cat") return cat(args[1]);
        if (args.size() == 2 && args[0] == "remove") return remove(args[1]);
    } catch (const std::exception& e) {
        std::cerr << "s3_copy: " << e.what() << '\n';
        return 1;
    }
    std::cerr << "usage: s3_copy put LOCAL_DIR s3://bucket/prefix | cat s3://bucket/key | remove s3://bucket/prefix\n";
    return 2;
}
