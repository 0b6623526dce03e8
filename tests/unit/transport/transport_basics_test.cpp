#include <gtest/gtest.h>

#include "transport/connector.hpp"
#include "transport/deadline.hpp"
#include "transport/endpoint.hpp"
#include "transport/error.hpp"
#include "transport/tls.hpp"

namespace mailspec::transport {
namespace {

using namespace std::chrono_literals;

TEST(TransportBasics, FormatDuration) {
    EXPECT_EQ(format_duration(250ms), "250ms");
    EXPECT_EQ(format_duration(10s), "10s");
    EXPECT_EQ(format_duration(1500ms), "1.5s");
    EXPECT_EQ(format_duration(2050ms), "2.05s");
    EXPECT_EQ(format_duration(2min), "120s");
}

TEST(TransportBasics, EndpointText) {
    EXPECT_EQ(Endpoint("mx.example.org", 25).to_string(), "mx.example.org:25");
    EXPECT_EQ(Endpoint("127.0.0.1", 587).to_string(), "127.0.0.1:587");
    EXPECT_EQ(Endpoint("::1", 465).to_string(), "[::1]:465");
}

TEST(TransportBasics, TlsVersionNames) {
    EXPECT_EQ(tls_version_from_string("TLSv1.2"), TlsVersion::tls1_2);
    EXPECT_EQ(tls_version_from_string("tls1.3"), TlsVersion::tls1_3);
    EXPECT_EQ(tls_version_from_string("1.0"), TlsVersion::tls1_0);
    EXPECT_EQ(tls_version_from_string("TLSv1"), TlsVersion::tls1_0);
    EXPECT_FALSE(tls_version_from_string("SSLv3"));
    EXPECT_EQ(to_string(TlsVersion::tls1_1), "TLSv1.1");
}

TEST(TransportBasics, StepErrorText) {
    StepError e(StepError::Kind::timeout, "greeting", "timed out after 10s");
    EXPECT_EQ(std::string(e.what()), "greeting: timed out after 10s");
    EXPECT_EQ(e.step(), "greeting");
    EXPECT_EQ(e.reason(), "timed out after 10s");
    EXPECT_EQ(to_string(e.kind()), "timeout");
}

TEST(TransportBasics, BadSourceAddressIsAUsageError) {
    try {
        bind_connector("not-an-address");
        FAIL() << "no error";
    } catch (const StepError& e) {
        EXPECT_EQ(e.kind(), StepError::Kind::usage);
        EXPECT_EQ(std::string(e.what()),
                  "connect: source address \"not-an-address\" is not an IP address");
    }
    EXPECT_EQ(bind_connector("127.0.0.2")->describe(), "bind 127.0.0.2");
    EXPECT_EQ(local_connector()->describe(), "local");
}

TEST(TransportBasics, UnreadableCaFileIsAUsageError) {
    TlsOptions o;
    o.ca_file = "/nonexistent/ca.pem";
    try {
        make_tls_context(o);
        FAIL() << "no error";
    } catch (const StepError& e) {
        EXPECT_EQ(e.kind(), StepError::Kind::usage);
        EXPECT_EQ(e.step(), "TLS setup");
    }
    o.ca_file.clear();
    o.ciphers = "NO-SUCH-CIPHER";
    EXPECT_THROW(make_tls_context(o), StepError);
}

}  // namespace
}  // namespace mailspec::transport
