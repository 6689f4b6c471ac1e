// S3 configuration (include/lazyscribe/s3_config.hpp): the AWS CLI's precedence between the
// environment, the credentials file and the config file, the addressing style and endpoint each
// gives, the errors (each naming its variable, or file and line), and that no credential ever
// shows in a message.
#include "support.hpp"

#include <lazyscribe/s3_config.hpp>

#include <catch2/catch.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ls = lazyscribe;
using lazyscribe_test::temp_dir;
using lazyscribe_test::write_file;

namespace {

using vars = std::map<std::string, std::string>;

// The configuration for these variables alone: the process environment is never read.
ls::s3_config resolve(const vars& env) {
    return ls::s3_config::from_environment([&env](const std::string& name) -> std::optional<std::string> {
        const auto it = env.find(name);
        if (it == env.end()) return std::nullopt;
        return it->second;
    });
}

// The message of the format_error that resolving throws.
std::string error_of(const vars& env) {
    try {
        (void)resolve(env);
    } catch (const ls::format_error& e) {
        return e.what();
    }
    FAIL("no format_error");
    return {};
}

// Variables pointing at a credentials and a config file with these contents, in `dir`.
vars with_files(const temp_dir& dir, const std::string& credentials, const std::string& config) {
    write_file(dir / "credentials", credentials);
    write_file(dir / "config", config);
    return {{"AWS_SHARED_CREDENTIALS_FILE", (dir / "credentials").string()},
            {"AWS_CONFIG_FILE", (dir / "config").string()}};
}

vars merged(vars a, const vars& b) {
    for (const auto& [k, v] : b) a[k] = v;
    return a;
}

}  // namespace

TEST_CASE("s3_config: with nothing configured, AWS in us-east-1, virtual-host style, anonymous") {
    const auto c = resolve({});
    CHECK(c.region == "us-east-1");
    CHECK(c.endpoint.empty());
    CHECK_FALSE(c.path_style.has_value());
    CHECK_FALSE(c.uses_path_style());
    CHECK(c.endpoint_url() == "https://s3.us-east-1.amazonaws.com");
    CHECK(c.credentials.empty());
    CHECK(c.credentials.session_token.empty());
    CHECK(c.profile == "default");
    CHECK(c.verify_tls);
    CHECK(c.ca_bundle.empty());
    CHECK(c.max_attempts == 5);
    CHECK(c.multipart_threshold == 64ULL << 20U);
    CHECK(c.part_size == 16ULL << 20U);
    CHECK(c.part_size >= 5ULL << 20U);
    CHECK(c.connect_timeout.count() == 10000);
    CHECK(c.request_timeout.count() == 120000);

    // A HOME without ~/.aws is the same: missing files are not errors.
    temp_dir home;
    const auto h = resolve({{"HOME", home.path().string()}});
    CHECK(h.region == "us-east-1");
    CHECK(h.credentials.empty());
}

TEST_CASE("s3_config: credentials, region and endpoint from the environment") {
    const auto c = resolve({{"AWS_ACCESS_KEY_ID", "AKIDENV"},
                            {"AWS_SECRET_ACCESS_KEY", "secretenv"},
                            {"AWS_SESSION_TOKEN", "tokenenv"},
                            {"AWS_REGION", "eu-west-3"},
                            {"AWS_ENDPOINT_URL", "http://localhost:9000"},
                            {"AWS_CA_BUNDLE", "/etc/ca.pem"},
                            {"AWS_MAX_ATTEMPTS", "3"}});
    CHECK(c.credentials.access_key_id == "AKIDENV");
    CHECK(c.credentials.secret_access_key == "secretenv");
    CHECK(c.credentials.session_token == "tokenenv");
    CHECK_FALSE(c.credentials.empty());
    CHECK(c.region == "eu-west-3");
    CHECK(c.endpoint == "http://localhost:9000");
    CHECK(c.endpoint_url() == "http://localhost:9000");
    CHECK(c.uses_path_style());  // a custom endpoint: path style
    CHECK(c.ca_bundle == "/etc/ca.pem");
    CHECK(c.max_attempts == 3);

    // The legacy token variable, as botocore reads it; empty variables count as unset.
    const auto legacy = resolve({{"AWS_ACCESS_KEY_ID", "AKIDENV"},
                                 {"AWS_SECRET_ACCESS_KEY", "secretenv"},
                                 {"AWS_SECURITY_TOKEN", "legacy"},
                                 {"AWS_REGION", ""}});
    CHECK(legacy.credentials.session_token == "legacy");
    CHECK(legacy.region == "us-east-1");
    // A token alone is not credentials.
    CHECK(resolve({{"AWS_SESSION_TOKEN", "t"}}).credentials.empty());
}

