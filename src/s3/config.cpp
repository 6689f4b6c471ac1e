// s3_config's resolution (include/lazyscribe/s3_config.hpp): the environment, then the AWS CLI's
// shared files, with botocore's precedence. The files are read with the rules of Python's
// configparser, which botocore uses (strict: a repeated section or key is an error; keys are
// lowercased; a line indented under a key continues its value; a key whose value is only such
// lines is a nested block, `s3 =` and the services sections' blocks).
//
// No message built here holds a value or a name read from a file, nor a variable's value (the
// profile's name aside): only variables' names, files, lines and our own key names, so that a
// secret can never leak into one, not even one pasted on the wrong line.
#include <lazyscribe/errors.hpp>
#include <lazyscribe/s3_config.hpp>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <map>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace lazyscribe {

namespace {

using getenv_fn = std::function<std::optional<std::string>(const std::string&)>;

[[noreturn]] void fail(std::string_view where, std::string_view what) {
    throw format_error(detail::concat({"S3 configuration: ", where, ": ", what}));
}

std::string_view trim(std::string_view text) {
    const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; };
    while (!text.empty() && space(text.front())) text.remove_prefix(1);
    while (!text.empty() && space(text.back())) text.remove_suffix(1);
    return text;
}

std::string lowercase(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

// ---- The INI files --------------------------------------------------------------------------

struct ini_setting {
    std::string value;  // the text after the delimiter, trimmed
    std::size_t line = 0;
    std::size_t indent = 0;
    std::vector<std::pair<std::size_t, std::string>> continuation;  // indented lines below, trimmed
};

struct ini_section {
    std::string name;
    std::size_t line = 0;
    std::map<std::string, ini_setting> settings;  // lowercased keys
};

struct ini_file {
    std::string path;  // as shown in messages
    std::vector<ini_section> sections;
};

// A file's name in a message; without HOME and without its variable there is no file at all.
std::string shown(const ini_file& file) { return file.path.empty() ? std::string("(no file: HOME is not set)") : file.path; }

std::string at_line(const std::string& path, std::size_t line) {
    return detail::concat({path, ":", std::to_string(line)});
}

// An absent file is an empty one (as botocore); one that exists but cannot be read is an error.
ini_file read_ini(const std::string& path) {
    ini_file file{path, {}};
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return file;
    std::ifstream in(path, std::ios::binary);
    if (!in) fail(path, "the file exists but cannot be read");
    std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (text.starts_with("\xEF\xBB\xBF")) text.erase(0, 3);

    std::map<std::string, std::size_t> seen;  // section name -> its line, for repeats
    ini_setting* current = nullptr;           // the setting an indented line would continue
    std::size_t line_no = 0;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        std::string_view line(text.data() + start, end - start);
        start = end + 1;
        ++line_no;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        const std::string_view stripped = trim(line);
        if (stripped.empty() || stripped.front() == '#' || stripped.front() == ';') continue;
        const std::size_t indent = line.find_first_not_of(" \t");
        if (current != nullptr && indent > current->indent) {
            current->continuation.emplace_back(line_no, std::string(stripped));
            continue;
        }
        current = nullptr;
        if (stripped.front() == '[') {
            const std::size_t close = stripped.rfind(']');
            if (close == std::string_view::npos || close < 2)
                fail(at_line(path, line_no), "a section header must be '[name]'");
            std::string name(trim(stripped.substr(1, close - 1)));
            if (const auto [it, fresh] = seen.emplace(name, line_no); !fresh)
                fail(at_line(path, line_no), detail::concat({"this section repeats the one at line ",
                                                             std::to_string(it->second)}));
            file.sections.push_back({std::move(name), line_no, {}});
            continue;
        }
        const std::size_t delim = stripped.find_first_of("=:");
        if (delim == std::string_view::npos)
            fail(at_line(path, line_no), "expected '[section]', 'name = value' or an indented continuation line");
        if (file.sections.empty()) fail(at_line(path, line_no), "a setting before any [section]");
        const std::string key = lowercase(trim(stripped.substr(0, delim)));
        if (key.empty()) fail(at_line(path, line_no), "a setting without a name");
        ini_section& section = file.sections.back();
        const auto [it, fresh] =
            section.settings.emplace(key, ini_setting{std::string(trim(stripped.substr(delim + 1))), line_no, indent, {}});
        if (!fresh)
            fail(at_line(path, line_no), detail::concat({"this key repeats the one at line ",
                                                         std::to_string(it->second.line), " (keys ignore case)"}));
        current = &it->second;
    }
    return file;
}

