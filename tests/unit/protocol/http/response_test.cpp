#include "protocol/http/response.hpp"

#include <gtest/gtest.h>

namespace mailspec::http {
namespace {

// What nginx 1.22 (Debian 12) sends for a static text file.
constexpr std::string_view kNginx =
    "HTTP/1.1 200 OK\r\n"
    "Server: nginx/1.22.1\r\n"
    "Date: Thu, 03 Dec 2026 17:00:00 GMT\r\n"
    "Content-Type: text/plain\r\n"
    "Content-Length: 72\r\n"
    "Last-Modified: Thu, 03 Dec 2026 16:00:00 GMT\r\n"
    "Connection: close\r\n"
    "ETag: \"6750b2c0-4b\"\r\n"
    "Accept-Ranges: bytes\r\n"
    "\r\n"
    "version: STSv1\r\nmode: enforce\r\nmx: mail.lab.test\r\nmax_age: 86400\r\n"
    "\r\n\r\n\r\n";  // 66 + 6 = 72 bytes

TEST(HttpResponse, NginxStaticFileWithContentLength) {
    auto o = parse_response(kNginx, false);
    ASSERT_EQ(o.state, ParseState::complete) << o.error;
    EXPECT_EQ(o.response.status, 200);
    EXPECT_EQ(o.response.reason, "OK");
    ASSERT_NE(o.response.header("content-type"), nullptr);
    EXPECT_EQ(*o.response.header("content-type"), "text/plain");
    EXPECT_EQ(o.response.body.size(), 72u);
    EXPECT_EQ(o.response.body.substr(0, 14), "version: STSv1");
}

TEST(HttpResponse, NeedsMoreUntilTheBodyArrives) {
    for (std::size_t cut : {0, 10, 40, 300}) {
        auto o = parse_response(kNginx.substr(0, cut), false);
        EXPECT_EQ(o.state, ParseState::need_more) << cut;
        auto e = parse_response(kNginx.substr(0, cut), true);
        EXPECT_EQ(e.state, ParseState::error) << cut;
    }
}

TEST(HttpResponse, ChunkedBody) {
    auto o = parse_response(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        "10\r\nversion: STSv1\r\n\r\n"
        "F;ext=1\r\nmode: testing\r\n\r\n0\r\n\r\n",
        false);
    ASSERT_EQ(o.state, ParseState::complete) << o.error;
    EXPECT_EQ(o.response.body, "version: STSv1\r\nmode: testing\r\n");
}

TEST(HttpResponse, RedirectIsParsedNotFollowed) {
    auto o = parse_response(
        "HTTP/1.1 301 Moved Permanently\r\nServer: nginx/1.22.1\r\nContent-Type: text/html\r\n"
        "Content-Length: 0\r\nLocation: https://elsewhere.lab.test/.well-known/mta-sts.txt\r\n"
        "\r\n",
        false);
    ASSERT_EQ(o.state, ParseState::complete);
    EXPECT_EQ(o.response.status, 301);
    EXPECT_EQ(*o.response.header("location"), "https://elsewhere.lab.test/.well-known/mta-sts.txt");
}

TEST(HttpResponse, BodyToEndOfConnection) {
    std::string_view r = "HTTP/1.0 200 OK\r\n\r\nversion: STSv1\r\n";
    EXPECT_EQ(parse_response(r, false).state, ParseState::need_more);
    auto o = parse_response(r, true);
    ASSERT_EQ(o.state, ParseState::complete);
    EXPECT_EQ(o.response.body, "version: STSv1\r\n");
}

TEST(HttpResponse, CapsAreEnforced) {
    ResponseLimits small;
    small.max_body_bytes = 10;
    auto a = parse_response("HTTP/1.1 200 OK\r\nContent-Length: 65537\r\n\r\n", false);
    EXPECT_EQ(a.state, ParseState::error);
    EXPECT_NE(a.error.find("above the cap"), std::string::npos);
    auto b =
        parse_response("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nff\r\n", false, small);
    EXPECT_EQ(b.state, ParseState::error);
    auto c = parse_response("HTTP/1.1 200 OK\r\n\r\n" + std::string(11, 'x'), false, small);
    EXPECT_EQ(c.state, ParseState::error);
    auto d = parse_response("HTTP/1.1 200 OK\r\nX: " + std::string(20000, 'y'), false);
    EXPECT_EQ(d.state, ParseState::error);
}

TEST(HttpResponse, MalformedResponsesAreErrors) {
    EXPECT_EQ(parse_response("SSH-2.0-OpenSSH_9.2\r\n", false).state, ParseState::error);
    EXPECT_EQ(parse_response("HTTP/1.1 2x0 OK\r\n\r\n", false).state, ParseState::error);
    EXPECT_EQ(parse_response("HTTP/1.1 200 OK\r\nBad Header: x\r\n\r\n", false).state,
              ParseState::error);
    EXPECT_EQ(parse_response("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", false).state,
              ParseState::error);
    EXPECT_EQ(parse_response("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", false).state,
              ParseState::error);
}

TEST(HttpResponse, GetRequestIsMinimal) {
    EXPECT_EQ(make_get_request("mta-sts.lab.test", "/.well-known/mta-sts.txt"),
              "GET /.well-known/mta-sts.txt HTTP/1.1\r\nHost: mta-sts.lab.test\r\n"
              "User-Agent: mailspec\r\nAccept: text/plain\r\nConnection: close\r\n\r\n");
}

}  // namespace
}  // namespace mailspec::http