TEST_CASE("s3_config: AWS_REGION over AWS_DEFAULT_REGION over the profile's region") {
    temp_dir dir;
    const auto files = with_files(dir, "", "[default]\nregion = ap-south-1\n");
    CHECK(resolve(files).region == "ap-south-1");
    CHECK(resolve(merged(files, {{"AWS_DEFAULT_REGION", "eu-north-1"}})).region == "eu-north-1");
    CHECK(resolve(merged(files, {{"AWS_DEFAULT_REGION", "eu-north-1"}, {"AWS_REGION", "us-west-2"}})).region ==
          "us-west-2");
    CHECK(resolve(merged(files, {{"AWS_REGION", "us-west-2"}})).region == "us-west-2");
}

TEST_CASE("s3_config: AWS_ENDPOINT_URL_S3 over AWS_ENDPOINT_URL over the services section over the profile") {
    temp_dir dir;
    const auto files = with_files(dir, "",
                                  "[default]\n"
                                  "endpoint_url = https://profile.example\n"
                                  "services = local\n"
                                  "\n"
                                  "[services local]\n"
                                  "s3 =\n"
                                  "  endpoint_url = http://services.example:9000/\n");
    CHECK(resolve(files).endpoint == "http://services.example:9000");
    CHECK(resolve(merged(files, {{"AWS_ENDPOINT_URL", "https://global.example"}})).endpoint ==
          "https://global.example");
    CHECK(resolve(merged(files, {{"AWS_ENDPOINT_URL", "https://global.example"},
                                 {"AWS_ENDPOINT_URL_S3", "https://s3only.example:8443"}}))
              .endpoint == "https://s3only.example:8443");

    // Without the services reference the profile's endpoint_url is used.
    temp_dir plain;
    CHECK(resolve(with_files(plain, "", "[default]\nendpoint_url = HTTPS://Profile.example/\n")).endpoint ==
          "https://Profile.example");

    // Configured endpoints can be ignored altogether, by variable or in the profile.
    CHECK(resolve(merged(files, {{"AWS_ENDPOINT_URL_S3", "https://s3only.example"},
                                 {"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"}}))
              .endpoint.empty());
    temp_dir ignoring;
    CHECK(resolve(with_files(ignoring, "",
                             "[default]\nendpoint_url = https://profile.example\n"
                             "ignore_configured_endpoint_urls = True\n"))
              .endpoint.empty());
}

TEST_CASE("s3_config: the environment's key pair over the credentials file's over the config file's") {
    temp_dir dir;
    const auto files = with_files(dir,
                                  "[default]\n"
                                  "aws_access_key_id = AKIDCREDS\n"
                                  "aws_secret_access_key = secretcreds\n"
                                  "aws_session_token = tokencreds\n",
                                  "[default]\n"
                                  "aws_access_key_id = AKIDCONFIG\n"
                                  "aws_secret_access_key = secretconfig\n");
    const auto from_files = resolve(files);
    CHECK(from_files.credentials.access_key_id == "AKIDCREDS");
    CHECK(from_files.credentials.secret_access_key == "secretcreds");
    CHECK(from_files.credentials.session_token == "tokencreds");

    const auto from_env =
        resolve(merged(files, {{"AWS_ACCESS_KEY_ID", "AKIDENV"}, {"AWS_SECRET_ACCESS_KEY", "secretenv"}}));
    CHECK(from_env.credentials.access_key_id == "AKIDENV");
    CHECK(from_env.credentials.secret_access_key == "secretenv");
    CHECK(from_env.credentials.session_token.empty());  // the pair comes whole from one place

    temp_dir config_only;
    const auto from_config = resolve(with_files(config_only, "",
                                                "[default]\n"
                                                "aws_access_key_id = AKIDCONFIG\n"
                                                "aws_secret_access_key = secretconfig\n"));
    CHECK(from_config.credentials.access_key_id == "AKIDCONFIG");
    CHECK(from_config.credentials.secret_access_key == "secretconfig");
}