// A value found, and where: a variable's name or "file:line".
struct found {
    std::string value;
    std::string where;
};

// A profile's settings: the credentials file's section over the config file's, as botocore
// merges them.
struct profile_view {
    const ini_file* credentials_file = nullptr;
    const ini_section* credentials = nullptr;
    const ini_file* config_file = nullptr;
    const ini_section* config = nullptr;

    // The setting itself, from the credentials file first.
    [[nodiscard]] std::optional<std::pair<const ini_setting*, const ini_file*>> raw(const std::string& key) const {
        for (const auto& [section, file] : {std::pair{credentials, credentials_file}, std::pair{config, config_file}}) {
            if (section == nullptr) continue;
            if (const auto it = section->settings.find(key); it != section->settings.end())
                return std::pair{&it->second, file};
        }
        return std::nullopt;
    }

    // A one-line setting; an empty one counts as unset (as botocore's falsy checks do).
    [[nodiscard]] std::optional<found> get(const std::string& key) const {
        const auto r = raw(key);
        if (!r) return std::nullopt;
        const auto& [setting, file] = *r;
        const std::string where = at_line(file->path, setting->line);
        if (!setting->continuation.empty())
            fail(where, detail::concat({"'", key, "' continues on indented lines; its value must be on one line"}));
        if (setting->value.empty()) return std::nullopt;
        return found{setting->value, where};
    }
};

// A nested block (`s3 =` and indented `name = value` lines) as a map; nullopt if there is none.
std::optional<std::map<std::string, found>> nested(const ini_setting& setting, const ini_file& file,
                                                   const std::string& key) {
    if (!setting.value.empty() || setting.continuation.empty()) {
        if (setting.value.empty() && setting.continuation.empty()) return std::nullopt;
        fail(at_line(file.path, setting.line),
             detail::concat({"'", key, "' must be a nested block: '", key, " =' then indented 'name = value' lines"}));
    }
    std::map<std::string, found> out;
    for (const auto& [line, text] : setting.continuation) {
        const std::size_t eq = text.find('=');
        if (eq == std::string::npos)
            fail(at_line(file.path, line), detail::concat({"expected 'name = value' in the block of '", key, "'"}));
        out[std::string(trim(std::string_view(text).substr(0, eq)))] =
            found{std::string(trim(std::string_view(text).substr(eq + 1))), at_line(file.path, line)};
    }
    return out;
}

// ---- Values ---------------------------------------------------------------------------------

// An environment variable; an empty one counts as unset.
std::optional<found> env(const getenv_fn& getenv, const std::string& name) {
    auto value = getenv(name);
    if (!value || value->empty()) return std::nullopt;
    return found{std::move(*value), name};
}

std::string expand_home(const std::string& path, const getenv_fn& getenv) {
    if (path == "~" || path.starts_with("~/")) {
        if (const auto home = env(getenv, "HOME")) return home->value + path.substr(1);
    }
    return path;
}

bool is_true(std::string_view value) { return lowercase(trim(value)) == "true"; }

void check_region(const found& region) {
    const bool ok = std::all_of(region.value.begin(), region.value.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
               c == '.';
    });
    if (!ok) fail(region.where, "a region name holds only letters, digits, '-', '_' and '.'");
}