TEST_CASE("s3_config: a profile's settings, the credentials file's over the config file's") {
    temp_dir dir;
    const auto files = with_files(dir,
                                  "# comment\n"
                                  "[default]\n"
                                  "aws_access_key_id = AKIDDEFAULT\n"
                                  "aws_secret_access_key = secretdefault\n"
                                  "\n"
                                  "[dev]\n"
                                  "aws_access_key_id=AKIDDEV\n"
                                  "aws_secret_access_key: secretdev\n"
                                  "region = eu-central-1\n",
                                  "[default]\n"
                                  "region = us-east-2\n"
                                  "\n"
                                  "; comment\n"
                                  "[profile dev]\n"
                                  "region = ca-central-1\n"
                                  "ca_bundle = /dev/ca.pem\n"
                                  "max_attempts = 2\n"
                                  "\n"
                                  "[dev]\n"  // not a profile in the config file
                                  "region = sa-east-1\n");
    const auto def = resolve(files);
    CHECK(def.profile == "default");
    CHECK(def.region == "us-east-2");
    CHECK(def.credentials.access_key_id == "AKIDDEFAULT");

    const auto dev = resolve(merged(files, {{"AWS_PROFILE", "dev"}}));
    CHECK(dev.profile == "dev");
    CHECK(dev.credentials.access_key_id == "AKIDDEV");
    CHECK(dev.credentials.secret_access_key == "secretdev");
    CHECK(dev.region == "eu-central-1");  // the credentials file's key wins
    CHECK(dev.ca_bundle == "/dev/ca.pem");
    CHECK(dev.max_attempts == 2);

    // AWS_DEFAULT_PROFILE is read first, as botocore does.
    CHECK(resolve(merged(files, {{"AWS_PROFILE", "nonesuch"}, {"AWS_DEFAULT_PROFILE", "dev"}})).profile == "dev");
    // A profile only in one of the files is found there.
    temp_dir one;
    const auto only_config =
        resolve(merged(with_files(one, "", "[profile \"x\"]\nregion = eu-west-1\n"), {{"AWS_PROFILE", "x"}}));
    CHECK(only_config.region == "eu-west-1");
    CHECK(only_config.credentials.empty());
}

TEST_CASE("s3_config: the default files under HOME/.aws") {
    temp_dir home;
    write_file(home / ".aws/credentials", "[default]\naws_access_key_id = AKIDHOME\naws_secret_access_key = s\n");
    write_file(home / ".aws/config", "[default]\nregion = us-west-1\nca_bundle = ~/ca.pem\n");
    const auto c = resolve({{"HOME", home.path().string()}});
    CHECK(c.credentials.access_key_id == "AKIDHOME");
    CHECK(c.region == "us-west-1");
    CHECK(c.ca_bundle == (home.path() / "ca.pem").string());

    // A variable naming a file replaces the default, and its "~/" is HOME.
    write_file(home / "other-config", "[default]\nregion = af-south-1\n");
    CHECK(resolve({{"HOME", home.path().string()}, {"AWS_CONFIG_FILE", "~/other-config"}}).region == "af-south-1");
}