// "scheme://host[:port]" with an optional trailing '/', the scheme http or https; anything else
// (a path, a query, user information) is refused rather than silently dropped.
std::string normalise_endpoint(const found& endpoint) {
    const std::string_view text = trim(endpoint.value);
    const std::size_t sep = text.find("://");
    const std::string scheme = lowercase(text.substr(0, sep == std::string_view::npos ? 0 : sep));
    if (sep == std::string_view::npos || (scheme != "http" && scheme != "https"))
        fail(endpoint.where, "an endpoint URL starts with http:// or https://");
    std::string_view authority = text.substr(sep + 3);
    while (!authority.empty() && authority.back() == '/') authority.remove_suffix(1);
    if (authority.empty()) fail(endpoint.where, "the endpoint URL has no host");
    if (authority.find_first_of("/?#@ \t\\") != std::string_view::npos)
        fail(endpoint.where, "an endpoint URL is scheme://host[:port], without a path, query or user");
    return detail::concat({scheme, "://", authority});
}

int parse_attempts(const found& value) {
    int n = 0;
    const std::string_view text = trim(value.value);
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc() || end != text.data() + text.size() || n < 1)
        fail(value.where, "max_attempts is a whole number, at least 1");
    return n;
}

// A size as the AWS CLI's s3 settings write it: bytes, or a number with KB, MB, GB, TB (or
// KiB ... TiB; both are powers of 1024 there), any case.
std::uint64_t parse_size(const found& value, std::string_view name) {
    const std::string text = lowercase(trim(value.value));
    std::size_t digits = 0;
    while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
    std::uint64_t number = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + digits, number);
    const std::string suffix(trim(std::string_view(text).substr(digits)));
    static const std::map<std::string, std::uint64_t, std::less<>> multipliers = {
        {"", 1},           {"kb", 1ULL << 10U},  {"mb", 1ULL << 20U},  {"gb", 1ULL << 30U}, {"tb", 1ULL << 40U},
        {"kib", 1ULL << 10U}, {"mib", 1ULL << 20U}, {"gib", 1ULL << 30U}, {"tib", 1ULL << 40U}};
    const auto m = multipliers.find(suffix);
    if (digits == 0 || ec != std::errc() || end != text.data() + digits || m == multipliers.end() ||
        number > std::numeric_limits<std::uint64_t>::max() / m->second)
        fail(value.where, detail::concat({name, " is a size: bytes, or a number with KB, MB, GB or TB"}));
    return number * m->second;
}

// The profile's way of getting credentials that this library does not follow, if it has one.
std::optional<found> unsupported_credential_source(const profile_view& profile) {
    for (const char* key : {"credential_process", "role_arn", "web_identity_token_file", "sso_session",
                            "sso_start_url", "credential_source"}) {
        if (const auto r = profile.raw(key))
            return found{key, at_line(r->second->path, r->first->line)};
    }
    return std::nullopt;
}

// Key id, secret and token from one profile section: all of a pair, or none.
std::optional<s3_credentials> section_credentials(const ini_section* section, const ini_file* file,
                                                  const std::string& profile) {
    if (section == nullptr) return std::nullopt;
    const profile_view one{file, section, nullptr, nullptr};
    const auto id = one.get("aws_access_key_id");
    const auto secret = one.get("aws_secret_access_key");
    if (!id && !secret) return std::nullopt;
    if (!secret)
        fail(id->where, detail::concat({"profile '", profile, "' has aws_access_key_id without aws_secret_access_key"}));
    if (!id)
        fail(secret->where,
             detail::concat({"profile '", profile, "' has aws_secret_access_key without aws_access_key_id"}));
    s3_credentials c{id->value, secret->value, {}};
    if (auto token = one.get("aws_session_token")) {
        c.session_token = std::move(token->value);
    } else if (auto legacy = one.get("aws_security_token")) {
        c.session_token = std::move(legacy->value);
    }
    return c;
}

}  // namespace

std::string s3_config::endpoint_url() const {
    if (!endpoint.empty()) {
        std::string_view url = endpoint;
        while (!url.empty() && url.back() == '/') url.remove_suffix(1);
        return std::string(url);
    }
    const std::string r = region.empty() ? std::string("us-east-1") : region;
    return detail::concat({"https://s3.", r, r.starts_with("cn-") ? ".amazonaws.com.cn" : ".amazonaws.com"});
}