TEST_CASE("s3_config: path style with a custom endpoint, virtual-host style on AWS, unless the s3 block says") {
    temp_dir dir;
    const auto style = [&](const std::string& block, const vars& extra) {
        return resolve(merged(with_files(dir, "", "[default]\ns3 =\n" + block), extra));
    };
    const vars custom = {{"AWS_ENDPOINT_URL", "http://127.0.0.1:9000"}};

    CHECK(style("  max_concurrent_requests = 10\n", {}).uses_path_style() == false);
    CHECK(style("  max_concurrent_requests = 10\n", custom).uses_path_style() == true);
    CHECK(style("  addressing_style = path\n", {}).uses_path_style() == true);
    CHECK(style("  addressing_style = path\n", {}).path_style == std::optional<bool>(true));
    CHECK(style("  addressing_style = virtual\n", custom).uses_path_style() == false);
    CHECK(style("  addressing_style = auto\n", custom).uses_path_style() == true);
    CHECK_FALSE(style("  addressing_style = auto\n", {}).path_style.has_value());
    CHECK_FALSE(style("  addressing_style = auto\n", {}).uses_path_style());

    ls::s3_config c;
    CHECK_FALSE(c.uses_path_style());
    c.endpoint = "http://minio:9000";
    CHECK(c.uses_path_style());
    c.path_style = false;
    CHECK_FALSE(c.uses_path_style());
}

TEST_CASE("s3_config: endpoint_url() for AWS's regions and for custom endpoints") {
    ls::s3_config c;
    CHECK(c.endpoint_url() == "https://s3.us-east-1.amazonaws.com");  // no region: us-east-1
    c.region = "eu-west-1";
    CHECK(c.endpoint_url() == "https://s3.eu-west-1.amazonaws.com");
    c.region = "cn-north-1";
    CHECK(c.endpoint_url() == "https://s3.cn-north-1.amazonaws.com.cn");
    c.endpoint = "https://storage.example.com:8443/";
    CHECK(c.endpoint_url() == "https://storage.example.com:8443");
    c.endpoint = "http://[::1]:9000";
    CHECK(c.endpoint_url() == "http://[::1]:9000");

    CHECK(resolve({{"AWS_REGION", "eu-south-2"}}).endpoint_url() == "https://s3.eu-south-2.amazonaws.com");
    CHECK(resolve({{"AWS_ENDPOINT_URL_S3", "http://localhost:9000//"}}).endpoint_url() == "http://localhost:9000");
    CHECK(resolve({{"AWS_ENDPOINT_URL_S3", "Http://localhost"}}).endpoint_url() == "http://localhost");
    CHECK(resolve({{"AWS_ENDPOINT_URL_S3", "https://[::1]:9000"}}).endpoint_url() == "https://[::1]:9000");
}

TEST_CASE("s3_config: the s3 block's transfer sizes, written as the AWS CLI writes them") {
    temp_dir dir;
    const auto sizes = resolve(with_files(dir, "",
                                          "[default]\n"
                                          "s3 =\n"
                                          "    multipart_threshold = 128MB\n"
                                          "    multipart_chunksize = 8 MiB\n"));
    CHECK(sizes.multipart_threshold == 128ULL << 20U);
    CHECK(sizes.part_size == 8ULL << 20U);
    CHECK(resolve(with_files(dir, "", "[default]\ns3 =\n  multipart_chunksize = 5242880\n")).part_size == 5242880);
    CHECK(resolve(with_files(dir, "", "[default]\ns3 =\n  multipart_chunksize = 1gb\n")).part_size == 1ULL << 30U);
}

TEST_CASE("s3_config: every error names its variable, or its file and line") {
    temp_dir dir;
    const auto file_error = [&](const std::string& credentials, const std::string& config, const vars& extra = {}) {
        return error_of(merged(with_files(dir, credentials, config), extra));
    };
    const std::string creds = (dir / "credentials").string();
    const std::string conf = (dir / "config").string();
    using Catch::Contains;

    CHECK_THAT(file_error("[default]\nthis line has no delimiter\n", ""), Contains(creds + ":2:"));
    CHECK_THAT(file_error("", "region = x\n"), Contains(conf + ":1:") && Contains("before any [section]"));
    CHECK_THAT(file_error("", "[default]\n[other]\n[default]\n"), Contains(conf + ":3:") && Contains("line 1"));
    CHECK_THAT(file_error("[default]\nregion = a\nREGION = b\n", ""), Contains(creds + ":3:") && Contains("line 2"));
    CHECK_THAT(file_error("", "[]\n"), Contains(conf + ":1:"));
    CHECK_THAT(file_error("", "[default\n"), Contains(conf + ":1:"));
    CHECK_THAT(file_error("", "[default]\n = value\n"), Contains(conf + ":2:"));

    // A profile asked for by name must exist (even "default"); the one used by default need not.
    CHECK_THAT(file_error("", "", {{"AWS_PROFILE", "missing"}}),
               Contains("AWS_PROFILE") && Contains("'missing'") && Contains(creds) && Contains(conf));
    CHECK_THAT(error_of({{"AWS_DEFAULT_PROFILE", "default"}}),
               Contains("AWS_DEFAULT_PROFILE") && Contains("HOME is not set"));

    // Half a key pair.
    CHECK_THAT(error_of({{"AWS_ACCESS_KEY_ID", "AKID"}}), Contains("AWS_SECRET_ACCESS_KEY"));
    CHECK_THAT(error_of({{"AWS_SECRET_ACCESS_KEY", "secret"}}), Contains("AWS_ACCESS_KEY_ID"));
    CHECK_THAT(file_error("[default]\naws_access_key_id = AKID\n", ""), Contains(creds + ":2:"));
    CHECK_THAT(file_error("", "[default]\nregion = us-east-1\naws_secret_access_key = s\n"), Contains(conf + ":3:"));

    // Credentials this library does not fetch itself.
    CHECK_THAT(file_error("", "[profile ci]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = default\n",
                          {{"AWS_PROFILE", "ci"}}),
               Contains(conf + ":2:") && Contains("role_arn") && Contains("export-credentials --profile ci"));
    CHECK_THAT(file_error("", "[default]\ncredential_process = /bin/creds\n"), Contains("credential_process"));
    CHECK_THAT(file_error("", "[default]\nsso_session = corp\n"), Contains("sso_session"));
    // ... which is no error when the environment has the keys.
    CHECK_NOTHROW(resolve(merged(with_files(dir, "", "[default]\ncredential_process = /bin/creds\n"),
                                 {{"AWS_ACCESS_KEY_ID", "AKID"}, {"AWS_SECRET_ACCESS_KEY", "secret"}})));

    // Bad values.
    CHECK_THAT(error_of({{"AWS_REGION", "us-east-1/.."}}), Contains("AWS_REGION"));
    CHECK_THAT(file_error("", "[default]\nregion = us-east-1 # a comment is part of the value\n"),
               Contains(conf + ":2:"));
    for (const std::string bad :
         {"localhost:9000", "ftp://host", "https://", "https://host/path", "https://user:pw@host", "https://h?x=1"}) {
        INFO(bad);
        CHECK_THAT(error_of({{"AWS_ENDPOINT_URL_S3", bad}}), Contains("AWS_ENDPOINT_URL_S3"));
    }
    CHECK_THAT(file_error("", "[default]\nendpoint_url = s3.example.com\n"), Contains(conf + ":2:"));
    CHECK_THAT(error_of({{"AWS_MAX_ATTEMPTS", "0"}}), Contains("AWS_MAX_ATTEMPTS"));
    CHECK_THAT(error_of({{"AWS_MAX_ATTEMPTS", "3x"}}), Contains("AWS_MAX_ATTEMPTS"));
    CHECK_THAT(file_error("", "[default]\nmax_attempts = many\n"), Contains(conf + ":2:"));

    // The s3 block and the services sections.
    CHECK_THAT(file_error("", "[default]\ns3 =\n  addressing_style = sideways\n"),
               Contains(conf + ":3:") && Contains("path, virtual or auto"));
    CHECK_THAT(file_error("", "[default]\ns3 = addressing_style=path\n"), Contains(conf + ":2:"));
    CHECK_THAT(file_error("", "[default]\ns3 =\n  addressing_style path\n"), Contains(conf + ":3:"));
    CHECK_THAT(file_error("", "[default]\ns3 =\n  multipart_chunksize = 1MB\n"), Contains(conf + ":3:"));
    CHECK_THAT(file_error("", "[default]\ns3 =\n  multipart_chunksize = 10XB\n"), Contains(conf + ":3:"));
    CHECK_THAT(file_error("", "[default]\ns3 =\n  multipart_threshold = 0\n"), Contains(conf + ":3:"));
    CHECK_THAT(file_error("", "[default]\nservices = nowhere\n"), Contains(conf + ":2:") && Contains("[services ...]"));
    CHECK_THAT(file_error("", "[default]\nservices = s\n[services s]\ns3 = http://x\n"), Contains(conf + ":4:"));

    // A value that continues on an indented line, where one line is expected.
    CHECK_THAT(file_error("", "[default]\nregion = us-east-1\n  eu-west-1\n"), Contains(conf + ":2:"));
}