s3_config s3_config::from_environment() {
    return from_environment([](const std::string& name) -> std::optional<std::string> {
        const char* value = std::getenv(name.c_str());
        if (value == nullptr) return std::nullopt;
        return std::string(value);
    });
}

s3_config s3_config::from_environment(const getenv_fn& getenv) {
    s3_config config;

    // Which profile, and from where.
    std::optional<found> asked = env(getenv, "AWS_DEFAULT_PROFILE");
    if (!asked) asked = env(getenv, "AWS_PROFILE");
    config.profile = asked ? asked->value : "default";

    // The two files: named by a variable, else under ~/.aws (no HOME, no default files).
    const auto file_path = [&](const char* variable, const char* default_name) -> std::optional<std::string> {
        if (const auto named = env(getenv, variable)) return expand_home(named->value, getenv);
        if (const auto home = env(getenv, "HOME")) return detail::concat({home->value, "/.aws/", default_name});
        return std::nullopt;
    };
    ini_file credentials_file;
    ini_file config_file;
    if (const auto p = file_path("AWS_SHARED_CREDENTIALS_FILE", "credentials")) credentials_file = read_ini(*p);
    if (const auto p = file_path("AWS_CONFIG_FILE", "config")) config_file = read_ini(*p);

    // The profile's sections. The credentials file names profiles plainly; the config file as
    // "[profile name]", except "[default]"; a later section for the same profile wins.
    profile_view profile{&credentials_file, nullptr, &config_file, nullptr};
    std::map<std::string, const ini_section*> services;
    for (const auto& section : credentials_file.sections)
        if (section.name == config.profile) profile.credentials = &section;
    for (const auto& section : config_file.sections) {
        std::vector<std::string> parts;
        std::string_view rest = section.name;
        while (!(rest = trim(rest)).empty()) {
            const std::size_t space = rest.find_first_of(" \t");
            parts.emplace_back(rest.substr(0, space));
            rest = space == std::string_view::npos ? std::string_view() : rest.substr(space);
        }
        if (parts.size() == 2 && parts[1].size() >= 2 && (parts[1].front() == '"' || parts[1].front() == '\'') &&
            parts[1].back() == parts[1].front())
            parts[1] = parts[1].substr(1, parts[1].size() - 2);
        if ((section.name == "default" && config.profile == "default") ||
            (parts.size() == 2 && parts[0] == "profile" && parts[1] == config.profile))
            profile.config = &section;
        else if (parts.size() == 2 && parts[0] == "services")
            services[parts[1]] = &section;
    }
    if (asked && profile.credentials == nullptr && profile.config == nullptr)
        fail(asked->where, detail::concat({"the profile '", config.profile, "' is in neither ", shown(credentials_file),
                                           " nor ", shown(config_file)}));

    // Credentials: the environment's pair, else the credentials file's, else the config file's.
    if (const auto id = env(getenv, "AWS_ACCESS_KEY_ID")) {
        const auto secret = env(getenv, "AWS_SECRET_ACCESS_KEY");
        if (!secret) fail("AWS_ACCESS_KEY_ID", "is set, and AWS_SECRET_ACCESS_KEY is not");
        config.credentials = {id->value, secret->value, {}};
        if (auto token = env(getenv, "AWS_SESSION_TOKEN")) {
            config.credentials.session_token = std::move(token->value);
        } else if (auto legacy = env(getenv, "AWS_SECURITY_TOKEN")) {
            config.credentials.session_token = std::move(legacy->value);
        }
    } else if (env(getenv, "AWS_SECRET_ACCESS_KEY")) {
        fail("AWS_SECRET_ACCESS_KEY", "is set, and AWS_ACCESS_KEY_ID is not");
    } else if (auto from_credentials = section_credentials(profile.credentials, &credentials_file, config.profile)) {
        config.credentials = std::move(*from_credentials);
    } else if (auto from_config = section_credentials(profile.config, &config_file, config.profile)) {
        config.credentials = std::move(*from_config);
    } else if (const auto other = unsupported_credential_source(profile)) {
        // Anonymous access would fail later with a bare 403; say what to do instead.
        constexpr std::string_view instead =
            ", which lazyscribe's S3 storage does not follow; set AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and "
            "AWS_SESSION_TOKEN instead (`aws configure export-credentials --profile ";
        fail(other->where, detail::concat({"profile '", config.profile, "' gets its credentials through ", other->value,
                                           instead, config.profile, " --format env` prints them)"}));
    }

    // Region.
    std::optional<found> region = env(getenv, "AWS_REGION");
    if (!region) region = env(getenv, "AWS_DEFAULT_REGION");
    if (!region) region = profile.get("region");
    if (region) {
        check_region(*region);
        config.region = region->value;
    } else {
        config.region = "us-east-1";
    }

    // The profile's nested s3 block: addressing style and transfer sizes.
    std::map<std::string, found> s3_block;
    if (const auto r = profile.raw("s3")) {
        if (auto block = nested(*r->first, *r->second, "s3")) s3_block = std::move(*block);
    }
    if (const auto it = s3_block.find("addressing_style"); it != s3_block.end()) {
        const std::string style = lowercase(trim(it->second.value));
        if (style == "path") {
            config.path_style = true;
        } else if (style == "virtual") {
            config.path_style = false;
        } else if (style != "auto") {
            fail(it->second.where, "addressing_style is path, virtual or auto");
        }
    }
    if (const auto it = s3_block.find("multipart_threshold"); it != s3_block.end()) {
        config.multipart_threshold = parse_size(it->second, "multipart_threshold");
        if (config.multipart_threshold == 0) fail(it->second.where, "multipart_threshold is at least 1 byte");
    }
    if (const auto it = s3_block.find("multipart_chunksize"); it != s3_block.end()) {
        config.part_size = parse_size(it->second, "multipart_chunksize");
        if (config.part_size < (5ULL << 20U) || config.part_size > (5ULL << 30U))
            fail(it->second.where, "multipart_chunksize is between 5MB and 5GB, as S3 asks of a part");
    }

    // Endpoint: service-specific variable, global variable, the services section's s3 block,
    // the profile's endpoint_url; none at all when configured endpoints are to be ignored.
    std::optional<found> ignore = env(getenv, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
    if (!ignore) ignore = profile.get("ignore_configured_endpoint_urls");
    if (!ignore || !is_true(ignore->value)) {
        std::optional<found> endpoint = env(getenv, "AWS_ENDPOINT_URL_S3");
        if (!endpoint) endpoint = env(getenv, "AWS_ENDPOINT_URL");
        if (!endpoint) {
            if (const auto services_name = profile.get("services")) {
                const auto it = services.find(services_name->value);
                if (it == services.end())
                    fail(services_name->where,
                         detail::concat({"the [services ...] section that 'services' names is not in ", config_file.path}));
                if (const auto s3 = it->second->settings.find("s3"); s3 != it->second->settings.end()) {
                    if (const auto block = nested(s3->second, config_file, "s3")) {
                        if (const auto url = block->find("endpoint_url");
                            url != block->end() && !url->second.value.empty())
                            endpoint = url->second;
                    }
                }
            }
        }
        if (!endpoint) endpoint = profile.get("endpoint_url");
        if (endpoint) config.endpoint = normalise_endpoint(*endpoint);
    }

    // The rest.
    std::optional<found> ca_bundle = env(getenv, "AWS_CA_BUNDLE");
    if (!ca_bundle) ca_bundle = profile.get("ca_bundle");
    if (ca_bundle) config.ca_bundle = expand_home(ca_bundle->value, getenv);
    std::optional<found> attempts = env(getenv, "AWS_MAX_ATTEMPTS");
    if (!attempts) attempts = profile.get("max_attempts");
    if (attempts) config.max_attempts = parse_attempts(*attempts);

    return config;
}

}  // namespace lazyscribe