TEST_CASE("s3_config: no message ever holds a credential, whatever goes wrong") {
    // Distinctive values, each searched for in every message below.
    const std::string id = "AKIDLEAKCANARY0001";
    const std::string secret = "SECRETLEAKCANARY/0002+xyz";
    const std::string token = "TOKENLEAKCANARY0003";
    const std::vector<std::string> canaries = {id, secret, token, "LEAKCANARY"};

    temp_dir dir;
    const std::string good_creds = "[default]\naws_access_key_id = " + id + "\naws_secret_access_key = " + secret +
                                   "\naws_session_token = " + token + "\n";
    const vars env_keys = {{"AWS_ACCESS_KEY_ID", id}, {"AWS_SECRET_ACCESS_KEY", secret}, {"AWS_SESSION_TOKEN", token}};

    struct failing {
        std::string credentials;
        std::string config;
        vars env;
    };
    const std::vector<failing> cases = {
        // Malformed files, the secret on the bad line itself.
        {"[default]\naws_secret_access_key " + secret + "\n", "", {}},
        {"aws_secret_access_key = " + secret + "\n", "", {}},
        {"[default]\naws_access_key_id = " + id + "\naws_access_key_id = " + id + "\n", "", {}},
        {"[" + secret + "]\n[" + secret + "]\n", "", {}},
        {"[default]\naws_secret_access_key = " + secret + "\n  " + token + "\n", "", {}},
        {"[default]\naws_secret_access_key = \n  " + secret + "\n", "[default]\ns3 = " + secret + "\n", {}},
        // Half pairs, in files and in the environment.
        {"[default]\naws_access_key_id = " + id + "\naws_session_token = " + token + "\n", "", {}},
        {"[default]\naws_secret_access_key = " + secret + "\n", "", {}},
        {"", "", {{"AWS_ACCESS_KEY_ID", id}, {"AWS_SESSION_TOKEN", token}}},
        {"", "", {{"AWS_SECRET_ACCESS_KEY", secret}, {"AWS_SESSION_TOKEN", token}}},
        // Other errors while good credentials sit in the environment and in the files.
        {good_creds, "", merged(env_keys, {{"AWS_PROFILE", "missing"}})},
        {good_creds, "", merged(env_keys, {{"AWS_REGION", secret}})},
        {good_creds, "", merged(env_keys, {{"AWS_ENDPOINT_URL", "https://" + id + ":" + secret + "@host"}})},
        {good_creds, "", merged(env_keys, {{"AWS_ENDPOINT_URL", secret}})},
        {good_creds, "", merged(env_keys, {{"AWS_MAX_ATTEMPTS", secret}})},
        {good_creds, "[default]\nregion = " + secret + "\n", {}},
        {good_creds, "[default]\nendpoint_url = " + secret + "\n", {}},
        {good_creds, "[default]\ns3 =\n  addressing_style = " + secret + "\n", {}},
        {good_creds, "[default]\ns3 =\n  " + secret + "\n", {}},
        {good_creds, "[default]\ns3 =\n  multipart_chunksize = " + token + "\n", {}},
        {good_creds, "[default]\nmax_attempts = " + token + "\n", {}},
        {"", "[default]\ncredential_process = /bin/echo " + secret + "\n", {}},
        {"", "[default]\nrole_arn = " + secret + "\n", {}},
    };
    for (std::size_t i = 0; i < cases.size(); ++i) {
        INFO("case " << i);
        const std::string message = error_of(merged(with_files(dir, cases[i].credentials, cases[i].config), cases[i].env));
        CHECK_THAT(message, Catch::Contains("S3 configuration"));
        for (const auto& canary : canaries) CHECK_THAT(message, !Catch::Contains(canary));
    }
}
